//! `GET /.well-known/jwks.json`: the public keys that verify access tokens (current and
//! previous), public so other services can verify vouch's tokens themselves.

use crate::app::AppState;
use axum::Json;
use axum::extract::State;
use serde_json::Value;

#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "operations", security(()),
    responses((status = 200, description = "The public keys that verify this server's access tokens (RFC 7517)", body = serde_json::Value)))]
pub async fn endpoint(State(state): State<AppState>) -> Json<Value> {
    Json(state.signing.jwks())
}
