//! Bounds on the request head, which the body limit does not cover: a URL (path and query)
//! longer than [`MAX_URI_BYTES`] is answered 414, a header block larger than
//! [`MAX_HEADER_BYTES`] 431, both as problems, before rate limiting, authentication or any
//! handler looks at them. hyper itself accepts heads of up to about 400 KiB; a legitimate
//! client of this API (CI with an API key, a browser with the session cookie, an OIDC token)
//! sends a few KiB. The values follow common proxies (nginx refuses header lines over 8 KiB).

use super::problem::Problem;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Longest path and query accepted.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// Largest header block accepted: every name and value, with the `: ` and CRLF of each line.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

pub async fn limit(request: Request, next: Next) -> Response {
    if let Some(refusal) = refusal(&request) {
        return refusal.into_response();
    }
    next.run(request).await
}

fn refusal(request: &Request) -> Option<Problem> {
    let uri = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    if uri > MAX_URI_BYTES {
        return Some(Problem::new(
            StatusCode::URI_TOO_LONG,
            format!("the URL is {uri} bytes long; at most {MAX_URI_BYTES} are accepted"),
        ));
    }
    let headers: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    (headers > MAX_HEADER_BYTES).then(|| {
        Problem::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!(
                "the request headers take {headers} bytes; at most {MAX_HEADER_BYTES} are accepted"
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn status(request: Request) -> Option<u16> {
        refusal(&request).map(|p| p.status)
    }

    #[test]
    fn ordinary_requests_pass() {
        let request = Request::builder()
            .uri("/api/v1/projects?limit=100")
            .header("authorization", format!("Bearer vk_{}", "a".repeat(64)))
            .body(Body::empty())
            .expect("request");
        assert_eq!(status(request), None);
    }

    #[test]
    fn limits_are_inclusive_and_refusals_name_the_status() {
        let at_limit = format!("/?q={}", "a".repeat(MAX_URI_BYTES - 4));
        let request = Request::builder().uri(&at_limit).body(Body::empty());
        assert_eq!(status(request.expect("request")), None);
        let over = format!("{at_limit}a");
        let request = Request::builder().uri(&over).body(Body::empty());
        assert_eq!(status(request.expect("request")), Some(414));

        let padding = "p".repeat(MAX_HEADER_BYTES);
        let request = Request::builder()
            .uri("/")
            .header("x-padding", padding)
            .body(Body::empty());
        assert_eq!(status(request.expect("request")), Some(431));
    }
}
