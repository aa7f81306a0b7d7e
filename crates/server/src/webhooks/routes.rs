//! `/api/v1/webhooks`: add, list, show and delete endpoints, and list an endpoint's
//! deliveries. Admin only. Secrets go in and are never sent back (`has_secret` says one is set).

use super::events::EventKind;
use super::payload::Format;
use crate::app::AppState;
use crate::auth::{Principal, Scope};
use crate::clock;
use crate::http::created::created;
use crate::http::json::ApiJson;
use crate::http::pagination::{Page, PageQuery};
use crate::http::problem::{ApiResult, FieldError, Problem};
use crate::repo::outbox::{self, DeliveryRecord};
use crate::repo::projects;
use crate::repo::webhooks::{self, EndpointRecord, NewEndpoint};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

/// A secret shorter than this is too easy to guess to prove anything.
const MIN_SECRET: usize = 16;
const MAX_SECRET: usize = 256;
const MAX_URL: usize = 2048;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks", post(create).get(list))
        .route("/webhooks/{id}", get(show).delete(remove))
        .route("/webhooks/{id}/deliveries", get(deliveries))
}

/// This module's operations in the OpenAPI document (see crate::openapi).
#[derive(utoipa::OpenApi)]
#[openapi(paths(create, list, show, remove, deliveries))]
pub struct Api;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEndpoint {
    url: String,
    /// `json` (default) or `slack`.
    format: Option<String>,
    events: Vec<String>,
    /// A project name; absent for every project.
    project: Option<String>,
    secret: Option<String>,
    enabled: Option<bool>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct EndpointView {
    id: i64,
    url: String,
    format: String,
    events: Vec<String>,
    project: Option<String>,
    enabled: bool,
    has_secret: bool,
    breaker: BreakerView,
    created_at: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct BreakerView {
    state: String,
    consecutive_failures: i64,
    /// Open: when a probe may go; half-open: when the probe's claim lapses.
    until: Option<String>,
}

impl From<EndpointRecord> for EndpointView {
    fn from(r: EndpointRecord) -> Self {
        EndpointView {
            id: r.id,
            url: r.url,
            format: r.format,
            events: r.events.split_whitespace().map(String::from).collect(),
            project: r.project,
            enabled: r.enabled,
            has_secret: r.secret.is_some(),
            breaker: BreakerView {
                state: r.breaker_state,
                consecutive_failures: r.consecutive_failures,
                until: r.breaker_until.map(clock::rfc3339),
            },
            created_at: clock::rfc3339(r.created_at),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DeliveryView {
    id: i64,
    event: String,
    run_id: i64,
    state: String,
    attempts: i64,
    next_attempt_at: Option<String>,
    last_status: Option<i64>,
    last_error: Option<String>,
    created_at: String,
    finished_at: Option<String>,
    /// The body as sent (or to be sent).
    payload: serde_json::Value,
}

impl From<DeliveryRecord> for DeliveryView {
    fn from(r: DeliveryRecord) -> Self {
        DeliveryView {
            id: r.id,
            event: r.event,
            run_id: r.run_id,
            next_attempt_at: (r.state == "pending").then(|| clock::rfc3339(r.next_attempt_at)),
            state: r.state,
            attempts: r.attempts,
            last_status: r.last_status,
            last_error: r.last_error,
            created_at: clock::rfc3339(r.created_at),
            finished_at: r.finished_at.map(clock::rfc3339),
            payload: serde_json::from_str(&r.body).unwrap_or(serde_json::Value::Null),
        }
    }
}

#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", request_body = CreateEndpoint,
    responses((status = 201, description = "The endpoint; `Location` names it", body = EndpointView)))]
async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<CreateEndpoint>,
) -> ApiResult<Response> {
    principal.require(Scope::Admin)?;
    let mut errors = Vec::new();
    let url = body.url.trim();
    if let Err(message) = check_url(url) {
        errors.push(FieldError::new("url", message));
    }
    let format = match body.format.as_deref() {
        None => Format::Json,
        Some(text) => Format::parse(text).unwrap_or_else(|| {
            errors.push(FieldError::new("format", "must be `json` or `slack`"));
            Format::Json
        }),
    };
    let mut events: Vec<EventKind> = Vec::new();
    for (i, name) in body.events.iter().enumerate() {
        match EventKind::parse(name) {
            Some(kind) if !events.contains(&kind) => events.push(kind),
            Some(_) => {}
            None => errors.push(FieldError::new(
                format!("events[{i}]"),
                format!("unknown event `{name}`; known: {}", event_names(", ")),
            )),
        }
    }
    if body.events.is_empty() {
        errors.push(FieldError::new("events", "give at least one event"));
    }
    if let Some(secret) = &body.secret
        && !(MIN_SECRET..=MAX_SECRET).contains(&secret.len())
    {
        errors.push(FieldError::new(
            "secret",
            format!("must be {MIN_SECRET} to {MAX_SECRET} bytes"),
        ));
    }
    let project_id = match &body.project {
        None => None,
        Some(name) => match projects::find_by_name(&state.db, name).await? {
            Some(project) => Some(project.id),
            None => {
                errors.push(FieldError::new(
                    "project",
                    format!("no project named `{name}`"),
                ));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(Problem::validation(errors));
    }
    let events = events
        .iter()
        .map(|e| e.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let record = webhooks::insert(
        &state.db,
        &NewEndpoint {
            project_id,
            url,
            format: format.as_str(),
            events: &events,
            secret: body.secret.as_deref(),
            enabled: body.enabled.unwrap_or(true),
            created_at: clock::now_ms(),
        },
    )
    .await?;
    let location = format!("/api/v1/webhooks/{}", record.id);
    Ok(created(&location, EndpointView::from(record)))
}

#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks",
    responses((status = 200, description = "Every endpoint", body = Vec<EndpointView>)))]
async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<Vec<EndpointView>>> {
    principal.require(Scope::Admin)?;
    let records = webhooks::list(&state.db).await?;
    Ok(Json(records.into_iter().map(EndpointView::from).collect()))
}

#[utoipa::path(get, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path, description = "The endpoint's id")),
    responses((status = 200, description = "The endpoint and its breaker", body = EndpointView)))]
async fn show(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> ApiResult<Json<EndpointView>> {
    principal.require(Scope::Admin)?;
    Ok(Json(find(&state, id).await?.into()))
}

#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path, description = "The endpoint's id")),
    responses((status = 204, description = "Deleted")))]
