//! Resolves `Authorization: Bearer ...` to a [`Principal`]: an API key (`vk_...`), a user's
//! access token (a JWT), or a token of the configured OIDC issuer (a JWT whose `iss` names it). Every failure is a 401 problem with `WWW-Authenticate: Bearer` (plus
//! `error="invalid_token"` when a token was sent, RFC 6750), worded so the caller knows what
//! to fix.

use super::jwt::{self, Expected};
use super::{Principal, Role, keys, scopes};
use crate::app::AppState;
use crate::clock;
use crate::http::problem::Problem;
use crate::repo::{api_keys, users};
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
                let challenge = if authorization.is_some() {
                    HeaderValue::from_static("Bearer error=\"invalid_token\"")
                } else {
                    HeaderValue::from_static("Bearer")
                };
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, challenge);
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
            "credentials are required: send `Authorization: Bearer` with an API key (vk_...) \
             or an access token",
        ));
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| {
            Problem::unauthorized("the Authorization header must be `Bearer <API key or token>`")
        })?;
    if token.starts_with(keys::PREFIX) {
        api_key_principal(state, token).await
    } else if let Some(oidc) = state.oidc.as_deref()
        && oidc.is_for(token)
    {
        super::oidc::principal(state, oidc, token).await
    } else {
        user_principal(state, token).await
    }
}

async fn api_key_principal(state: &AppState, token: &str) -> Result<Principal, Problem> {
    if !keys::is_well_formed(token) {
        return Err(Problem::unauthorized("the API key is not valid"));
    }
    let hash = keys::hash(token);
    let now = clock::now_ms();
    // CI polls with the same key many times a second; a key seen valid within the cache's
    // age skips the database. Revocation and rotation here invalidate it at once.
    if let Some(cached) = state.api_keys.get(&hash)
        && cached.expires_at.is_none_or(|at| at > now)
    {
        return Ok(cached.principal);
    }
    let generation = state.api_keys.generation();
    let (record, current) = match api_keys::find_by_hash(&state.db, &hash).await? {
        Some(record) => (Some(record), true),
        // A secret replaced by a rotation works until its grace period ends.
        None => (
            api_keys::find_by_previous_hash(&state.db, &hash, now).await?,
            false,
        ),
    };
    let record = record.ok_or_else(|| Problem::unauthorized("the API key is not valid"))?;
    if record.revoked_at.is_some() {
        return Err(Problem::unauthorized("the API key was revoked"));
    }
    if record.expires_at.is_some_and(|at| at <= now) {
        return Err(Problem::unauthorized("the API key has expired"));
    }
    let principal = Principal::api_key(record.id, record.name, scopes::split(&record.scopes));
    // A replaced secret's grace period is checked in the database on every use.
    if current {
        let cached = CachedKey {
            principal: principal.clone(),
            expires_at: record.expires_at,
        };
        state.api_keys.put(hash, generation, cached);
    }
    Ok(principal)
}

/// A valid API key recently read from the database.
#[derive(Clone)]
pub struct CachedKey {
    principal: Principal,
    expires_at: Option<i64>,
}

/// A valid access token of an enabled user; the user's current role applies, so a role change
/// or a disabled account takes effect on the next request, not when the token expires.
async fn user_principal(state: &AppState, token: &str) -> Result<Principal, Problem> {
    let expected = Expected {
        issuer: &state.config.token_issuer,
        audience: &state.config.token_audience,
        now: clock::now_ms() / 1000,
    };
    let claims = jwt::verify(&state.signing, token, &expected)
        .map_err(|e| Problem::unauthorized(e.to_string()))?;
    let gone = || Problem::unauthorized("the access token's user no longer exists or is disabled");
    let id: i64 = claims.sub.parse().map_err(|_| gone())?;
    let user = users::find(&state.db, id)
        .await?
        .filter(|u| !u.disabled)
        .ok_or_else(gone)?;
    let role = Role::parse(&user.role)
        .ok_or_else(|| Problem::internal(format!("user {id} has an unknown role")))?;
    Ok(Principal::user(user.id, user.username, role))
}
