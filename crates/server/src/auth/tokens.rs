//! Issuing tokens to a user: a short-lived access token (JWT) and a refresh token (`vr_` + 32
//! random bytes in hex, stored as SHA-256) that belongs to a family, one family per login.

use super::jwt::{self, Audience, Claims};
use super::keys::{self, hex};
use crate::app::AppState;
use crate::clock;
use crate::http::problem::{ApiResult, Problem};
use crate::repo::refresh_tokens::{self, NewRefresh};
use crate::repo::users::UserRecord;
use serde::Serialize;

pub const REFRESH_PREFIX: &str = "vr_";

/// The OAuth 2.0 token response shape (RFC 6749 §5.1).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    #[schema(value_type = String)]
    pub token_type: &'static str,
    pub expires_in: u64,
    pub refresh_token: String,
}

/// A token pair for `user`; `family` continues a session (refresh), None starts one (login).
pub async fn issue(
    state: &AppState,
    user: &UserRecord,
    family: Option<&str>,
) -> ApiResult<TokenPair> {
    let now_ms = clock::now_ms();
    let now = now_ms / 1000;
    let ttl = state.config.access_token_ttl_secs;
    let claims = Claims {
        sub: user.id.to_string(),
        role: user.role.clone(),
        iat: now,
        exp: now.saturating_add(i64::try_from(ttl).unwrap_or(i64::MAX)),
        iss: state.config.token_issuer.clone(),
        aud: Audience::One(state.config.token_audience.clone()),
        jti: hex(&keys::random::<16>().map_err(Problem::internal)?),
    };
    let access_token = jwt::encode(&state.signing, &claims);
    let family = match family {
        Some(f) => f.to_string(),
        None => hex(&keys::random::<16>().map_err(Problem::internal)?),
    };
    let refresh_token = format!(
        "{REFRESH_PREFIX}{}",
        hex(&keys::random::<32>().map_err(Problem::internal)?)
    );
    let refresh_ttl_ms = i64::try_from(state.config.refresh_token_ttl_secs)
        .unwrap_or(i64::MAX / 1000)
        .saturating_mul(1000);
    refresh_tokens::insert(
        &state.db,
        &NewRefresh {
            user_id: user.id,
            family: &family,
            token_sha256: &keys::hash(&refresh_token),
            expires_at: now_ms.saturating_add(refresh_ttl_ms),
            created_at: now_ms,
        },
    )
    .await?;
    Ok(TokenPair {
        access_token,
        token_type: "Bearer",
        expires_in: ttl,
        refresh_token,
    })
}
