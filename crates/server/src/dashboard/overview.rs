//! `GET /`: every project with its latest audit score, a sparkline of recent scores, the gate
//! of the latest audit, and the failing claims of the latest checklist run.

use super::error::PageResult;
use super::session::Session;
use super::{chart, layout, widgets};
use crate::app::AppState;
use crate::repo::projects::{self, ProjectRecord};
use crate::repo::runs::{self, RunRecord};
use axum::extract::State;
use axum::response::Response;
use maud::html;
use serde_json::Value;

/// Projects shown; more are listed by the API (`GET /api/v1/projects`, paginated).
const MAX_PROJECTS: i64 = 500;
/// Runs read per project for the sparkline (audit and checklist runs together).
const RECENT_RUNS: i64 = 30;

pub struct Row {
    pub project: ProjectRecord,
    /// Audit runs, newest first.
    pub audits: Vec<RunRecord>,
    pub latest_checklist: Option<RunRecord>,
}

impl Row {
    /// `claimed_but_failing` of the latest checklist run (None without one).
    pub fn failing_claims(&self) -> Option<u64> {
        let run = self.latest_checklist.as_ref()?;
        let counts: Value = serde_json::from_str(&run.counts).ok()?;
        Some(counts["claimed_but_failing"].as_u64().unwrap_or(0))
    }
}

pub async fn rows(state: &AppState) -> PageResult<Vec<Row>> {
    let mut rows = Vec::new();
    for project in projects::list(&state.db, None, MAX_PROJECTS).await? {
        let recent = runs::list_for_project(&state.db, project.id, None, RECENT_RUNS).await?;
        let latest_checklist = recent.iter().find(|r| r.kind == "checklist").cloned();
        let audits = recent.into_iter().filter(|r| r.kind == "audit").collect();
        rows.push(Row {
            project,
            audits,
            latest_checklist,
        });
    }
    Ok(rows)
}

pub async fn page(State(state): State<AppState>, session: Session) -> PageResult<Response> {
    let rows = rows(&state).await?;
    let content = html! {
        h1 { "Projects" }
        @if rows.is_empty() {
            p { "No projects yet. An admin creates them through the API (" code { "POST /api/v1/projects" } ")." }
        } @else {
            table #projects {
                caption { (rows.len()) " projects: latest audit score, trend, gate and failing checklist claims" }
                (widgets::columns(&["Project", "Team", "Tier", "Score", "Trend", "Gate", "Failing claims", "Last audit"], &["Score", "Failing claims"]))
                tbody {
                    @for row in &rows {
                        @let latest = row.audits.first();
                        @let trend: Vec<i64> = row.audits.iter().rev().filter_map(|r| r.score).collect();
                        tr {
                            th scope="row" {
                                a href=(format!("/projects/{}", row.project.name)) { (row.project.name) }
                            }
                            td { (row.project.owner_team) }
                            td { (row.project.tier) }
                            td.num { (widgets::score(latest.and_then(|r| r.score))) }
                            td { (chart::sparkline(&trend)) }
                            td { (widgets::gate(latest.and_then(|r| r.gate_failed))) }
                            td.num {
                                @match row.failing_claims() {
                                    Some(0) => { "0" }
                                    Some(n) => { span.badge.fail { (n) " failing" } }
                                    None => { "no checklist" }
                                }
                            }
                            td {
                                @match latest {
                                    Some(run) => { a href=(format!("/runs/{}", run.id)) { (widgets::time(run.created_at)) } }
                                    None => { "never" }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&session, "Projects", content))
}
