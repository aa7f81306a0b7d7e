//! `/api/v1/projects`: create, list, get, update. Thin handlers over `repo::projects`.

use super::types::{CreateProject, ProjectView, UpdateProject};
use crate::app::AppState;
use crate::auth::{Principal, Scope};
use crate::clock;
use crate::http::json::{ApiJson, with_location};
use crate::http::pagination::{Page, PageQuery};
use crate::http::problem::{ApiResult, Problem};
use crate::repo::{self, projects};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use bytes::Bytes;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects", post(create).get(list))
        .route("/projects/{name}", get(show).patch(update))
}

/// This module's operations in the OpenAPI document (see crate::openapi).
#[derive(utoipa::OpenApi)]
#[openapi(paths(create, list, show, update))]
pub struct Api;

#[utoipa::path(post, path = "/api/v1/projects", tag = "projects", request_body = CreateProject,
    responses((status = 201, description = "The project; `Location` names it", body = ProjectView), (status = 409, description = "A project with this name exists", body = Problem, content_type = "application/problem+json")))]
async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<CreateProject>,
) -> ApiResult<Response> {
    principal.require(Scope::ProjectsWrite)?;
    let fields = body.into_fields()?;
    let record = projects::insert(&state.db, &fields, clock::now_ms())
        .await
        .map_err(|e| conflict_or(e, &fields.name))?;
    state.project_listing.invalidate();
    let location = format!("/api/v1/projects/{}", record.name);
    Ok(with_location(
        StatusCode::CREATED,
        ProjectView::from(record),
        &location,
    ))
}

#[utoipa::path(get, path = "/api/v1/projects", tag = "projects", params(PageQuery),
    responses((status = 200, description = "A page of projects, by name", body = Page<ProjectView>)))]
async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(page): Query<PageQuery>,
) -> ApiResult<Response> {
    principal.require(Scope::Read)?;
    let limit = page.limit();
    let cache = &state.project_listing;
    let key = (page.after, limit);
    if let Some(body) = cache.get(&key) {
        return Ok(json_body(body));
    }
    let generation = cache.generation();
    let records = projects::list(&state.db, key.0.as_deref(), limit + 1).await?;
    let page = Page::of(records, limit, |r| r.name.clone(), ProjectView::from);
    let body = Bytes::from(serde_json::to_vec(&page).map_err(Problem::internal)?);
    cache.put(key, generation, body.clone());
    Ok(json_body(body))
}

fn json_body(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

#[utoipa::path(get, path = "/api/v1/projects/{name}", tag = "projects", params(("name" = String, Path, description = "The project's name")),
    responses((status = 200, description = "The project", body = ProjectView)))]
async fn show(
    State(state): State<AppState>,
    principal: Principal,
    Path(name): Path<String>,
) -> ApiResult<Json<ProjectView>> {
    principal.require(Scope::Read)?;
    let record = find(&state, &name).await?;
    Ok(Json(record.into()))
}

#[utoipa::path(patch, path = "/api/v1/projects/{name}", tag = "projects", params(("name" = String, Path, description = "The project's name")), request_body = UpdateProject,
    responses((status = 200, description = "The updated project", body = ProjectView), (status = 409, description = "Renamed to a name in use", body = Problem, content_type = "application/problem+json")))]
async fn update(
    State(state): State<AppState>,
    principal: Principal,
    Path(name): Path<String>,
    ApiJson(body): ApiJson<UpdateProject>,
) -> ApiResult<Json<ProjectView>> {
    principal.require(Scope::ProjectsWrite)?;
    let current = find(&state, &name).await?;
    let fields = body.apply(&current)?;
    let record = projects::update(&state.db, current.id, &fields, clock::now_ms())
        .await
        .map_err(|e| conflict_or(e, &fields.name))?
        .ok_or_else(|| not_found(&name))?;
    state.project_listing.invalidate();
    Ok(Json(record.into()))
}

pub async fn find(state: &AppState, name: &str) -> ApiResult<projects::ProjectRecord> {
    projects::find_by_name(&state.db, name)
        .await?
        .ok_or_else(|| not_found(name))
}

fn not_found(name: &str) -> Problem {
    Problem::not_found(format!("no project named `{name}`"))
}

fn conflict_or(e: sqlx::Error, name: &str) -> Problem {
    if repo::is_unique_violation(&e) {
        Problem::conflict(format!("a project named `{name}` already exists"))
    } else {
        e.into()
    }
}
