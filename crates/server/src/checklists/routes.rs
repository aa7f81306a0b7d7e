//! The latest checklist run with its sections, items and sign-offs; one item's verdict
//! history; uploading signed sign-offs; signing off a section as the calling user.

use super::items::ChecklistItems;
use super::sign::sign_section;
use super::store::{self, Source};
use super::types::{ChecklistView, HistoryEntry, StoredSignoff, sections};
use super::upload;
use crate::app::AppState;
use crate::audit_log;
use crate::auth::events::{EventKind, security_event};
use crate::auth::{Principal, Scope};
use crate::http::json::ApiJson;
use crate::http::pagination::{Page, PageQuery};
use crate::http::problem::{ApiResult, Problem};
use crate::projects::routes::find as find_project;
use crate::repo::{checklist_items, signoffs};
use crate::runs::types::RunView;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use vouch_checklist::signoff::SignoffFile;

#[derive(utoipa::OpenApi)]
#[openapi(paths(latest, history, sign, list_signoffs, upload_signoffs))]
pub struct Api;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects/{name}/checklist", get(latest))
        .route(
            "/projects/{name}/checklist/items/{id}/history",
            get(history),
        )
        .route("/projects/{name}/checklist/signoffs", post(sign))
        .route(
            "/projects/{name}/signoffs",
            get(list_signoffs).post(upload_signoffs),
        )
}

#[utoipa::path(get, path = "/api/v1/projects/{name}/checklist", tag = "checklists", params(("name" = String, Path, description = "The project's name")),
    responses((status = 200, description = "The latest checklist run: sections, items with verdicts, sign-offs with validity and staleness", body = serde_json::Value, content_type = "application/json")))]
async fn latest(
    State(state): State<AppState>,
    principal: Principal,
    Path(name): Path<String>,
) -> ApiResult<Json<ChecklistView>> {
    principal.require(Scope::Read)?;
    let project = find_project(&state, &name).await?;
    let (run, items) = store::latest_checklist(&state, project.id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("project `{name}` has no checklist run yet")))?;
    let signoffs = judged_signoffs(&state, project.id, Some(&items))
        .await?
        .into_iter()
        .filter(|s| s.checklist == items.checklist)
        .collect();
    Ok(Json(ChecklistView {
        project: project.name.clone(),
        checklist: items.checklist.clone(),
        run: RunView::new(run, &project.name),
        sections: sections(&items.items),
        items: items.items,
        signoffs,
    }))
}

#[utoipa::path(get, path = "/api/v1/projects/{name}/checklist/items/{id}/history", tag = "checklists", params(("name" = String, Path, description = "The project's name"), ("id" = String, Path, description = "The checklist item's id"), PageQuery),
    responses((status = 200, description = "A page of the item's verdicts, one per checklist run, newest first", body = serde_json::Value, content_type = "application/json")))]
async fn history(
    State(state): State<AppState>,
    principal: Principal,
    Path((name, id)): Path<(String, String)>,
    Query(page): Query<PageQuery>,
) -> ApiResult<Json<Page<HistoryEntry>>> {
    principal.require(Scope::Read)?;
    let project = find_project(&state, &name).await?;
    let before = page.after_id("run")?;
    let limit = page.limit();
    let rows = checklist_items::history(&state.db, project.id, &id, before, limit + 1).await?;
    Ok(Json(Page::of(
        rows,
        limit,
        |r| r.run_id.to_string(),
        HistoryEntry::from,
    )))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignRequest {
    /// The heading path of the section, outermost first.
    section: Vec<String>,
}

#[utoipa::path(post, path = "/api/v1/projects/{name}/checklist/signoffs", tag = "checklists", params(("name" = String, Path, description = "The project's name")),
    request_body(content = serde_json::Value, description = "`{\"section\": [heading, ...]}`: the section of the latest checklist run to sign off", content_type = "application/json"),
    responses((status = 201, description = "The sign-off, signed by the server for the calling user", body = serde_json::Value, content_type = "application/json")))]
