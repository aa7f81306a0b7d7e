//! The dashboard session: a cookie holding a refresh token issued by the ordinary login
//! ([`crate::auth::session::check_password`], [`crate::auth::tokens::issue`]). The token is
//! never rotated by the dashboard; each request checks it is live (not expired, revoked or
//! rotated) and that its user is enabled, and the user's current role applies. When it has
//! expired the next page asks to log in again. Logging out revokes the token's family.
//!
//! The cookie is `HttpOnly` (no script reads it), `SameSite=Strict` (no other site's page sends
//! it), `Path=/`, and `Secure` in production mode. Development mode omits `Secure`: a
//! development server listens on plain HTTP, and a browser drops `Secure` cookies set over
//! plain HTTP on any host but localhost. Every POST form also carries a per-session CSRF token
//! (a hash of the session token) that the handler checks.

use super::error::PageError;
use crate::app::AppState;
use crate::auth::{Principal, Role, Scope, session, tokens};
use crate::config::Mode;
use crate::repo::users::UserRecord;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};

pub const COOKIE: &str = "vouch_session";

/// A logged-in person on a dashboard page.
#[derive(Clone, Debug)]
pub struct Session {
    pub principal: Principal,
    pub display_name: String,
    /// The value every POST form of this session must carry.
    pub csrf: String,
}

impl Session {
    pub fn role(&self) -> Option<Role> {
        self.principal.role()
    }

    /// Engineers and admins may sign off checklist sections.
    pub fn may_sign_off(&self) -> bool {
        self.principal.has(Scope::ChecklistsWrite)
    }

    /// A 403 page unless the form's token is this session's.
    pub fn check_csrf(&self, sent: &str) -> Result<(), PageError> {
        if constant_time_eq(sent.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(PageError::Csrf)
        }
    }
}

impl FromRequestParts<AppState> for Session {
    type Rejection = Response;

    /// The session, or a redirect to the login page (no session, an expired or revoked one, a
    /// disabled user).
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(token) = cookie(&parts.headers, COOKIE) else {
            return Err(to_login());
        };
        let user = session::session_user(state, &token)
            .await
            .map_err(|p| PageError::from(p).into_response())?
            .ok_or_else(to_login)?;
        from_user(user, &token).ok_or_else(|| PageError::Internal.into_response())
    }
}

fn from_user(user: UserRecord, token: &str) -> Option<Session> {
    let role = Role::parse(&user.role)?;
    let display_name = if user.display_name.trim().is_empty() {
        user.username.clone()
    } else {
        user.display_name.clone()
    };
    Some(Session {
        principal: Principal::user(user.id, user.username, role),
        display_name,
        csrf: csrf_token(token),
    })
}

/// 303 to the login page: a bearer token or API key is not a dashboard credential either.
pub fn to_login() -> Response {
    Redirect::to("/login").into_response()
}

/// Starts a session for `user`: a refresh token from the ordinary token issuer, in the cookie.
pub async fn start(state: &AppState, user: &UserRecord) -> Result<HeaderValue, PageError> {
    let pair = tokens::issue(state, user, None).await?;
    let max_age = state.config.refresh_token_ttl_secs;
    set_cookie(&pair.refresh_token, max_age, state.config.mode)
}

/// Ends the session in the request's cookie, if any; returns the cookie that clears it.
pub async fn end(state: &AppState, headers: &HeaderMap) -> Result<HeaderValue, PageError> {
    if let Some(token) = cookie(headers, COOKIE) {
        session::end_session(state, &token).await?;
    }
    set_cookie("", 0, state.config.mode)
}

fn set_cookie(value: &str, max_age: u64, mode: Mode) -> Result<HeaderValue, PageError> {
    let secure = if mode == Mode::Production {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .map_err(|_| PageError::Internal)
}

/// A form token bound to the session: knowing it requires knowing the cookie.
pub fn csrf_token(session_token: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"vouch dashboard csrf\0");
    hasher.update(session_token.as_bytes());
    crate::auth::keys::hex(&hasher.finalize())
}

/// True unless the browser says the request came from another site. SameSite=Strict already
/// keeps the cookie off cross-site requests; this also covers the login form, which has no
/// session yet (login CSRF). `Sec-Fetch-Site` decides when sent; otherwise `Origin` must name
/// this host (pages send `Referrer-Policy: same-origin`, so a browser's own forms carry it).
pub fn same_origin(headers: &HeaderMap) -> bool {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site")) {
        return matches!(site, "same-origin" | "none");
    }
    match (text(header::ORIGIN), text(header::HOST)) {
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, rest)| rest == host),
        (Some(_), None) => false,
        (None, _) => true,
    }
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, v)| *n == name && !v.is_empty())
        .map(|(_, v)| v.to_string())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; vouch_session=vr_x; b=2"),
        );
        assert_eq!(cookie(&headers, COOKIE).as_deref(), Some("vr_x"));
        assert_eq!(cookie(&headers, "c"), None);
    }

    #[test]
    fn the_cookie_is_secure_only_in_production() {
        let dev = set_cookie("vr_x", 60, Mode::Development).unwrap();
        assert_eq!(
            dev,
            "vouch_session=vr_x; Path=/; HttpOnly; SameSite=Strict; Max-Age=60"
        );
        let prod = set_cookie("vr_x", 60, Mode::Production).unwrap();
        assert!(prod.to_str().unwrap().ends_with("; Secure"));
    }

    #[test]
    fn cross_site_requests_are_refused() {
        let mut headers = HeaderMap::new();
        assert!(same_origin(&headers));
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8080"),
        );
        assert!(same_origin(&headers));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!same_origin(&headers));
        headers.remove(header::ORIGIN);
        headers.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&headers));
    }

    #[test]
    fn csrf_tokens_differ_per_session_and_compare_exactly() {
        assert_ne!(csrf_token("vr_a"), csrf_token("vr_b"));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
