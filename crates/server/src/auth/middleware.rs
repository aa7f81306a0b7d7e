//! Resolves `Authorization: Bearer vk_...` to a [`Principal`]; every failure is a 401 problem
//! with `WWW-Authenticate: Bearer`, worded so the caller knows what to fix.

use super::{Principal, keys, scopes};
use crate::app::AppState;
use crate::clock;
use crate::http::problem::Problem;
use crate::repo::api_keys;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    // Only the header crosses the await: the request body is not Sync.
    let authorization = request.headers().get(header::AUTHORIZATION).cloned();
    match resolve(&state, authorization.as_ref()).await {
        Ok(principal) => {
            request.extensions_mut().insert(principal);
            next.run(request).await
        }
        Err(problem) => {
            let unauthorized = problem.status == 401;
            let mut response = problem.into_response();
            if unauthorized {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            response
        }
    }
}

async fn resolve(
    state: &AppState,
    authorization: Option<&HeaderValue>,
) -> Result<Principal, Problem> {
    let Some(value) = authorization else {
        return Err(Problem::unauthorized(
            "an API key is required: send `Authorization: Bearer vk_...`",
        ));
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| Problem::unauthorized("the Authorization header must be `Bearer vk_...`"))?;
    if !keys::is_well_formed(token) {
        return Err(Problem::unauthorized("the API key is not valid"));
    }
    let record = api_keys::find_by_hash(&state.db, &keys::hash(token))
        .await?
        .ok_or_else(|| Problem::unauthorized("the API key is not valid"))?;
    if record.revoked_at.is_some() {
        return Err(Problem::unauthorized("the API key was revoked"));
    }
    if record.expires_at.is_some_and(|at| at <= clock::now_ms()) {
        return Err(Problem::unauthorized("the API key has expired"));
    }
    Ok(Principal {
        key_id: record.id,
        name: record.name,
        scopes: scopes::split(&record.scopes),
    })
}
