//! `/api/v1/auth`: log in with a username (or e-mail) and password, refresh, log out. Public
//! routes: the password or the refresh token in the body is the credential. Every login failure
//! is the same 401, and an unknown user costs the same argon2 work as a wrong password, so
//! neither the answer nor its timing tells which accounts exist.

use super::events::{EventKind, security_event};
use super::tokens::{self, TokenPair};
use super::{keys, password};
use crate::app::AppState;
use crate::clock;
use crate::http::json::ApiJson;
use crate::http::problem::{ApiResult, Problem};
use crate::repo::refresh_tokens::{self, RefreshRecord};
use crate::repo::users::{self, UserRecord};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", post(login))
        .route("/refresh", post(refresh))
        .route("/logout", post(logout))
}

/// This module's operations in the OpenAPI document (see crate::openapi).
#[derive(utoipa::OpenApi)]
#[openapi(paths(login, refresh, logout))]
pub struct Api;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    username: String,
    password: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshBody {
    refresh_token: String,
}

const LOGIN_FAILED: &str = "the username or password is wrong";
const REFRESH_FAILED: &str = "the refresh token is not valid; log in again";

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", security(()), request_body = Login,
    responses((status = 200, description = "An access token and a refresh token", body = TokenPair), (status = 401, description = "Wrong username or password (the same answer for both)", body = Problem, content_type = "application/problem+json")))]
async fn login(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<Login>,
) -> ApiResult<Json<TokenPair>> {
    let user = check_password(&state, &body.username, body.password).await?;
    Ok(Json(tokens::issue(&state, &user, None).await?))
}

/// The enabled user these credentials name, with the login recorded as a security event
/// (success or failure). Every failure is the same 401. The API login and the dashboard's login
/// form both go through this.
pub async fn check_password(
    state: &AppState,
    username: &str,
    password: String,
) -> ApiResult<UserRecord> {
    let name = username.trim().to_lowercase();
    // Bounded so an oversized body cannot buy a long argon2 run or a large query.
    let plausible = !name.is_empty() && name.len() <= 254 && password.len() <= 1024;
    let user = if plausible {
        users::find_by_login(&state.db, &name).await?
    } else {
        None
    };
    let phc = user.as_ref().map(|u| u.password_hash.clone());
    let matches = password::verify_blocking(password, phc).await;
    match user {
        Some(user) if matches && !user.disabled => {
            let subject = format!("user:{}", user.id);
            security_event(state, EventKind::LoginSucceeded, &subject, &subject, "").await;
            Ok(user)
        }
        user => {
            let why = match user {
                None => "no such user",
                Some(u) if u.disabled => "account disabled",
                Some(_) => "wrong password",
            };
            let shown: String = name.chars().take(64).collect();
            security_event(state, EventKind::LoginFailed, &shown, &shown, why).await;
            Err(Problem::unauthorized(LOGIN_FAILED))
        }
    }
}

#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", security(()), request_body = RefreshBody,
    responses((status = 200, description = "A new token pair; the refresh token sent is used up", body = TokenPair), (status = 401, description = "The refresh token is not valid", body = Problem, content_type = "application/problem+json")))]
async fn refresh(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<RefreshBody>,
) -> ApiResult<Json<TokenPair>> {
    let now = clock::now_ms();
    let record = find_live(&state, &body.refresh_token, now).await?;
    if !refresh_tokens::mark_rotated(&state.db, record.id, now).await? {
        // Another request rotated it between our read and now: a replay as well.
        return Err(reuse_detected(&state, &record, now).await);
    }
    let user = active_user(&state, record.user_id).await?;
    Ok(Json(
        tokens::issue(&state, &user, Some(&record.family)).await?,
    ))
}

/// Ends the session the refresh token belongs to (its whole family). 204 whatever the token,
/// so the answer tells nothing about it.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(()), request_body = RefreshBody,
    responses((status = 204, description = "The session ended (also when it already had)")))]
async fn logout(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<RefreshBody>,
) -> ApiResult<StatusCode> {
    end_session(&state, &body.refresh_token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Revokes the refresh token's family (one login) when it is live; nothing otherwise.
pub async fn end_session(state: &AppState, refresh_token: &str) -> ApiResult<()> {
    let now = clock::now_ms();
    if let Some(record) = lookup(state, refresh_token).await?
        && record.revoked_at.is_none()
    {
        refresh_tokens::revoke_family(&state.db, &record.family, now).await?;
        let subject = format!("user:{}", record.user_id);
        security_event(state, EventKind::Logout, &subject, &subject, "").await;
    }
    Ok(())
}

/// The user of a refresh token that is live now (not expired, revoked or rotated), without
/// rotating it: the dashboard keeps its session in a cookie holding such a token.
pub async fn session_user(state: &AppState, refresh_token: &str) -> ApiResult<Option<UserRecord>> {
    let now = clock::now_ms();
    let Some(record) = lookup(state, refresh_token).await? else {
        return Ok(None);
    };
    if record.revoked_at.is_some() || record.rotated_at.is_some() || record.expires_at <= now {
        return Ok(None);
    }
    Ok(users::find(&state.db, record.user_id)
        .await?
        .filter(|u| !u.disabled))
}

async fn lookup(state: &AppState, token: &str) -> ApiResult<Option<RefreshRecord>> {
    let token = token.trim();
    if !token.starts_with(tokens::REFRESH_PREFIX) || token.len() > 128 {
        return Ok(None);
    }
    Ok(refresh_tokens::find_by_hash(&state.db, &keys::hash(token)).await?)
}

/// The token's record when it may be used now; a rotated token revokes its family.
async fn find_live(state: &AppState, token: &str, now: i64) -> ApiResult<RefreshRecord> {
    let record = lookup(state, token)
        .await?
        .ok_or_else(|| Problem::unauthorized(REFRESH_FAILED))?;
    if record.revoked_at.is_some() || record.expires_at <= now {
        return Err(Problem::unauthorized(REFRESH_FAILED));
    }
    if record.rotated_at.is_some() {
        return Err(reuse_detected(state, &record, now).await);
    }
    Ok(record)
}

async fn reuse_detected(state: &AppState, record: &RefreshRecord, now: i64) -> Problem {
    if let Err(e) = refresh_tokens::revoke_family(&state.db, &record.family, now).await {
        return e.into();
    }
    let subject = format!("user:{}", record.user_id);
    security_event(
        state,
        EventKind::RefreshTokenReused,
        "unknown",
        &subject,
        "a rotated refresh token was presented again; the session was revoked",
    )
    .await;
    Problem::unauthorized(REFRESH_FAILED)
}

async fn active_user(state: &AppState, id: i64) -> ApiResult<UserRecord> {
    users::find(&state.db, id)
        .await?
        .filter(|u| !u.disabled)
        .ok_or_else(|| Problem::unauthorized(REFRESH_FAILED))
}
