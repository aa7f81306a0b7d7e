use crate::http::error_body::{ErrorShape, shape};
use crate::prelude::*;

pub struct UnknownRouteStructured;

static META: ControlMeta = ControlMeta {
    id: "HTTP005",
    slug: "unknown_route_structured",
    title: "Unknown routes get a structured 404",
    area: Area::Resilience,
    severity: Severity::Low,
    remediation: "Install a fallback handler that answers 404 with the API's error format: \
                  RFC 7807 `application/problem+json` (`type`, `title`, `status`, `detail`) or \
                  the same JSON error object every other error uses.",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc9457.html",
        "https://www.rfc-editor.org/rfc/rfc9110.html#name-404-not-found",
        "https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html#error-handling",
    ],
    concepts: &[
        "structured errors",
        "problem details",
        "rfc 7807",
        "error format",
        "404 handling",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Requests a path no service has (`/vouch-probe-no-such-route-7d41c2`). The answer must be 404
with a structured body: `application/problem+json` with `title` or `type` and `status`, or a
JSON object with an error field (`error`, `message`, `detail`, `title`, `code`, ...).

A single-page app answers every unknown path with its HTML shell (200): then the probe asks
for an unknown path under the API prefix the OpenAPI document shows (`/api/...`), and is not
applicable when there is none. A 401/403 is retried with `--token` when one is given.

## Why it matters in production

Clients, retries and monitoring branch on status codes and parse error bodies. A 200 for a
missing route hides broken links and client bugs; an HTML or plain-text 404 from an API breaks
clients that expect JSON and usually comes from a framework default that also leaks what the
service runs on.

## Example

Bad:

```text
GET /api/nope → 404 text/html: <h1>Not Found</h1>
```

Good:

```text
GET /api/nope → 404 application/problem+json:
{"type":"about:blank","title":"Not Found","status":404}
```

## References

- RFC 9457 (obsoletes RFC 7807): Problem Details for HTTP APIs
- RFC 9110 §15.5.5 404 Not Found
- OWASP REST Security Cheat Sheet: error handling
"#,
};

impl Probe for UnknownRouteStructured {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

async fn check(t: &Target) -> ProbeResult {
    let mut ex = shared::unknown_route(t).await?;
    if ex.status.is_success() && ex.is_html() {
        let Some(prefix) = t.operations.api_prefix() else {
            return Ok(Outcome::not_applicable(format!(
                "{} answers unknown paths with an HTML page (a single-page app) and no API prefix is known (pass --openapi)",
                t.base()
            )));
        };
        ex = shared::get_past_auth(t, &format!("{prefix}{}", shared::UNKNOWN_PATH)).await?;
        if ex.status.is_success() && ex.is_html() {
            return Ok(Outcome::not_applicable(format!(
                "unknown paths under {prefix} also get the single-page app's HTML page"
            )));
        }
    }
    if let Some(unknown) = shared::needs_credentials(t, &ex) {
        return Ok(unknown);
    }
    let status = ex.status.as_u16();
    if !matches!(status, 404 | 410) {
        let what = if ex.status.is_success() {
            format!("answered {status} for a route that does not exist")
        } else {
            format!("answered {status} for an unknown route, not 404")
        };
        return Ok(Outcome::Fail {
            findings: vec![seen(&ex, what)],
        });
    }
    Ok(match shape(&ex) {
        ErrorShape::Unstructured(what) => Outcome::Fail {
            findings: vec![seen(
                &ex,
                format!("404 with {what}, not a problem+json or JSON error body"),
            )],
        },
        kind => Outcome::pass_with(vec![seen(
            &ex,
            match kind {
                ErrorShape::Problem => "404 with an RFC 7807 problem body",
                _ => "404 with a JSON error body",
            },
        )]),
    })
}
