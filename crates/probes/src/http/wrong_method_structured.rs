use crate::http::error_body::{ErrorShape, shape};
use crate::prelude::*;

pub struct WrongMethodStructured;

static META: ControlMeta = ControlMeta {
    id: "HTTP006",
    slug: "wrong_method_structured",
    title: "A wrong method gets a structured 405",
    area: Area::Resilience,
    severity: Severity::Low,
    remediation: "Let the router answer methods a route does not define with 405, an `Allow` \
                  header and the API's error body (problem+json or its JSON error object), \
                  instead of 404, 200 or a framework HTML page.",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc9110.html#name-405-method-not-allowed",
        "https://www.rfc-editor.org/rfc/rfc9457.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html#restrict-http-methods",
    ],
    concepts: &[
        "method not allowed",
        "405",
        "structured errors",
        "problem details",
        "http methods",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Sends `DELETE` to a read-only path: the liveness endpoint when there is one (no handler
deletes anything there), else a path the OpenAPI document declares with GET only. The answer
must be 405 with a structured body (problem+json with `title`/`type` and `status`, or a JSON
object with an error field). Not applicable when no read-only path is known. A 401/403 is
retried with `--token` when one is given.

## Why it matters in production

A route that accepts any method runs handlers for requests nobody designed (a GET handler that
also runs on DELETE), and a 404 or HTML page for a wrong method misleads client developers and
monitoring. A structured 405 with `Allow` tells the client exactly what it can do.

## Example

Bad:

```text
DELETE /healthz → 200 application/json: {"status":"ok"}
```

Good:

```text
DELETE /healthz → 405 application/problem+json: {"title":"Method Not Allowed","status":405}
```

## References

- RFC 9110 §15.5.6 405 Method Not Allowed
- RFC 9457 Problem Details for HTTP APIs
- OWASP REST Security Cheat Sheet: restrict HTTP methods
"#,
};

impl Probe for WrongMethodStructured {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

async fn check(t: &Target) -> ProbeResult {
    let Some(ex) = shared::wrong_method(t).await? else {
        return Ok(Outcome::not_applicable(
            "no read-only path is known (no liveness endpoint, no GET-only path in an OpenAPI document)",
        ));
    };
    if let Some(unknown) = shared::needs_credentials(t, &ex) {
        return Ok(unknown);
    }
    let status = ex.status.as_u16();
    if status != 405 {
        let what = if ex.status.is_success() {
            format!("answered {status}: the read-only route runs for DELETE too")
        } else {
            format!("answered {status} to a method the route does not have, not 405")
        };
        return Ok(Outcome::Fail {
            findings: vec![seen(&ex, what)],
        });
    }
    let allow = match ex.header("allow") {
        Some(a) => format!(", Allow: {a}"),
        None => ", no Allow header".to_string(),
    };
    Ok(match shape(&ex) {
        ErrorShape::Unstructured(what) => Outcome::Fail {
            findings: vec![seen(&ex, format!("405 with {what}{allow}"))],
        },
        ErrorShape::Problem => Outcome::pass_with(vec![seen(
            &ex,
            format!("405 with an RFC 7807 problem body{allow}"),
        )]),
        ErrorShape::JsonError => Outcome::pass_with(vec![seen(
            &ex,
            format!("405 with a JSON error body{allow}"),
        )]),
    })
}