async fn remove(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    principal.require(Scope::Admin)?;
    if webhooks::delete(&state.db, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found(id))
    }
}

#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks", params(("id" = i64, Path, description = "The endpoint's id"), PageQuery),
    responses((status = 200, description = "A page of the endpoint's deliveries, newest first", body = Page<DeliveryView>)))]
async fn deliveries(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Query(page): Query<PageQuery>,
) -> ApiResult<Json<Page<DeliveryView>>> {
    principal.require(Scope::Admin)?;
    find(&state, id).await?;
    let before = page.after_id("delivery")?;
    let limit = page.limit();
    let records = outbox::list_for_endpoint(&state.db, id, before, limit + 1).await?;
    Ok(Json(Page::of(
        records,
        limit,
        |r| r.id.to_string(),
        DeliveryView::from,
    )))
}

async fn find(state: &AppState, id: i64) -> ApiResult<EndpointRecord> {
    webhooks::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found(id))
}

fn not_found(id: i64) -> Problem {
    Problem::not_found(format!("no webhook endpoint with id {id}"))
}

fn event_names(separator: &str) -> String {
    EventKind::ALL
        .iter()
        .map(|e| e.as_str())
        .collect::<Vec<_>>()
        .join(separator)
}

/// An absolute `http` or `https` URL with a host.
fn check_url(url: &str) -> Result<(), &'static str> {
    if url.len() > MAX_URL {
        return Err("must be at most 2048 characters");
    }
    let parsed = reqwest::Url::parse(url).map_err(|_| "must be an absolute URL")?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err("must be an http or https URL with a host");
    }
    Ok(())
}
