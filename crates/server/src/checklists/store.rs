//! Storing verified sign-offs: one transaction for the rows (a signature already stored for the
//! project is not stored twice) and the latest run's webhook signals, then one audit-log event
//! per new sign-off.

use super::items::{ChecklistItems, checklist_name};
use super::types::StoredSignoff;
use super::webhook_signals;
use crate::app::AppState;
use crate::auth::Principal;
use crate::auth::events::{EventKind, security_event};
use crate::http::problem::Problem;
use crate::repo::projects::ProjectRecord;
use crate::repo::runs::RunRecord;
use crate::repo::signoffs::{self, NewSignoff};
use crate::repo::{checklist_items, runs};
use crate::{audit_log, clock};
use vouch_checklist::signoff::SignoffEntry;

/// Where a sign-off came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Signed elsewhere (`vouch signoff`), verified on upload.
    Upload,
    /// Signed by this server for the calling user.
    Server { run_id: i64 },
}

/// One stored entry and whether this call stored it (false: it was stored before).
pub struct Stored {
    pub signoff: StoredSignoff,
    pub new: bool,
}

/// The project's latest checklist run and its items.
pub async fn latest_checklist(
    state: &AppState,
    project_id: i64,
) -> Result<Option<(RunRecord, ChecklistItems)>, Problem> {
    let Some(run) = runs::latest_of_kind(&state.db, project_id, "checklist").await? else {
        return Ok(None);
    };
    let items = checklist_items::of_run(&state.db, run.id).await?;
    Ok(Some((run, items)))
}

/// Stores entries whose signatures the caller has verified.
pub async fn store(
    state: &AppState,
    principal: &Principal,
    project: &ProjectRecord,
    entries: &[SignoffEntry],
    source: Source,
) -> Result<Vec<Stored>, Problem> {
    let latest = latest_checklist(state, project.id).await?;
    let actor = audit_log::actor(principal);
    let now = clock::now_ms();
    let (source_name, run_id) = match source {
        Source::Upload => ("upload", None),
        Source::Server { run_id } => ("server", Some(run_id)),
    };
    let mut tx = state.db.pool.begin().await?;
    let mut records = Vec::new();
    for entry in entries {
        let payload = &entry.payload;
        let json = serde_json::to_string(entry).map_err(Problem::internal)?;
        let section = serde_json::to_string(&payload.section).map_err(Problem::internal)?;
        let new = NewSignoff {
            project_id: project.id,
            checklist: &checklist_name(&payload.checklist),
            section: &section,
            signer: &payload.name,
            signed_at: &payload.signed_at,
            public_key: &entry.public_key,
            signature: &entry.signature,
            entry: &json,
            source: source_name,
            run_id,
            created_by: &actor,
            created_at: now,
        };
        match signoffs::insert(&mut tx, &new).await? {
            Some(record) => records.push((record, true)),
            None => {
                let record = signoffs::find_by_signature(&mut tx, project.id, &entry.signature)
                    .await?
                    .ok_or_else(|| Problem::internal("a conflicting sign-off vanished"))?;
                records.push((record, false));
            }
        }
    }
    let fresh: Vec<_> = records
        .iter()
        .filter(|(_, new)| *new)
        .map(|(r, _)| r.clone())
        .collect();
    if let Some((run, items)) = &latest
        && !fresh.is_empty()
    {
        webhook_signals::note_in_run(&mut tx, run.id, items, &fresh, &state.signoff_keys).await?;
    }
    tx.commit().await?;
    let kind = match source {
        Source::Upload => EventKind::SignoffUploaded,
        Source::Server { .. } => EventKind::SignoffSigned,
    };
    let subject = format!("project:{}", project.name);
    let latest_items = latest.as_ref().map(|(_, items)| items);
    let mut out = Vec::new();
    for (record, new) in records {
        let signoff = StoredSignoff::judge(record, &state.signoff_keys, latest_items);
        if new {
            let detail = format!(
                "{} signed off \"{}\" of {} (key {})",
                signoff.name,
                signoff.section.join(" > "),
                signoff.checklist,
                signoff.key
            );
            security_event(state, kind, &actor, &subject, &detail).await;
        }
        out.push(Stored { signoff, new });
    }
    Ok(out)
}
