//! `Idempotency-Key` on POSTs that create things: the first request with a key runs and its
//! response is stored; a retry with the same key and the same body gets that response again
//! (`Idempotent-Replayed: true`); the same key with a different body is a 422 problem; a retry
//! while the first is still running is a 409. Keys are scoped to the API key that sent them.
//! Server errors (5xx) release the key so the client can retry for real.

use super::problem::Problem;
use crate::app::AppState;
use crate::auth::Principal;
use crate::auth::keys::hex;
use crate::clock;
use crate::repo::idempotency::{self, Existing, StoredResponse};
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
pub const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");
/// A reservation older than this is from a request that never finished (crash, disconnect).
const STALE_AFTER_MS: i64 = 60_000;
/// Stored responses are small JSON documents; larger ones are not kept.
const MAX_STORED_RESPONSE: usize = 1024 * 1024;

pub async fn idempotency(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(key) = request.headers().get(&IDEMPOTENCY_KEY).cloned() else {
        return next.run(request).await;
    };
    let Some(principal) = request.extensions().get::<Principal>().cloned() else {
        return next.run(request).await;
    };
    match handle(&state, principal.partition(), &key, request, next).await {
        Ok(response) | Err(response) => response,
    }
}

async fn handle(
    state: &AppState,
    principal: i64,
    key: &HeaderValue,
    request: Request,
    next: Next,
) -> Result<Response, Response> {
    let key = key
        .to_str()
        .ok()
        .filter(|k| !k.is_empty() && k.len() <= 255)
        .ok_or_else(|| {
            Problem::bad_request("Idempotency-Key must be 1 to 255 visible ASCII characters")
                .into_response()
        })?
        .to_string();
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, state.config.max_body_bytes)
        .await
        .map_err(|_| {
            Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the request body is too large",
            )
            .into_response()
        })?;
    let route = parts.uri.path().to_string();
    let fingerprint = request_fingerprint(&route, &body);
    let db = &state.db;
    let now = clock::now_ms();
    let reserved = idempotency::reserve(db, principal, &key, &route, &fingerprint, now)
        .await
        .map_err(db_problem)?
        || idempotency::take_over_stale(
            db,
            principal,
            &key,
            &route,
            &fingerprint,
            now - STALE_AFTER_MS,
            now,
        )
        .await
        .map_err(db_problem)?;
    if !reserved {
        return Err(existing(state, principal, &key, &fingerprint).await);
    }
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    Ok(finish(state, principal, &key, response).await)
}

/// The response to a key that is already taken.
async fn existing(state: &AppState, principal: i64, key: &str, fingerprint: &str) -> Response {
    match idempotency::find(&state.db, principal, key).await {
        Err(e) => db_problem(e),
        Ok(None) => Problem::conflict("a request with this Idempotency-Key just finished; retry")
            .into_response(),
        Ok(Some(Existing::InFlight { request_sha256, .. })) if request_sha256 == fingerprint => {
            Problem::conflict("a request with this Idempotency-Key is still in progress; retry later")
                .into_response()
        }
        Ok(Some(Existing::Done {
            request_sha256,
            response,
            ..
        })) if request_sha256 == fingerprint => replay(response),
        Ok(Some(_)) => Problem::unprocessable(
            "this Idempotency-Key was used with a different request; use a new key for a new request",
        )
        .into_response(),
    }
}

/// Stores a final response (anything below 500) or releases the key.
async fn finish(state: &AppState, principal: i64, key: &str, response: Response) -> Response {
    let status = response.status();
    if status.is_server_error() {
        if let Err(e) = idempotency::release(&state.db, principal, key).await {
            tracing::warn!(error = %e, "cannot release an idempotency key");
        }
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_STORED_RESPONSE).await else {
        let _ = idempotency::release(&state.db, principal, key).await;
        return Problem::internal("a response was too large to keep for idempotency")
            .into_response();
    };
    let header_text = |name: header::HeaderName| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let stored = StoredResponse {
        status: status.as_u16(),
        content_type: header_text(header::CONTENT_TYPE),
        location: header_text(header::LOCATION),
        body: bytes.to_vec(),
    };
    if let Err(e) = idempotency::complete(&state.db, principal, key, &stored).await {
        // The create itself succeeded: answer it; a retry will see the key in flight until stale.
        tracing::warn!(error = %e, "cannot store an idempotent response");
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn replay(stored: StoredResponse) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut response = (status, Bytes::from(stored.body)).into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, stored.content_type),
        (header::LOCATION, stored.location),
    ] {
        if let Some(value) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            headers.insert(name, value);
        }
    }
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    response
}

/// The path and body: the same key on another route is a different request too.
fn request_fingerprint(route: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(route.as_bytes());
    hasher.update([0]);
    hasher.update(body);
    hex(&hasher.finalize())
}

fn db_problem(e: sqlx::Error) -> Response {
    Problem::from(e).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_differ_by_route_and_body() {
        let a = request_fingerprint("/api/v1/projects", b"{}");
        assert_eq!(a, request_fingerprint("/api/v1/projects", b"{}"));
        assert_ne!(a, request_fingerprint("/api/v1/projects", b"{ }"));
        assert_ne!(a, request_fingerprint("/api/v1/projectsx", b"{}"));
    }
}
