//! Evidence from exchanges: where (the URL path) and what was seen (request line, status,
//! content type, a redacted body excerpt).

use crate::target::Exchange;
use regex::Regex;
use std::sync::LazyLock;
use vouch_core::{Finding, Location};

/// Characters of body quoted in evidence.
const EXCERPT_CHARS: usize = 120;

/// A finding about `ex`: located at its URL path, quoting what came back.
pub fn seen(ex: &Exchange, message: impl Into<String>) -> Finding {
    Finding::new(Location::file(ex.path()), message).with_snippet(summary(ex))
}

/// A finding about a path on the target when no response is quoted.
pub fn at_path(path: &str, message: impl Into<String>) -> Finding {
    Finding::new(Location::file(path), message)
}

/// `GET /healthz → 200 application/json: {"status":"ok"}`
pub fn summary(ex: &Exchange) -> String {
    let media = ex.media_type().unwrap_or_else(|| "no content type".into());
    let body = excerpt(&ex.text());
    let auth = if ex.with_credentials {
        " (with credentials)"
    } else {
        ""
    };
    if body.is_empty() {
        format!(
            "{}{auth} → {} {media}",
            ex.request_line(),
            ex.status.as_u16()
        )
    } else {
        format!(
            "{}{auth} → {} {media}: {body}",
            ex.request_line(),
            ex.status.as_u16()
        )
    }
}

/// The start of `text`, whitespace collapsed, credentials masked.
pub fn excerpt(text: &str) -> String {
    let collapsed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let redacted = redact(&collapsed);
    let mut out: String = redacted.chars().take(EXCERPT_CHARS).collect();
    if redacted.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}

/// The text `around` a match, collapsed and redacted (leak evidence).
pub fn around(text: &str, start: usize, end: usize) -> String {
    let from = text[..start]
        .char_indices()
        .rev()
        .nth(40)
        .map_or(0, |(i, _)| i);
    let to = text[end..]
        .char_indices()
        .nth(80)
        .map_or(text.len(), |(i, _)| end + i);
    excerpt(&text[from..to])
}

static SECRET_ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)((?:pass(?:word|wd)?|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth)[A-Za-z0-9_\-]*"?\s*[:=]\s*"?)([^\s"',;&]+)"#,
    )
    .expect("static regex")
});
static URL_PASSWORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(://[^:/@\s]+:)([^@/\s]+)(@)").expect("static regex"));

/// Masks known secret formats, values assigned to secret-looking names and URL passwords.
pub fn redact(text: &str) -> String {
    let mut out = text.to_string();
    let hits = vouch_secrets::scan(vouch_secrets::ruleset(), out.as_bytes());
    for hit in hits.iter().rev() {
        if out.is_char_boundary(hit.span.start) && out.is_char_boundary(hit.span.end) {
            out.replace_range(hit.span.clone(), &hit.redacted);
        }
    }
    let out = URL_PASSWORD.replace_all(&out, "${1}****${3}");
    SECRET_ASSIGNMENT
        .replace_all(&out, |c: &regex::Captures<'_>| {
            let value = &c[2];
            if value.chars().all(|ch| ch == '*') {
                c[0].to_string()
            } else {
                let keep: String = value.chars().take(2).collect();
                format!("{}{keep}****", &c[1])
            }
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_env_values_and_url_passwords() {
        let r = redact(
            "DATABASE_URL=postgres://app:Pa55w0rd@db/app SECRET_KEY=9f8e7d6c5b4a DEBUG=false",
        );
        assert!(!r.contains("Pa55w0rd"), "{r}");
        assert!(!r.contains("9f8e7d6c5b4a"), "{r}");
        assert!(r.contains("DEBUG=false"), "{r}");
        let json = redact(r#"{"password": "hunter22", "user": "bob"}"#);
        assert!(!json.contains("hunter22") && json.contains("bob"), "{json}");
    }

    #[test]
    fn excerpts_are_short_and_single_line() {
        let e = excerpt(&format!("a\n\n b {}", "x".repeat(500)));
        assert!(e.starts_with("a b x"));
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
    }
}
