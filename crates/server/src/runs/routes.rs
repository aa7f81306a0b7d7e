//! Upload a run (audit, probe, load or checklist report) to a project, list a project's runs (newest first, with scores for trends),
//! show one run, download its original report. Runs are immutable: no update, no delete.

use super::compress;
use super::store;
use super::types::RunView;
use crate::app::AppState;
use crate::auth::{Principal, Scope};
use crate::clock;
use crate::http::json::with_location;
use crate::http::pagination::{Page, PageQuery};
use crate::http::problem::{ApiResult, Problem};
use crate::projects::routes::find as find_project;
use crate::repo::projects;
use crate::repo::runs;
use crate::webhooks::enqueue::on_run_stored;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects/{name}/runs", get(list).post(upload))
        .route("/runs/{id}", get(show))
        .route("/runs/{id}/report", get(report))
}

async fn upload(
    State(state): State<AppState>,
    principal: Principal,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    principal.require(Scope::RunsWrite)?;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "upload the report as `Content-Type: application/json`",
        ));
    }
    let project = find_project(&state, &name).await?;
    let prepared = store::prepare(body).await?;
    // The run and the webhook deliveries it causes commit together.
    let mut tx = state.db.pool.begin().await?;
    let record = runs::insert_in(
        &mut tx,
        &prepared.new_run(project.id, principal.key_id(), clock::now_ms()),
    )
    .await?;
    let signals = crate::checklists::run_items::on_run_stored(
        &mut tx,
        record.id,
        project.id,
        prepared.checklist_items(),
        prepared.signals(),
        &state.signoff_keys,
    )
    .await?;
    let enqueued = on_run_stored(
        &mut tx,
        &project.name,
        &record,
        &signals,
        state.config.webhook_score_drop_threshold,
    )
    .await?;
    tx.commit().await?;
    if enqueued > 0 {
        state.webhooks.wake();
    }
    let location = format!("/api/v1/runs/{}", record.id);
    let view = RunView::new(record, &project.name);
    Ok(with_location(StatusCode::CREATED, view, &location))
}

async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Path(name): Path<String>,
    Query(page): Query<PageQuery>,
) -> ApiResult<Json<Page<RunView>>> {
    principal.require(Scope::Read)?;
    let project = find_project(&state, &name).await?;
    let before = page.after_id("run")?;
    let limit = page.limit();
    let records = runs::list_for_project(&state.db, project.id, before, limit + 1).await?;
    Ok(Json(Page::of(
        records,
        limit,
        |r| r.id.to_string(),
        |r| RunView::new(r, &project.name),
    )))
}

async fn show(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> ApiResult<Json<RunView>> {
    principal.require(Scope::Read)?;
    let (record, _) = runs::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    let project = project_name(&state, record.project_id).await?;
    Ok(Json(RunView::new(record, &project)))
}

/// The report exactly as uploaded.
async fn report(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    principal.require(Scope::Read)?;
    let (_, packed) = runs::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    let body = tokio::task::spawn_blocking(move || compress::gunzip(&packed))
        .await
        .map_err(Problem::internal)?
        .map_err(Problem::internal)?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

async fn project_name(state: &AppState, project_id: i64) -> ApiResult<String> {
    projects::find_by_id(&state.db, project_id)
        .await?
        .map(|p| p.name)
        .ok_or_else(|| Problem::internal(format!("run refers to missing project {project_id}")))
}

fn not_found(id: i64) -> Problem {
    Problem::not_found(format!("no run with id {id}"))
}
