//! The router: public operations endpoints (health, JWKS, OpenAPI, login), the authenticated API under `/api/v1`, the
//! dashboard's pages (outside `/api`), and the
//! middleware stack every request goes through (outermost first): request ID + log line,
//! metrics, security headers, problem fallback, request-head limits (URL and header size), rate
//! limit per client address, body limit; then
//! per route: auth, rate limit per API key, idempotency.

use crate::auth;
use crate::auth::signing::SigningKeys;
use crate::config::Config;
use crate::db::Db;
use crate::fresh_cache::FreshCache;
use crate::http::catch_panic::catch_panic;
use crate::http::idempotency::idempotency;
use crate::http::problem::Problem;
use crate::http::problem_fallback::problem_fallback;
use crate::http::rate_limit::{self, RateLimits};
use crate::http::request_id::{remember_route, request_id};
use crate::http::security_headers::security_headers;
use crate::ops::{health, metrics};
use crate::{projects, runs, users, webhooks};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::IntoResponse;
use axum::routing::get;
use std::sync::Arc;

/// What every handler and middleware reaches: one shared allocation, so the clone each layer
/// takes per request is a single reference-count increment.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> AppState {
        AppState(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub db: Db,
    pub metrics: Arc<metrics::Metrics>,
    pub config: Arc<Config>,
    pub rate_limits: Arc<RateLimits>,
    /// Keys that sign and verify users' access tokens.
    pub signing: Arc<SigningKeys>,
    /// The job workers' status and wake-up bell.
    pub jobs: Arc<crate::jobs::JobsHandle>,
    /// Wakes the webhook sender and counts its failures.
    pub webhooks: Arc<webhooks::Handle>,
    /// Signs server-made sign-offs; the signer keys uploads are restricted to.
    pub signoff_keys: Arc<crate::checklists::key::SignoffKeys>,
    /// The external OIDC issuer whose tokens are accepted, when configured.
    pub oidc: Option<Arc<auth::oidc::Oidc>>,
    /// Recently served pages of the project listing (`?after`, `?limit` → JSON body).
    pub project_listing: Arc<FreshCache<(Option<String>, i64), bytes::Bytes>>,
    /// Valid API keys recently seen, by the SHA-256 of their secret.
    pub api_keys: Arc<FreshCache<String, auth::middleware::CachedKey>>,
}

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .merge(projects::routes::router())
        .merge(runs::routes::router())
        .merge(auth::routes::router())
        .merge(users::routes::router())
        .merge(crate::jobs::routes::router())
        .merge(webhooks::routes::router())
        .merge(crate::audit_log::routes::router())
        .merge(crate::checklists::routes::router())
        .layer(from_fn_with_state(state.clone(), idempotency))
        .layer(from_fn_with_state(state.clone(), rate_limit::per_key));
    let authenticated = Router::new()
        .nest("/api/v1", api)
        .route("/metrics", get(metrics::endpoint))
        .layer(from_fn_with_state(
            state.clone(),
            auth::middleware::authenticate,
        ));
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/.well-known/jwks.json", get(auth::jwks::endpoint))
        .route("/api/openapi.json", get(crate::openapi::endpoint))
        .nest("/api/v1/auth", auth::session::router())
        .merge(authenticated)
        // HTML pages for people, with their own session cookie (not the bearer middleware).
        .merge(crate::dashboard::router())
        .route_layer(from_fn(remember_route))
        .fallback(|| async { Problem::not_found("no such resource").into_response() })
        .layer(from_fn(catch_panic))
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(from_fn_with_state(state.clone(), rate_limit::per_ip))
        .layer(from_fn(crate::http::request_head::limit))
        .layer(from_fn(problem_fallback))
        .layer(from_fn(security_headers))
        .layer(from_fn_with_state(state.clone(), metrics::track))
        .layer(from_fn(request_id))
        .layer(from_fn(crate::ops::traces::trace_request))
        .with_state(state)
}
