//! `/healthz`: the process answers. `/readyz`: the database is reachable and migrated, and every
//! configured job worker runs (503
//! problem otherwise, so a load balancer stops sending traffic until it recovers).

use crate::app::AppState;
use crate::db::readiness;
use crate::http::problem::Problem;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::time::Duration;

const READINESS_TIMEOUT: Duration = Duration::from_secs(2);

#[utoipa::path(get, path = "/healthz", tag = "operations", security(()),
    responses((status = 200, description = "The process answers", body = serde_json::Value)))]
pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

#[utoipa::path(get, path = "/readyz", tag = "operations", security(()),
    responses((status = 200, description = "Database reachable and migrated, workers running", body = serde_json::Value),
              (status = 503, description = "Not ready, and why", body = crate::http::problem::Problem, content_type = "application/problem+json")))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    let workers = state.jobs.running();
    match readiness::check(&state.db, READINESS_TIMEOUT).await {
        // A worker that died (a panic) leaves the queue to the other replicas.
        Ok(()) if workers < state.jobs.configured => Problem::unavailable(format!(
            "{workers} of {} job workers are running",
            state.jobs.configured
        ))
        .into_response(),
        Ok(()) => Json(json!({
            "status": "ready",
            "database": state.db.backend.name(),
            "workers_running": workers,
        }))
        .into_response(),
        Err(reason) => {
            if let readiness::NotReady::Unreachable(cause) = &reason {
                tracing::warn!(error = %cause, "not ready: database unreachable");
            }
            Problem::unavailable(reason.to_string()).into_response()
        }
    }
}
