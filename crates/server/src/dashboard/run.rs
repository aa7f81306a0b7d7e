//! `GET /runs/{id}`: one run — its numbers, and its findings (audit) or items (checklist).

use super::error::{PageError, PageResult};
use super::filter::FindingFilter;
use super::session::Session;
use super::{layout, report, tables, widgets};
use crate::app::AppState;
use crate::repo::projects;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::html;

pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Query(filter): Query<FindingFilter>,
) -> PageResult<Response> {
    let missing = || PageError::NotFound(format!("there is no run {id}"));
    let (run, doc) = report::load(&state, id).await?.ok_or_else(missing)?;
    let project = projects::find_by_id(&state.db, run.project_id)
        .await?
        .ok_or_else(missing)?;
    let title = format!("Run #{} of {}", run.id, project.name);
    let content = html! {
        h1 { (title) }
        p.meta {
            a href=(format!("/projects/{}", project.name)) { "Project " (project.name) }
            " · " (run.kind) " run · " (widgets::time(run.created_at))
            " · commit " (widgets::commit(run.commit_sha.as_deref()))
            @if let Some(version) = &run.tool_version { " · vouch " (version) }
        }
        @if run.kind == "audit" {
            div.grid {
                div.panel {
                    p { strong { "Score: " } (widgets::score(run.score)) }
                    p { strong { "Gate: " } (widgets::gate(run.gate_failed)) }
                }
                div.panel { (tables::areas(&run.areas)) }
            }
            h2 { "Findings" }
            (tables::findings(&report::findings(&doc), &filter, &format!("/runs/{}", run.id)))
        } @else {
            h2 { "Checklist" }
            (tables::checklist(&report::items(&doc)))
            h2 { "Sign-offs" }
            (tables::signoffs(&report::signoffs(&doc)))
        }
    };
    Ok(layout::page(&session, &title, content))
}
