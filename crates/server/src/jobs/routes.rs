//! `/api/v1/projects/{name}/jobs` (create, list) and `/api/v1/jobs/{id}`. Creating answers 202
//! with the queued job: a worker on any replica runs it. Each handler checks its permission
//! once, first.

use super::types::{CreateJob, JobView};
use crate::app::AppState;
use crate::auth::{Principal, Scope};
use crate::clock;
use crate::http::json::{ApiJson, with_location};
use crate::http::pagination::{Page, PageQuery};
use crate::http::problem::{ApiResult, Problem};
use crate::projects::routes::find as find_project;
use crate::repo::jobs::{self, NewJob};
use crate::repo::projects;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects/{name}/jobs", get(list).post(create))
        .route("/jobs/{id}", get(show))
}

/// This module's operations in the OpenAPI document (see crate::openapi).
#[derive(utoipa::OpenApi)]
#[openapi(paths(create, list, show))]
pub struct Api;

#[utoipa::path(post, path = "/api/v1/projects/{name}/jobs", tag = "jobs", params(("name" = String, Path, description = "The project's name")), request_body = CreateJob,
    responses((status = 202, description = "The queued job; `Location` names it", body = JobView)))]
async fn create(
    State(state): State<AppState>,
    principal: Principal,
    Path(name): Path<String>,
    ApiJson(body): ApiJson<CreateJob>,
) -> ApiResult<Response> {
    principal.require(Scope::RunsWrite)?;
    let project = find_project(&state, &name).await?;
    let (kind, params) = body.validate(state.config.job_test_kinds)?;
    let params = serde_json::to_string(&params).map_err(Problem::internal)?;
    let record = jobs::insert(
        &state.db,
        &NewJob {
            project_id: project.id,
            kind: &kind,
            params: &params,
            max_attempts: i64::from(state.config.job_max_attempts.max(1)),
            created_by: principal.key_id(),
            now: clock::now_ms(),
        },
    )
    .await?;
    // Idle workers here start at once; other replicas find it when they next poll.
    state.jobs.wake.notify_waiters();
    let location = format!("/api/v1/jobs/{}", record.id);
    let view = JobView::new(record, &project.name);
    Ok(with_location(StatusCode::ACCEPTED, view, &location))
}

#[utoipa::path(get, path = "/api/v1/projects/{name}/jobs", tag = "jobs", params(("name" = String, Path, description = "The project's name"), PageQuery),
    responses((status = 200, description = "A page of the project's jobs, newest first", body = Page<JobView>)))]
async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Path(name): Path<String>,
    Query(page): Query<PageQuery>,
) -> ApiResult<Json<Page<JobView>>> {
    principal.require(Scope::Read)?;
    let project = find_project(&state, &name).await?;
    let before = page.after_id("job")?;
    let limit = page.limit();
    let records = jobs::list_for_project(&state.db, project.id, before, limit + 1).await?;
    Ok(Json(Page::of(
        records,
        limit,
        |r| r.id.to_string(),
        |r| JobView::new(r, &project.name),
    )))
}

#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "jobs", params(("id" = i64, Path, description = "The job's id")),
    responses((status = 200, description = "The job", body = JobView)))]
async fn show(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> ApiResult<Json<JobView>> {
    principal.require(Scope::Read)?;
    let record = jobs::find(&state.db, id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("no job with id {id}")))?;
    let project = projects::find_by_id(&state.db, record.project_id)
        .await?
        .ok_or_else(|| {
            Problem::internal(format!(
                "job refers to missing project {}",
                record.project_id
            ))
        })?;
    Ok(Json(JobView::new(record, &project.name)))
}
