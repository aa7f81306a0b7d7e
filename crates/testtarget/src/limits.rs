//! Request-line and header-size limits, as a front proxy or server would apply them.

use crate::behaviour::{Behaviour, Oversize};
use crate::errors::error;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::Response;

/// The answer to a request over the instance's URL or header limit; `None` when it is within
/// them or the instance serves oversize requests anyway.
pub fn oversize(b: &Behaviour, req: &Request) -> Option<Response> {
    let target = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    let headers: usize = req
        .headers()
        .iter()
        // `name: value\r\n`
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    let (status, detail) = if target > b.url_limit {
        (StatusCode::URI_TOO_LONG, "request target too long")
    } else if headers > b.header_limit {
        (
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "request headers too large",
        )
    } else {
        return None;
    };
    match b.oversize {
        Oversize::Refused => Some(error(b.errors, status, detail)),
        Oversize::Served => None,
        Oversize::ServerError => Some(error(
            b.errors,
            StatusCode::INTERNAL_SERVER_ERROR,
            "header buffer overflow",
        )),
    }
}
