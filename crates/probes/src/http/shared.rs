//! Requests several probes judge, made once per run (the target's memo): the unknown-route
//! baseline, the health endpoints, the metrics page, the malformed-JSON and wrong-method
//! answers.

use crate::operations::Operation;
use crate::target::{Exchange, Request, RequestError, Target};
use reqwest::Method;
use std::sync::Arc;

/// A path no service serves; fixed so evidence fingerprints stay stable across runs.
pub const UNKNOWN_PATH: &str = "/vouch-probe-no-such-route-7d41c2";

pub const LIVENESS_PATHS: &[&str] = &[
    "/healthz",
    "/livez",
    "/health",
    "/health/live",
    "/health/liveness",
    "/actuator/health/liveness",
    "/actuator/health",
    "/ping",
    "/_health",
    "/status",
];

pub const READINESS_PATHS: &[&str] = &[
    "/readyz",
    "/ready",
    "/readiness",
    "/health/ready",
    "/health/readiness",
    "/actuator/health/readiness",
    "/_ready",
];

pub const METRICS_PATHS: &[&str] = &["/metrics", "/actuator/prometheus", "/prometheus"];

pub type Shared = Result<Arc<Exchange>, RequestError>;

/// `GET` of `path`, anonymous, made once per run.
pub async fn get(t: &Target, path: &str) -> Shared {
    t.memo(&format!("GET {path}"), t.send(Request::get(path)))
        .await
}

/// `GET` of `path` past an authentication gateway (retried with `--token` on 401/403).
pub async fn get_past_auth(t: &Target, path: &str) -> Shared {
    t.memo(
        &format!("GET {path} past auth"),
        t.send_past_auth(Request::get(path)),
    )
    .await
}

/// What the service answers for a path it does not have: the baseline that tells a real
/// resource from a catch-all.
pub async fn unknown_route(t: &Target) -> Shared {
    get_past_auth(t, UNKNOWN_PATH).await
}

/// True when `ex` is what the service answers for any path (a single-page-app shell or a
/// custom 200 page), so its 2xx says nothing about the path.
pub async fn is_catch_all(t: &Target, ex: &Exchange) -> Result<bool, RequestError> {
    if !ex.status.is_success() {
        return Ok(false);
    }
    let baseline = unknown_route(t).await?;
    Ok(baseline.status.is_success() && same_page(&baseline, ex))
}

fn same_page(a: &Exchange, b: &Exchange) -> bool {
    a.media_type() == b.media_type() && a.body.trim_ascii() == b.body.trim_ascii()
}

/// A health-like endpoint: the first of `paths` (declared ones first) that answers other than
/// 404/405/410 and is not the catch-all page.
pub async fn find_endpoint(
    t: &Target,
    paths: &[&str],
    declared_hint: &[&str],
) -> Result<Option<Arc<Exchange>>, RequestError> {
    let declared: Vec<String> = t
        .operations
        .iter()
        .filter(|o| o.method == "GET" && !o.has_params())
        .filter(|o| {
            let last = o.path.rsplit('/').next().unwrap_or("").to_ascii_lowercase();
            declared_hint.iter().any(|h| last.contains(h))
        })
        .map(|o| o.path.clone())
        .collect();
    let mut candidates: Vec<&str> = declared.iter().map(String::as_str).collect();
    candidates.extend(paths.iter().filter(|p| !declared.iter().any(|d| d == *p)));
    for path in candidates {
        let ex = get_past_auth(t, path).await?;
        if matches!(ex.status.as_u16(), 404 | 405 | 410) || is_catch_all(t, &ex).await? {
            continue;
        }
        return Ok(Some(ex));
    }
    Ok(None)
}

pub async fn liveness(t: &Target) -> Result<Option<Arc<Exchange>>, RequestError> {
    find_endpoint(t, LIVENESS_PATHS, &["health", "live", "ping"]).await
}

pub async fn readiness(t: &Target) -> Result<Option<Arc<Exchange>>, RequestError> {
    find_endpoint(t, READINESS_PATHS, &["ready"]).await
}

