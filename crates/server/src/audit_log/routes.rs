//! `/api/v1/audit-log`: read the security audit log in sequence order, and check its chain.
//! Admin scope only.

use super::verify::{Report, verify};
use crate::app::AppState;
use crate::auth::{Principal, Scope};
use crate::clock;
use crate::http::pagination::{Page, PageQuery};
use crate::http::problem::{ApiResult, Problem};
use crate::repo::audit_log::{self as repo, AuditEntry};
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::Value;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/audit-log", get(list))
        .route("/audit-log/verify", get(check))
}

/// This module's operations in the OpenAPI document (see crate::openapi).
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, check))]
pub struct Api;

#[derive(Serialize, utoipa::ToSchema)]
pub struct EntryView {
    seq: i64,
    at: String,
    kind: String,
    actor: String,
    subject: String,
    detail: Value,
    prev_hash: String,
    hash: String,
}

impl From<AuditEntry> for EntryView {
    fn from(e: AuditEntry) -> Self {
        EntryView {
            seq: e.seq,
            at: clock::rfc3339(e.at),
            kind: e.kind,
            actor: e.actor,
            subject: e.subject,
            // Stored text that is not JSON (a tampered row) is shown as the string it is.
            detail: serde_json::from_str(&e.detail).unwrap_or(Value::String(e.detail)),
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/audit-log", tag = "audit-log", params(PageQuery),
    responses((status = 200, description = "A page of entries in sequence order", body = Page<EntryView>)))]
async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<Page<EntryView>>> {
    principal.require(Scope::Admin)?;
    let after = match query.after.as_deref() {
        None => 0,
        Some(text) => text
            .parse::<i64>()
            .map_err(|_| Problem::bad_request("`after` must be a sequence number"))?,
    };
    let limit = query.limit();
    let entries = repo::page(&state.db, after, limit + 1).await?;
    Ok(Json(Page::of(
        entries,
        limit,
        |e| e.seq.to_string(),
        EntryView::from,
    )))
}

#[utoipa::path(get, path = "/api/v1/audit-log/verify", tag = "audit-log",
    responses((status = 200, description = "The chain check: entries read, last hash, the first break if any", body = Report)))]
async fn check(State(state): State<AppState>, principal: Principal) -> ApiResult<Json<Report>> {
    principal.require(Scope::Admin)?;
    Ok(Json(verify(&state.db).await?))
}
