//! `/api/v1/api-keys`: create (the secret is in this one response only), list, revoke.
//! Admin scope only.

use super::{Principal, Scope, keys, scopes};
use crate::app::AppState;
use crate::audit_log::{self, SecurityEvent, api_key_ref, kinds};
use crate::clock;
use crate::http::json::ApiJson;
use crate::http::problem::{ApiResult, FieldError, Problem};
use crate::repo::api_keys::{self, ApiKeyRecord, NewApiKey};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api-keys", post(create).get(list))
        .route("/api-keys/{id}", delete(revoke))
        .route("/api-keys/{id}/rotate", post(super::rotation::rotate))
}

/// This module's operations in the OpenAPI document (see crate::openapi).
#[derive(utoipa::OpenApi)]
#[openapi(paths(create, list, revoke, super::rotation::rotate))]
pub struct Api;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKey {
    name: String,
    scopes: Vec<String>,
    /// RFC 3339; absent means the key does not expire.
    expires_at: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct KeyView {
    id: i64,
    name: String,
    prefix: String,
    scopes: Vec<Scope>,
    expires_at: Option<String>,
    revoked: bool,
    created_at: String,
    /// When the secret was last rotated.
    rotated_at: Option<String>,
    /// Until when the secret replaced by the last rotation still works.
    previous_secret_valid_until: Option<String>,
}

impl From<ApiKeyRecord> for KeyView {
    fn from(r: ApiKeyRecord) -> Self {
        KeyView {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            scopes: scopes::split(&r.scopes),
            expires_at: r.expires_at.map(clock::rfc3339),
            revoked: r.revoked_at.is_some(),
            created_at: clock::rfc3339(r.created_at),
            rotated_at: r.rotated_at.map(clock::rfc3339),
            previous_secret_valid_until: r.previous_valid_until.map(clock::rfc3339),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedKey {
    #[serde(flatten)]
    pub(super) view: KeyView,
    /// The secret, shown this once.
    pub(super) key: String,
}

#[utoipa::path(post, path = "/api/v1/api-keys", tag = "auth", request_body = CreateKey,
    responses((status = 201, description = "The key, with its secret (`key`) shown this once", body = CreatedKey)))]
async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<CreateKey>,
) -> ApiResult<Response> {
    principal.require(Scope::Admin)?;
    let mut errors = Vec::new();
    let name = body.name.trim();
    if name.is_empty() || name.len() > 100 {
        errors.push(FieldError::new("name", "must be 1 to 100 characters"));
    }
    let mut parsed = Vec::new();
    for (i, s) in body.scopes.iter().enumerate() {
        match Scope::parse(s) {
            Some(scope) if !parsed.contains(&scope) => parsed.push(scope),
            Some(_) => {}
            None => errors.push(FieldError::new(
                format!("scopes[{i}]"),
                format!(
                    "unknown scope `{s}`; known: {}",
                    scopes::join(&Scope::ALL).replace(' ', ", ")
                ),
            )),
        }
    }
    if body.scopes.is_empty() {
        errors.push(FieldError::new("scopes", "give at least one scope"));
    }
    let expires_at = match body.expires_at.as_deref().map(clock::parse_rfc3339) {
        None => None,
        Some(Some(at)) if at > clock::now_ms() => Some(at),
        Some(Some(_)) => {
            errors.push(FieldError::new("expires_at", "must be in the future"));
            None
        }
        Some(None) => {
            errors.push(FieldError::new(
                "expires_at",
                "must be an RFC 3339 timestamp",
            ));
            None
        }
    };
    if !errors.is_empty() {
        return Err(Problem::validation(errors));
    }
    let secret = keys::generate().map_err(Problem::internal)?;
    let record = api_keys::insert(
        &state.db,
        &NewApiKey {
            name,
            prefix: keys::display_prefix(&secret),
            secret_sha256: &keys::hash(&secret),
            scopes: &scopes::join(&parsed),
            expires_at,
            created_at: clock::now_ms(),
        },
    )
    .await?;
    audit_log::record(
        &state.db,
        SecurityEvent::new(
            kinds::API_KEY_CREATED,
            audit_log::actor(&principal),
            api_key_ref(record.id),
            json!({"name": record.name, "scopes": record.scopes, "expires_at": record.expires_at}),
        ),
    )
    .await?;
    let created = CreatedKey {
        view: record.into(),
        key: secret,
    };
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

#[utoipa::path(get, path = "/api/v1/api-keys", tag = "auth",
    responses((status = 200, description = "Every key (never their secrets)", body = Vec<KeyView>)))]
async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> ApiResult<Json<Vec<KeyView>>> {
    principal.require(Scope::Admin)?;
    let keys = api_keys::list(&state.db).await?;
    Ok(Json(keys.into_iter().map(KeyView::from).collect()))
}

#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = "auth", params(("id" = i64, Path, description = "The key's id")),
    responses((status = 204, description = "Revoked")))]
async fn revoke(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    principal.require(Scope::Admin)?;
    if api_keys::revoke(&state.db, id, clock::now_ms()).await? {
        state.api_keys.invalidate();
        audit_log::record(
            &state.db,
            SecurityEvent::new(
                kinds::API_KEY_REVOKED,
                audit_log::actor(&principal),
                api_key_ref(id),
                json!({}),
            ),
        )
        .await?;
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Problem::not_found(format!(
            "no active API key with id {id}"
        )))
    }
}
