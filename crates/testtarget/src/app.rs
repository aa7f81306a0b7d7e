//! The router: a small item API with health, metrics and an OpenAPI document, and one
//! middleware that applies the instance's global behaviour (delay, rate limit, TRACE, CORS,
//! response headers, metrics counting).

use crate::behaviour::{Behaviour, CookieStyle, ErrorStyle, Graphql, MetricsStyle, TOKEN};
use crate::errors::error;
use crate::metrics::{Counters, malformed};
use crate::pages;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime};

/// The only foreign origin the good target's CORS policy trusts.
pub const ALLOWED_ORIGIN: &str = "https://app.example.com";

pub struct Shared {
    behaviour: Behaviour,
    counters: Counters,
    started: SystemTime,
    seq: AtomicU64,
    /// Start of the current rate-limit window and requests in it.
    window: Mutex<(Instant, u32)>,
}

type App = State<Arc<Shared>>;

pub fn router(behaviour: Behaviour) -> Router {
    let shared = Arc::new(Shared {
        behaviour: behaviour.clone(),
        counters: Counters::default(),
        started: SystemTime::now(),
        seq: AtomicU64::new(0),
        window: Mutex::new((Instant::now(), 0)),
    });
    let mut app = Router::new()
        .route("/", get(home))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .route("/api/items", get(list_items).post(create_item))
        .route(
            "/api/items/{id}",
            get(get_item).put(update_item).delete(delete_item),
        );
    if behaviour.readiness {
        app = app.route("/readyz", get(readyz));
    }
    if behaviour.exposed_files {
        app = app
            .route("/.env", get(|| async { pages::DOTENV }))
            .route("/.git/config", get(|| async { pages::GIT_CONFIG }))
            .route(
                "/actuator/env",
                get(|| async {
                    (
                        [(header::CONTENT_TYPE, "application/json")],
                        pages::ACTUATOR_ENV,
                    )
                }),
            );
    }
    if behaviour.graphql != Graphql::Absent {
        app = app.route("/graphql", post(graphql));
    }
    let body_limit = match behaviour.body_limit {
        Some(max) => DefaultBodyLimit::max(max),
        None => DefaultBodyLimit::disable(),
    };
    app.fallback(fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(body_limit)
        .layer(middleware::from_fn_with_state(shared.clone(), around))
        .with_state(shared)
}

async fn around(State(s): App, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let b = &s.behaviour;
    let n = s.seq.fetch_add(1, Ordering::Relaxed) + 1;
    if let Some(wait) = b.base_delay {
        tokio::time::sleep(wait).await;
    }
    if let Some(delay) = b.delay
        && n % delay.every == 0
    {
        tokio::time::sleep(delay.by).await;
    }
    let method = req.method().clone();
    let origin = req.headers().get(header::ORIGIN).cloned();
    let mut response = if let Some(refused) = crate::limits::oversize(b, &req) {
        refused
    } else if let Some(limited) = rate_limited(&s) {
        limited
    } else if method == Method::TRACE && b.trace_enabled {
        trace_echo(&req)
    } else if method == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
    {
        preflight(b, origin.as_ref())
    } else {
        next.run(req).await
    };
    decorate(b, origin.as_ref(), &mut response);
    s.counters.record(
        method.as_str(),
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

fn rate_limited(s: &Shared) -> Option<Response> {
    let limit = s.behaviour.rate_limit?;
    let mut window = s.window.lock().unwrap_or_else(|e| e.into_inner());
    if window.0.elapsed() >= s.behaviour.rate_window {
        *window = (Instant::now(), 0);
    }
    window.1 += 1;
    if window.1 <= limit {
        return None;
    }
    let mut r = error(
        s.behaviour.errors,
        StatusCode::TOO_MANY_REQUESTS,
        "rate limit exceeded",
    );
    let h = r.headers_mut();
    let reset = s
        .behaviour
        .rate_window
        .saturating_sub(window.0.elapsed())
        .as_secs()
        .max(1);
    h.insert(header::RETRY_AFTER, HeaderValue::from(reset));
    h.insert("ratelimit-limit", HeaderValue::from(limit));
    h.insert("ratelimit-remaining", HeaderValue::from_static("0"));
    Some(r)
}

fn trace_echo(req: &Request) -> Response {
    let mut echo = format!("TRACE {} HTTP/1.1\r\n", req.uri());
    for (name, value) in req.headers() {
        echo.push_str(&format!(
            "{name}: {}\r\n",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    ([(header::CONTENT_TYPE, "message/http")], echo).into_response()
}

fn preflight(b: &Behaviour, origin: Option<&HeaderValue>) -> Response {
    let mut r = StatusCode::NO_CONTENT.into_response();
    let h = r.headers_mut();
    if b.wildcard_cors_with_credentials {
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, PUT, PATCH, DELETE"),
        );
    } else if origin.is_some_and(|o| o == ALLOWED_ORIGIN) {
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST"),
        );
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
    }
    r
}

/// Headers every response gets: CORS, security headers, version disclosure.
fn decorate(b: &Behaviour, origin: Option<&HeaderValue>, r: &mut Response) {
    let is_html = r
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let h = r.headers_mut();
    if b.wildcard_cors_with_credentials {
        h.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
    } else if let Some(o) = origin.filter(|o| *o == ALLOWED_ORIGIN) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o.clone());
        h.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    if b.security_headers {
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        );
        if is_html {
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'"),
            );
        }
    }
    if let Some(hsts) = b.hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(hsts),
        );
    }
    if b.version_headers {
        h.insert(
            header::SERVER,
            HeaderValue::from_static("Apache/2.4.41 (Ubuntu)"),
        );
        h.insert("x-powered-by", HeaderValue::from_static("PHP/7.4.3"));
    }
}