async fn sign(
    State(state): State<AppState>,
    principal: Principal,
    Path(name): Path<String>,
    ApiJson(body): ApiJson<SignRequest>,
) -> ApiResult<Response> {
    let signoff = sign_section(&state, &principal, &name, &body.section).await?;
    Ok((StatusCode::CREATED, Json(signoff)).into_response())
}

#[derive(Debug, Serialize)]
struct SignoffList {
    project: String,
    /// Every sign-off of the project, oldest first; staleness is judged against the latest
    /// checklist run when it is of the sign-off's checklist.
    signoffs: Vec<StoredSignoff>,
}

#[utoipa::path(get, path = "/api/v1/projects/{name}/signoffs", tag = "checklists", params(("name" = String, Path, description = "The project's name")),
    responses((status = 200, description = "Every sign-off of the project with its validity, trust and staleness", body = serde_json::Value, content_type = "application/json")))]
async fn list_signoffs(
    State(state): State<AppState>,
    principal: Principal,
    Path(name): Path<String>,
) -> ApiResult<Json<SignoffList>> {
    principal.require(Scope::Read)?;
    let project = find_project(&state, &name).await?;
    let latest = store::latest_checklist(&state, project.id)
        .await?
        .map(|(_, items)| items);
    let signoffs = judged_signoffs(&state, project.id, latest.as_ref()).await?;
    Ok(Json(SignoffList {
        project: project.name,
        signoffs,
    }))
}

/// The project's sign-offs, oldest first, each verified and judged for staleness against
/// `latest` when that run is of the sign-off's checklist.
async fn judged_signoffs(
    state: &AppState,
    project_id: i64,
    latest: Option<&ChecklistItems>,
) -> ApiResult<Vec<StoredSignoff>> {
    Ok(signoffs::list_for_project(&state.db.pool, project_id)
        .await?
        .into_iter()
        .map(|r| {
            let items = latest.filter(|i| i.checklist == r.checklist);
            StoredSignoff::judge(r, &state.signoff_keys, items)
        })
        .collect())
}

#[derive(Debug, Serialize)]
struct UploadResult {
    /// Entries stored by this upload.
    stored: usize,
    /// Entries the project already had (same signature).
    already_stored: usize,
    signoffs: Vec<StoredSignoff>,
}

#[utoipa::path(post, path = "/api/v1/projects/{name}/signoffs", tag = "checklists", params(("name" = String, Path, description = "The project's name")),
    request_body(content = serde_json::Value, description = "A `vouch.signoffs/v1` document (`.vouch/signoffs.json`); every signature is verified", content_type = "application/json"),
    responses((status = 201, description = "New sign-offs stored", body = serde_json::Value, content_type = "application/json"), (status = 200, description = "Every sign-off was already stored", body = serde_json::Value, content_type = "application/json")))]
async fn upload_signoffs(
    State(state): State<AppState>,
    principal: Principal,
    Path(name): Path<String>,
    ApiJson(file): ApiJson<SignoffFile>,
) -> ApiResult<Response> {
    principal.require(Scope::RunsWrite)?;
    let project = find_project(&state, &name).await?;
    if let Err(problem) = upload::check(&file, &state.signoff_keys) {
        let failing: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
        security_event(
            &state,
            EventKind::SignoffRejected,
            &audit_log::actor(&principal),
            &format!("project:{}", project.name),
            &format!("refused: {}", failing.join(", ")),
        )
        .await;
        return Err(problem);
    }
    let stored = store::store(&state, &principal, &project, &file.signoffs, Source::Upload).await?;
    let new = stored.iter().filter(|s| s.new).count();
    let status = if new > 0 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let body = UploadResult {
        stored: new,
        already_stored: stored.len() - new,
        signoffs: stored.into_iter().map(|s| s.signoff).collect(),
    };
    Ok((status, Json(body)).into_response())
}
