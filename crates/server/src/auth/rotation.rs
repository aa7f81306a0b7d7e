//! `POST /api/v1/api-keys/{id}/rotate`: a new secret for the same key (id, name, scopes,
//! expiry), shown once; the old secret keeps working for a grace period so CI can switch over
//! without a failed build. Admin scope only.

use super::routes::{CreatedKey, KeyView};
use super::{Principal, Scope, keys};
use crate::app::AppState;
use crate::audit_log::{self, SecurityEvent, api_key_ref, kinds};
use crate::clock;
use crate::http::json::ApiJson;
use crate::http::problem::{ApiResult, FieldError, Problem};
use crate::repo::api_keys::{self, Rotation};
use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::json;

/// Longest grace period a request may ask for: an old secret should not linger for months.
pub const MAX_GRACE_SECS: u64 = 30 * 24 * 3600;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateKey {
    /// Seconds the old secret keeps working; absent means the configured default, 0 revokes
    /// it at once.
    grace_seconds: Option<u64>,
}

#[utoipa::path(post, path = "/api/v1/api-keys/{id}/rotate", tag = "auth", params(("id" = i64, Path, description = "The key's id")), request_body = RotateKey,
    responses((status = 200, description = "The key with its new secret (`key`), shown this once", body = CreatedKey), (status = 409, description = "The key is revoked or expired", body = Problem, content_type = "application/problem+json")))]
pub async fn rotate(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<RotateKey>,
) -> ApiResult<Json<CreatedKey>> {
    principal.require(Scope::Admin)?;
    let grace = body
        .grace_seconds
        .unwrap_or(state.config.api_key_rotation_grace_secs);
    if grace > MAX_GRACE_SECS {
        return Err(Problem::validation(vec![FieldError::new(
            "grace_seconds",
            format!("must be at most {MAX_GRACE_SECS} (30 days)"),
        )]));
    }
    let now = clock::now_ms();
    let current = api_keys::find(&state.db, id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("no API key with id {id}")))?;
    let revoked = || Problem::conflict(format!("API key {id} is revoked: create a new key"));
    if current.revoked_at.is_some() {
        return Err(revoked());
    }
    if current.expires_at.is_some_and(|at| at <= now) {
        return Err(Problem::conflict(format!(
            "API key {id} has expired: create a new key"
        )));
    }
    let secret = keys::generate().map_err(Problem::internal)?;
    let previous_valid_until = now.saturating_add(i64::try_from(grace * 1000).unwrap_or(i64::MAX));
    let record = api_keys::rotate(
        &state.db,
        &Rotation {
            id,
            prefix: keys::display_prefix(&secret),
            secret_sha256: &keys::hash(&secret),
            previous_valid_until,
            at: now,
        },
    )
    .await?
    // Revoked between the read and the update.
    .ok_or_else(revoked)?;
    state.api_keys.invalidate();
    audit_log::record(
        &state.db,
        SecurityEvent::new(
            kinds::API_KEY_ROTATED,
            audit_log::actor(&principal),
            api_key_ref(id),
            json!({"name": record.name, "grace_seconds": grace}),
        ),
    )
    .await?;
    Ok(Json(CreatedKey {
        view: KeyView::from(record),
        key: secret,
    }))
}