fn authorized(headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| t == TOKEN)
}

fn unauthorized(style: ErrorStyle) -> Response {
    let mut r = error(style, StatusCode::UNAUTHORIZED, "missing or invalid token");
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    r
}

async fn home(State(s): App) -> Response {
    let cookie = match s.behaviour.cookies {
        CookieStyle::Hardened => "vouch_session=3f9a1c; Path=/; Secure; HttpOnly; SameSite=Lax",
        CookieStyle::Insecure => "vouch_session=3f9a1c; Path=/",
        CookieStyle::Absent => return Html(pages::INDEX).into_response(),
    };
    ([(header::SET_COOKIE, cookie)], Html(pages::INDEX)).into_response()
}

async fn healthz(State(s): App) -> Response {
    if let Some(delay) = s.behaviour.health_delay {
        tokio::time::sleep(delay).await;
    }
    axum::Json(serde_json::json!({"status": "ok"})).into_response()
}

async fn readyz() -> Response {
    axum::Json(serde_json::json!({"status": "ready", "checks": {"database": "ok"}})).into_response()
}

async fn metrics(State(s): App, headers: HeaderMap) -> Response {
    let b = &s.behaviour;
    let body = match b.metrics {
        MetricsStyle::Absent => return error(b.errors, StatusCode::NOT_FOUND, "no such route"),
        MetricsStyle::Protected if !authorized(&headers) => return unauthorized(b.errors),
        MetricsStyle::Malformed => malformed(),
        MetricsStyle::Protected | MetricsStyle::Public => s.counters.render(s.started),
    };
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], pages::OPENAPI).into_response()
}

async fn list_items() -> Response {
    axum::Json(serde_json::json!({"items": [{"id": 1, "name": "first"}]})).into_response()
}

async fn get_item(State(s): App, Path(id): Path<String>) -> Response {
    if id == "1" {
        axum::Json(serde_json::json!({"id": 1, "name": "first"})).into_response()
    } else {
        error(s.behaviour.errors, StatusCode::NOT_FOUND, "no such item")
    }
}

/// Checks auth (unless writes are open), then the JSON body.
fn write(s: &Shared, headers: &HeaderMap, body: &[u8], created: StatusCode) -> Response {
    let style = s.behaviour.errors;
    if !s.behaviour.writes_without_auth && !authorized(headers) {
        return unauthorized(style);
    }
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return error(
                style,
                StatusCode::BAD_REQUEST,
                &format!("request body is not valid JSON: {e}"),
            );
        }
    };
    match value.get("name").and_then(|n| n.as_str()) {
        Some(name) => (
            created,
            axum::Json(serde_json::json!({"id": 2, "name": name})),
        )
            .into_response(),
        None => error(
            style,
            StatusCode::UNPROCESSABLE_ENTITY,
            "`name` is required",
        ),
    }
}

async fn create_item(State(s): App, headers: HeaderMap, body: Bytes) -> Response {
    write(&s, &headers, &body, StatusCode::CREATED)
}

async fn update_item(State(s): App, headers: HeaderMap, body: Bytes) -> Response {
    write(&s, &headers, &body, StatusCode::OK)
}

async fn delete_item(State(s): App, headers: HeaderMap) -> Response {
    if !s.behaviour.writes_without_auth && !authorized(&headers) {
        return unauthorized(s.behaviour.errors);
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn graphql(State(s): App, body: Bytes) -> Response {
    crate::graphql::answer(s.behaviour.graphql, &body)
}

async fn fallback(State(s): App, method: Method, uri: axum::http::Uri) -> Response {
    let b = &s.behaviour;
    if b.spa_catch_all && method == Method::GET && !uri.path().starts_with("/api/") {
        return Html(pages::INDEX).into_response();
    }
    error(b.errors, StatusCode::NOT_FOUND, "no such route")
}

async fn method_not_allowed(State(s): App) -> Response {
    error(
        s.behaviour.errors,
        StatusCode::METHOD_NOT_ALLOWED,
        "method not allowed on this route",
    )
}
