use crate::prelude::*;

pub struct ContentTypeOptions;

static META: ControlMeta = ControlMeta {
    id: "HTTP010",
    slug: "content_type_options",
    title: "Responses carry X-Content-Type-Options: nosniff",
    area: Area::Security,
    severity: Severity::Low,
    remediation: "Add `X-Content-Type-Options: nosniff` to every response (one line in the \
                  reverse proxy or a security-headers middleware such as helmet, \
                  SecurityMiddleware or tower-http's SetResponseHeader).",
    references: &[
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Content-Type-Options",
        "https://owasp.org/www-project-secure-headers/#x-content-type-options",
        "https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Headers_Cheat_Sheet.html#x-content-type-options",
    ],
    concepts: &[
        "security headers",
        "nosniff",
        "x-content-type-options",
        "mime sniffing",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

`GET /`, the HTML page it redirects to, and an error response (an unknown route) must each
carry `X-Content-Type-Options: nosniff`. Error responses count: they are often produced by a
different layer (the framework's fallback, the proxy) that misses the header.

## Why it matters in production

Without `nosniff`, a browser may guess that a user-uploaded file or a JSON response reflecting
input is HTML or script and execute it: content sniffing turns data into cross-site
scripting.

## Example

Bad: `GET /api/nope → 404` without the header (the framework's default 404 skips the
middleware that sets it).

Good:

```text
X-Content-Type-Options: nosniff
```

## References

- MDN: X-Content-Type-Options
- OWASP Secure Headers Project
- OWASP HTTP Headers Cheat Sheet
"#,
};

impl Probe for ContentTypeOptions {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

async fn check(t: &Target) -> ProbeResult {
    let samples = shared::header_samples(t).await?;
    let mut findings = Vec::new();
    for ex in &samples {
        match ex.header("x-content-type-options") {
            Some(v) if v.trim().eq_ignore_ascii_case("nosniff") => {}
            Some(v) => findings.push(seen(
                ex,
                format!("X-Content-Type-Options is `{v}`, not `nosniff`"),
            )),
            None => findings.push(seen(ex, "no X-Content-Type-Options header")),
        }
    }
    if !findings.is_empty() {
        return Ok(Outcome::Fail { findings });
    }
    Ok(Outcome::pass_with(
        samples
            .iter()
            .map(|ex| seen(ex, "X-Content-Type-Options: nosniff"))
            .collect(),
    ))
}
