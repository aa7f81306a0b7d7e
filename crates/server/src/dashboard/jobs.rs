//! `GET /jobs`: the newest jobs of every project, with their state, attempts and last error.

use super::error::PageResult;
use super::session::Session;
use super::{layout, widgets};
use crate::app::AppState;
use crate::repo::{jobs, projects};
use axum::extract::State;
use axum::response::Response;
use maud::html;
use std::collections::HashMap;

const SHOWN: i64 = 100;

pub async fn page(State(state): State<AppState>, session: Session) -> PageResult<Response> {
    let list = jobs::list_recent(&state.db, SHOWN).await?;
    let mut names: HashMap<i64, String> = HashMap::new();
    for job in &list {
        if !names.contains_key(&job.project_id)
            && let Some(p) = projects::find_by_id(&state.db, job.project_id).await?
        {
            names.insert(p.id, p.name);
        }
    }
    let content = html! {
        h1 { "Jobs" }
        @if list.is_empty() {
            p { "No jobs yet." }
        } @else {
            table #jobs {
                caption { "The " (list.len()) " newest jobs of every project" }
                (widgets::columns(&["Job", "Project", "Kind", "State", "Attempts", "Run", "Updated", "Last error"], &["Attempts"]))
                tbody {
                    @for job in &list {
                        tr {
                            td { "#" (job.id) }
                            td {
                                @match names.get(&job.project_id) {
                                    Some(name) => { a href=(format!("/projects/{name}")) { (name) } }
                                    None => { "—" }
                                }
                            }
                            td { (job.kind) }
                            td { (state_badge(&job.state)) }
                            td.num { (job.attempts) " of " (job.max_attempts) }
                            td {
                                @match job.run_id {
                                    Some(id) => { a href=(format!("/runs/{id}")) { "#" (id) } }
                                    None => { "—" }
                                }
                            }
                            td { (widgets::time(job.updated_at)) }
                            td { (job.last_error.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&session, "Jobs", content))
}

fn state_badge(state: &str) -> maud::Markup {
    let class = match state {
        "succeeded" => "badge pass",
        "failed" => "badge fail",
        "running" => "badge warn",
        _ => "badge neutral",
    };
    html! { span class=(class) { (state) } }
}
