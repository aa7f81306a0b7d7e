//! Shared by the exposure probes: request each sensitive path and decide from the content, not
//! the status alone, whether it is really served. A single-page app or a custom "not found"
//! page answers 200 for everything; only a body that looks like the file counts.

use crate::prelude::*;

/// A path that must not be served, and how its content looks.
pub struct Sensitive {
    pub path: &'static str,
    pub what: &'static str,
    pub looks_like: fn(&[u8]) -> bool,
}

pub async fn inspect(t: &Target, list: &[Sensitive]) -> ProbeResult {
    let mut findings = Vec::new();
    let mut statuses = Vec::new();
    for s in list {
        let ex = shared::get(t, s.path).await?;
        statuses.push(format!("{} {}", s.path, ex.status.as_u16()));
        if !ex.status.is_success() || shared::is_catch_all(t, &ex).await? {
            continue;
        }
        if (s.looks_like)(&ex.body) {
            findings.push(seen(&ex, format!("{} is served to anyone", s.what)));
        }
    }
    if !findings.is_empty() {
        return Ok(Outcome::Fail { findings });
    }
    Ok(Outcome::pass_with(vec![at_path(
        "/",
        format!(
            "none of {} paths is served: {}",
            list.len(),
            statuses.join(", ")
        ),
    )]))
}

pub fn text(body: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(body)
}

/// Not an HTML document (a page that merely mentions the words does not count).
pub fn not_html(body: &[u8]) -> bool {
    let start = text(&body[..body.len().min(512)])
        .trim_start()
        .to_ascii_lowercase();
    !(start.starts_with("<!doctype") || start.starts_with("<html") || start.starts_with("<head"))
}

pub fn contains(body: &[u8], needle: &str) -> bool {
    text(body).contains(needle)
}
