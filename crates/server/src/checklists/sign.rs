//! Server-side sign-off (the dashboard's "sign off this section"): the calling user vouches for
//! a section of the project's latest checklist run; the server builds the payload from that
//! run's items and signs it with its sign-off key.

use super::store::{self, Source};
use super::types::StoredSignoff;
use crate::app::AppState;
use crate::auth::{Principal, Scope};
use crate::clock;
use crate::http::problem::{FieldError, Problem};
use crate::projects::routes::find as find_project;
use vouch_checklist::signoff::record::PAYLOAD_VERSION;
use vouch_checklist::signoff::{SignedItem, SignoffPayload, sign};

/// Signs off `section` (a heading path, outermost first: the section and everything under it)
/// of `project`'s latest checklist run as `principal`, and stores it. Signing the same content
/// again in the same millisecond gives the same signature and returns the stored sign-off.
///
/// Errors: 403 without `checklists:write`, 404 for an unknown project, 409 when the project has
/// no checklist run, 422 when the section is empty or has no items.
pub async fn sign_section(
    state: &AppState,
    principal: &Principal,
    project: &str,
    section: &[String],
) -> Result<StoredSignoff, Problem> {
    principal.require(Scope::ChecklistsWrite)?;
    let project = find_project(state, project).await?;
    let (run, items) = store::latest_checklist(state, project.id)
        .await?
        .ok_or_else(|| Problem::conflict("the project has no checklist run to sign off yet"))?;
    if section.is_empty() || section.iter().any(|h| h.trim().is_empty()) {
        return Err(Problem::validation(vec![FieldError::new(
            "section",
            "a heading path, outermost first, without empty headings",
        )]));
    }
    let covered: Vec<SignedItem> = items
        .items
        .iter()
        .filter(|item| item.section.starts_with(section))
        .map(|item| SignedItem {
            id: item.id.clone(),
            text: item.text.clone(),
            verdict: item.verdict.clone(),
            // Uploaded reports carry no evidence fingerprints to digest (see staleness.rs).
            evidence: String::new(),
        })
        .collect();
    if covered.is_empty() {
        return Err(Problem::validation(vec![FieldError::new(
            "section",
            format!(
                "no items under \"{}\" in run {}",
                section.join(" > "),
                run.id
            ),
        )]));
    }
    let payload = SignoffPayload {
        version: PAYLOAD_VERSION,
        checklist: items.checklist.clone(),
        section: section.to_vec(),
        name: principal.name.clone(),
        signed_at: clock::rfc3339(clock::now_ms()),
        commit: run.commit_sha.clone(),
        items: covered,
    };
    let entry = sign(payload, &state.signoff_keys.signing);
    let mut stored = store::store(
        state,
        principal,
        &project,
        &[entry],
        Source::Server { run_id: run.id },
    )
    .await?;
    stored
        .pop()
        .map(|s| s.signoff)
        .ok_or_else(|| Problem::internal("a signed sign-off was not stored"))
}
