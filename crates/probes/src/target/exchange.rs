//! One request and what came back, captured for judging and for evidence.

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode, Url};
use std::borrow::Cow;
use std::time::Duration;

/// Bytes of a response body kept; the rest is not read.
pub const BODY_LIMIT: usize = 4 * 1024 * 1024;

#[derive(Clone, Debug)]
pub struct Exchange {
    pub method: Method,
    pub url: Url,
    /// Whether the request carried the user's credentials (`--token`).
    pub with_credentials: bool,
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The first [`BODY_LIMIT`] bytes of the body.
    pub body: Vec<u8>,
    /// The body was longer than what was kept.
    pub truncated: bool,
    /// Time to the response headers.
    pub elapsed: Duration,
}

impl Exchange {
    /// The first value of a header, when it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Every value of a header (`Set-Cookie`, `Vary`).
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    }

    /// The media type without parameters, lower-cased (`application/problem+json`).
    pub fn media_type(&self) -> Option<String> {
        let raw = self.header("content-type")?;
        let essence = raw.split(';').next().unwrap_or("").trim();
        (!essence.is_empty()).then(|| essence.to_ascii_lowercase())
    }

    pub fn is_json(&self) -> bool {
        self.media_type()
            .is_some_and(|m| m == "application/json" || m.ends_with("+json"))
    }

    pub fn is_html(&self) -> bool {
        self.media_type()
            .is_some_and(|m| m == "text/html" || m == "application/xhtml+xml")
    }

    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The body parsed as JSON, whatever the declared type.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The URL path (and query), as evidence locations use it.
    pub fn path(&self) -> String {
        match self.url.query() {
            Some(q) => format!("{}?{q}", self.url.path()),
            None => self.url.path().to_string(),
        }
    }

    /// `GET /healthz`
    pub fn request_line(&self) -> String {
        format!("{} {}", self.method, self.path())
    }
}
