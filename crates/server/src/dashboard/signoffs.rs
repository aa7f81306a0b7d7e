//! `GET /projects/{name}/signoffs`: the sections of the latest checklist run, each with its
//! items, verdicts and recorded sign-offs, and (for engineers and admins) a form that signs a
//! section off. `POST` checks the form's CSRF token and the role, then signs through
//! [`sign_section`] (the server signs for the user, as `POST
//! /api/v1/projects/{name}/checklist/signoffs` does).

use super::error::{PageError, PageResult};
use super::project::{find_project, latest_report};
use super::report::{self, Item, Signoff};
use super::session::{self, Session};
use super::{layout, stored, tables};
use crate::app::AppState;
use crate::checklists::sign_section;
use crate::repo::runs;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct SignForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    section: String,
}

#[derive(Deserialize, Default)]
pub struct Shown {
    /// The section just signed, for the confirmation.
    #[serde(default)]
    signed: Option<String>,
}

/// A section (a heading path of the checklist, outermost first) and the items directly under it.
pub struct Section<'a> {
    pub path: &'a [String],
    pub items: Vec<&'a Item>,
}

impl Section<'_> {
    /// The innermost heading.
    pub fn name(&self) -> &str {
        self.path.last().map_or("", String::as_str)
    }
}

/// Sections in document order: each item's heading path.
pub fn sections(items: &[Item]) -> Vec<Section<'_>> {
    let mut found: Vec<Section<'_>> = Vec::new();
    for item in items.iter().filter(|i| !i.section.is_empty()) {
        match found.iter_mut().find(|s| s.path == item.section.as_slice()) {
            Some(section) => section.items.push(item),
            None => found.push(Section {
                path: &item.section,
                items: vec![item],
            }),
        }
    }
    found
}

/// A heading path in a form field: one heading per line (a Markdown heading is one line).
fn path_field(path: &[String]) -> String {
    path.join("\n")
}

/// The heading path a form sent back (browsers send line breaks as CRLF).
fn parse_path_field(value: &str) -> Vec<String> {
    value
        .lines()
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map(str::to_string)
        .collect()
}

pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Path(name): Path<String>,
    Query(shown): Query<Shown>,
) -> PageResult<Response> {
    let project = find_project(&state, &name).await?;
    let recent = runs::list_for_project(&state.db, project.id, None, 50).await?;
    let checklist = latest_report(&state, &recent, "checklist").await?;
    let stored = stored::signoffs(&state, project.id).await?;
    let title = format!("Sign-offs of {}", project.name);
    // Confirmed only when this user's sign-off of that section is stored: a link cannot make
    // the page claim one.
    let confirmed = shown.signed.as_ref().filter(|signed| {
        stored
            .iter()
            .any(|s| s.section.join(" › ") == **signed && s.name == session.principal.name)
    });
    let content = html! {
        h1 { (title) }
        p.meta { a href=(format!("/projects/{}", project.name)) { "Back to project " (project.name) } }
        @if let Some(section) = confirmed {
            p #signed-notice .notice role="status" { "Signed off section “" (section) "”." }
        }
        @match &checklist {
            None => { p { "No checklist run yet: there is nothing to sign off." } }
            Some((run, doc)) => {
                @let items = report::items(doc);
                @let recorded = [report::signoffs(doc), stored.clone()].concat();
                p { "From checklist run #" (run.id) "." }
                @for (i, section) in sections(&items).iter().enumerate() {
                    (section_view(i, section, &recorded, &session, &project.name))
                }
            }
        }
    };
    Ok(layout::page(&session, &title, content))
}

fn section_view(
    index: usize,
    section: &Section<'_>,
    recorded: &[Signoff],
    session: &Session,
    project: &str,
) -> Markup {
    let heading = format!("section-{index}");
    let owned: Vec<Item> = section.items.iter().map(|i| (*i).clone()).collect();
    // A report's sign-off names one heading; a stored one the whole path.
    let signed: Vec<Signoff> = recorded
        .iter()
        .filter(|s| s.section == section.path || s.section == [section.name()])
        .cloned()
        .collect();
    html! {
        section.panel aria-labelledby=(heading) {
            h2 id=(heading) { (section.path.join(" › ")) }
            (tables::checklist(&owned))
            (tables::signoffs(&signed))
            @if session.may_sign_off() {
                form method="post" action=(format!("/projects/{project}/signoffs")) {
                    input type="hidden" name="csrf" value=(session.csrf);
                    input type="hidden" name="section" value=(path_field(section.path));
                    button.primary type="submit" { "Sign off “" (section.name()) "”" }
                }
            } @else {
                p { "Signing off needs the engineer or admin role." }
            }
        }
    }
}

pub async fn submit(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(name): Path<String>,
    Form(form): Form<SignForm>,
) -> PageResult<Response> {
    if !session::same_origin(&headers) {
        return Err(PageError::Csrf);
    }
    session.check_csrf(&form.csrf)?;
    if !session.may_sign_off() {
        return Err(PageError::Forbidden(
            "signing off a section needs the engineer or admin role".into(),
        ));
    }
    let project = find_project(&state, &name).await?;
    let path = parse_path_field(&form.section);
    sign_section(&state, &session.principal, &project.name, &path).await?;
    let back = format!(
        "/projects/{}/signoffs?signed={}",
        project.name,
        query_value(&path.join(" › "))
    );
    Ok(Redirect::to(&back).into_response())
}

/// Percent-encodes a query parameter value (RFC 3986 unreserved characters stay).
fn query_value(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, section: &[&str]) -> Item {
        Item {
            id: id.into(),
            text: id.into(),
            section: section.iter().map(|s| s.to_string()).collect(),
            verdict: "manual".into(),
            signed_off_by: None,
        }
    }

    #[test]
    fn items_group_under_their_innermost_heading_in_document_order() {
        let items = [
            item("A", &["Doc", "Ops"]),
            item("B", &["Doc", "Security"]),
            item("C", &["Doc", "Ops"]),
            item("D", &[]),
        ];
        let found = sections(&items);
        let names: Vec<&str> = found.iter().map(|s| s.name()).collect();
        assert_eq!(names, ["Ops", "Security"]);
        assert_eq!(found[0].items.len(), 2);
        assert_eq!(found[0].path, ["Doc", "Ops"]);
    }

    #[test]
    fn heading_paths_survive_the_form() {
        let path = vec!["Doc".to_string(), "Stage 3: Ops".to_string()];
        assert_eq!(path_field(&path), "Doc\nStage 3: Ops");
        assert_eq!(parse_path_field("Doc\r\nStage 3: Ops\r\n"), path);
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(
            query_value("Stage 3: Ops & co"),
            "Stage%203%3A%20Ops%20%26%20co"
        );
    }
}
