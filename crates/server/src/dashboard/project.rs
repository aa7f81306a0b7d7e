//! `GET /projects/{name}`: the latest audit (score, areas, gate), its findings with a filter,
//! the score history, the latest checklist with verdicts and sign-offs, and recent runs.

use super::error::{PageError, PageResult};
use super::filter::FindingFilter;
use super::session::Session;
use super::{chart, layout, report, stored, tables, widgets};
use crate::app::AppState;
use crate::repo::projects::{self, ProjectRecord};
use crate::repo::runs::{self, RunRecord};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{Markup, html};

/// Runs read for the history chart and the runs table.
const RECENT_RUNS: i64 = 50;

pub async fn find_project(state: &AppState, name: &str) -> PageResult<ProjectRecord> {
    projects::find_by_name(&state.db, name)
        .await?
        .ok_or_else(|| PageError::NotFound(format!("there is no project named {name}")))
}

/// The latest run of `kind` among `recent` (newest first), with its report.
pub async fn latest_report(
    state: &AppState,
    recent: &[RunRecord],
    kind: &str,
) -> PageResult<Option<(RunRecord, serde_json::Value)>> {
    match recent.iter().find(|r| r.kind == kind) {
        Some(run) => report::load(state, run.id).await,
        None => Ok(None),
    }
}

pub async fn page(
    State(state): State<AppState>,
    session: Session,
    Path(name): Path<String>,
    Query(filter): Query<FindingFilter>,
) -> PageResult<Response> {
    let project = find_project(&state, &name).await?;
    let recent = runs::list_for_project(&state.db, project.id, None, RECENT_RUNS).await?;
    let audit = latest_report(&state, &recent, "audit").await?;
    let checklist = latest_report(&state, &recent, "checklist").await?;
    let stored = stored::signoffs(&state, project.id).await?;
    let history: Vec<chart::Point> = recent
        .iter()
        .rev()
        .filter(|r| r.kind == "audit")
        .filter_map(|r| {
            Some(chart::Point {
                run_id: r.id,
                label: crate::clock::rfc3339(r.created_at).get(..10)?.to_string(),
                score: r.score?,
            })
        })
        .collect();
    let action = format!("/projects/{}", project.name);
    let content = html! {
        h1 { (project.name) }
        p.meta {
            "Team " (project.owner_team) " · tier " (project.tier)
            @if let Some(repo) = &project.repository { " · repository " code { (repo) } }
            @if let Some(url) = &project.service_url { " · service " code { (url) } }
        }
        section aria-labelledby="latest-audit" {
            h2 #latest-audit { "Latest audit" }
            @match &audit {
                Some((run, doc)) => {
                    (latest_audit(run))
                    h2 #findings-heading { "Findings" }
                    (tables::findings(&report::findings(doc), &filter, &action))
                }
                None => { p { "No audit run yet." } }
            }
        }
        section aria-labelledby="history-heading" {
            h2 #history-heading { "Score history" }
            (chart::history(&history))
        }
        section aria-labelledby="checklist-heading" {
            h2 #checklist-heading { "Checklist" }
            @match &checklist {
                Some((run, doc)) => {
                    p {
                        "From " a href=(format!("/runs/{}", run.id)) { "checklist run #" (run.id) }
                        ", " (widgets::time(run.created_at)) ". "
                        a href=(format!("/projects/{}/signoffs", project.name)) { "Sign-offs by section" }
                    }
                    (tables::checklist(&report::items(doc)))
                    (tables::signoffs(&[report::signoffs(doc), stored.clone()].concat()))
                }
                None => { p { "No checklist run yet." } }
            }
        }
        section aria-labelledby="runs-heading" {
            h2 #runs-heading { "Runs" }
            (tables::runs(&recent, "Recent runs, newest first"))
        }
    };
    Ok(layout::page(&session, &project.name, content))
}

fn latest_audit(run: &RunRecord) -> Markup {
    html! {
        div.grid {
            div.panel {
                p { strong { "Score: " } (widgets::score(run.score)) }
                p { strong { "Gate: " } (widgets::gate(run.gate_failed)) }
                p {
                    strong { "Run: " } a href=(format!("/runs/{}", run.id)) { "#" (run.id) }
                    " · " (widgets::time(run.created_at)) " · commit " (widgets::commit(run.commit_sha.as_deref()))
                }
            }
            div.panel { (tables::areas(&run.areas)) }
        }
    }
}