/// The metrics endpoint as an anonymous client sees it: the first path that is not 404.
pub async fn metrics_anonymous(t: &Target) -> Result<Option<Arc<Exchange>>, RequestError> {
    for path in METRICS_PATHS {
        let ex = get(t, path).await?;
        if matches!(ex.status.as_u16(), 404 | 405 | 410) || is_catch_all(t, &ex).await? {
            continue;
        }
        return Ok(Some(ex));
    }
    Ok(None)
}

/// An operation that takes a JSON body: POST first, then PUT/PATCH; parameter-free first.
pub fn json_write(t: &Target) -> Option<&Operation> {
    let rank = |o: &Operation| {
        let method = match o.method.as_str() {
            "POST" => 0,
            "PUT" => 1,
            _ => 2,
        };
        (o.has_params(), method)
    };
    t.operations
        .iter()
        .filter(|o| o.json_body && matches!(o.method.as_str(), "POST" | "PUT" | "PATCH"))
        .min_by_key(|o| rank(o))
}

/// A truncated JSON document: it cannot be parsed, so the write cannot happen.
pub const MALFORMED_JSON: &str = "{\"vouch\": \"probe\", ";

/// The answer to a malformed JSON body sent to a JSON write operation (with `--token` when
/// given, so authentication does not answer first). `None`: no such operation is known.
pub async fn malformed_json(t: &Target) -> Result<Option<Arc<Exchange>>, RequestError> {
    let Some(op) = json_write(t) else {
        return Ok(None);
    };
    let method = Method::from_bytes(op.method.as_bytes()).unwrap_or(Method::POST);
    let request = Request::new(method, op.concrete_path("1"))
        .body("application/json", MALFORMED_JSON)
        .with_credentials();
    t.memo("malformed json", t.send(request)).await.map(Some)
}

/// The answer to DELETE on a read-only path: a health endpoint when found (no handler
/// deletes anything there), else a declared GET-only path without parameters.
pub async fn wrong_method(t: &Target) -> Result<Option<Arc<Exchange>>, RequestError> {
    let path = match liveness(t).await? {
        Some(ex) => Some(t.relative_path(&ex.url)),
        None => t
            .operations
            .iter()
            .find(|o| {
                o.method == "GET" && !o.has_params() && t.operations.methods_of(&o.path) == ["GET"]
            })
            .map(|o| o.path.clone()),
    };
    let Some(path) = path else {
        return Ok(None);
    };
    t.memo(
        "wrong method",
        t.send_past_auth(Request::new(Method::DELETE, path)),
    )
    .await
    .map(Some)
}

/// `12 ms`
pub fn ms(d: std::time::Duration) -> String {
    format!("{} ms", d.as_millis())
}

/// Unknown when `ex` is a 401/403 the probe cannot get past (no `--token`, or it was refused).
pub fn needs_credentials(t: &Target, ex: &Exchange) -> Option<vouch_core::Outcome> {
    if !matches!(ex.status.as_u16(), 401 | 403) {
        return None;
    }
    let why = if t.has_token() {
        "even with the --token credentials"
    } else {
        "pass --token to probe as an authenticated client"
    };
    Some(vouch_core::Outcome::unknown(format!(
        "{} answered {} ({why})",
        ex.request_line(),
        ex.status.as_u16()
    )))
}

/// The service's HTML page: `GET /`, following up to three same-origin redirects. `None` when
/// the service serves no HTML there (an API).
pub async fn html_page(t: &Target) -> Result<Option<Arc<Exchange>>, RequestError> {
    let mut ex = t.root().await?;
    for _ in 0..3 {
        if !ex.status.is_redirection() {
            break;
        }
        let Some(next) = ex.header("location").and_then(|l| ex.url.join(l).ok()) else {
            break;
        };
        if next.origin() != t.base().origin() {
            break;
        }
        ex = get(t, &t.relative_path(&next)).await?;
    }
    Ok((ex.status.is_success() && ex.is_html()).then_some(ex))
}

/// The responses header probes judge: `GET /` and the unknown-route error (an API answer).
pub async fn header_samples(t: &Target) -> Result<Vec<Arc<Exchange>>, RequestError> {
    let mut out = vec![t.root().await?];
    if let Some(page) = html_page(t).await?
        && page.url != out[0].url
    {
        out.push(page);
    }
    out.push(unknown_route(t).await?);
    Ok(out)
}
