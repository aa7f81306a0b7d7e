use super::transport;
use crate::prelude::*;

pub struct Hsts;

static META: ControlMeta = ControlMeta {
    id: "HTTP025",
    slug: "hsts",
    title: "HTTPS responses set HSTS with max-age of at least 180 days",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Send `Strict-Transport-Security: max-age=31536000; includeSubDomains` on every \
                  HTTPS response (at least 15552000 seconds, 180 days).",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc6797",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Strict-Transport-Security",
        "https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Strict_Transport_Security_Cheat_Sheet.html",
    ],
    concepts: &["hsts", "strict transport security", "https only"],
    since: "0.1.0",
    doc: r#"## What it checks

The HTTPS answer to `GET /` must carry `Strict-Transport-Security` with `max-age` of at least
15552000 seconds (180 days). A missing header, `max-age=0` (which deletes the policy), a
shorter or unparsable max-age fail; the evidence quotes the header. Not applicable when the
target is `http://` (browsers ignore the header over plain HTTP).

## Why it matters in production

Without HSTS the first request of each visit may go over plain HTTP, where an attacker on the
network can answer instead of the redirect (SSL stripping). With it, the browser goes straight
to HTTPS for the max-age and refuses to click through certificate errors.

## Example

Bad: no header, or `Strict-Transport-Security: max-age=3600`.

Good:

```text
Strict-Transport-Security: max-age=31536000; includeSubDomains
```

## References

- RFC 6797: HTTP Strict Transport Security
- MDN: Strict-Transport-Security
- OWASP HTTP Strict Transport Security Cheat Sheet
"#,
};

impl Probe for Hsts {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

/// 180 days.
const MIN_MAX_AGE: u64 = 15_552_000;

async fn check(t: &Target) -> ProbeResult {
    if let Some(na) = transport::not_https(t) {
        return Ok(na);
    }
    let root = t.root().await?;
    // A browser applies only the first header (RFC 6797 section 8.1).
    let Some(value) = root.header("strict-transport-security") else {
        return Ok(Outcome::Fail {
            findings: vec![seen(
                &root,
                "the HTTPS response sets no Strict-Transport-Security",
            )],
        });
    };
    let quoted = format!("strict-transport-security: {value}");
    let finding = |message: String| Outcome::Fail {
        findings: vec![Finding::new(Location::file(root.path()), message).with_snippet(&quoted)],
    };
    Ok(match max_age(value) {
        None => finding("Strict-Transport-Security has no valid max-age".into()),
        Some(0) => finding("max-age=0 tells browsers to forget the HSTS policy".into()),
        Some(age) if age < MIN_MAX_AGE => finding(format!(
            "HSTS max-age is {} days (at least 180 required)",
            age / 86_400
        )),
        Some(_) => Outcome::pass_with(vec![
            Finding::new(Location::file(root.path()), "HSTS is set").with_snippet(&quoted),
        ]),
    })
}

/// The `max-age` directive's seconds (quoted or not); `None` when absent or not a number.
fn max_age(value: &str) -> Option<u64> {
    value.split(';').find_map(|directive| {
        let (name, v) = directive.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("max-age")
            .then(|| v.trim().trim_matches('"').parse().ok())?
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_is_read_from_any_position_and_quoting() {
        assert_eq!(
            max_age("max-age=31536000; includeSubDomains"),
            Some(31_536_000)
        );
        assert_eq!(max_age("includeSubDomains; Max-Age=\"600\""), Some(600));
        assert_eq!(max_age("max-age=abc"), None);
        assert_eq!(max_age("includeSubDomains"), None);
    }
}
