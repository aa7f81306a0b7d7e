//! Error responses made outside our handlers (axum's path, query and body-limit rejections,
//! 405 from the method router) are plain text; this turns every 4xx/5xx that is not already a
//! problem document into one, keeping the status and headers. 5xx text is not passed on. The
//! dashboard's HTML error pages (text/html) are left as they are: a person reads them.

use super::problem::{PROBLEM_JSON, Problem};
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Longest plain-text rejection we copy into `detail`.
const MAX_DETAIL: usize = 1024;

pub async fn problem_fallback(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error())
        || is_problem(&response)
        || is_html(&response)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = to_bytes(body, MAX_DETAIL * 4).await.unwrap_or_default();
    let detail = if status.is_server_error() || text.is_empty() {
        default_detail(status.as_u16()).to_string()
    } else {
        String::from_utf8_lossy(&text)
            .chars()
            .take(MAX_DETAIL)
            .collect()
    };
    let problem = Problem::new(status, detail).into_response();
    let (problem_parts, problem_body) = problem.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    if let Some(content_type) = problem_parts.headers.get(header::CONTENT_TYPE) {
        parts
            .headers
            .insert(header::CONTENT_TYPE, content_type.clone());
    }
    Response::from_parts(parts, Body::new(problem_body))
}

fn is_problem(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()))
}

/// A dashboard error page.
fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"))
}

fn default_detail(status: u16) -> &'static str {
    match status {
        404 => "no such resource",
        405 => "this method is not allowed here; see the Allow header",
        413 => "the request body is too large",
        _ => "the request failed",
    }
}
