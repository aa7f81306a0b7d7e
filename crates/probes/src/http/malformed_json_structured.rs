use crate::http::error_body::{ErrorShape, shape};
use crate::prelude::*;

pub struct MalformedJsonStructured;

static META: ControlMeta = ControlMeta {
    id: "HTTP007",
    slug: "malformed_json_structured",
    title: "Malformed JSON gets a structured 400",
    area: Area::Resilience,
    severity: Severity::Medium,
    remediation: "Parse request bodies before the handler runs and answer a syntax error with \
                  400 and the API's error body (problem+json with a `detail` that says what is \
                  wrong); never let a parse error reach the generic 500 handler.",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc9110.html#name-400-bad-request",
        "https://www.rfc-editor.org/rfc/rfc9457.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Input_Validation_Cheat_Sheet.html",
    ],
    concepts: &[
        "input validation",
        "malformed json",
        "bad request",
        "400",
        "structured errors",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Sends a truncated JSON document (`{"vouch": "probe", `) with `Content-Type: application/json`
to an operation that takes a JSON body (from the OpenAPI document or the `--repo` routes; POST
before PUT/PATCH, paths without parameters first, parameters filled with `1`), with the
`--token` credentials when given. The body cannot be parsed, so the write cannot happen. The
answer must be 400 (or 422, which some frameworks use for body errors) with a structured
body. Not applicable when no operation with a JSON body is known; Unknown when the operation
wants credentials first and none were given.

## Why it matters in production

A parse error that becomes a 500 pages the on-call engineer for a client's bug, hides real
server errors in the error rate, and often prints the parser's exception. A 2xx means the
handler ran with a body it could not read.

## Example

Bad:

```text
POST /api/items {"vouch": "probe",  → 500 text/html: Internal Server Error
```

Good:

```text
POST /api/items {"vouch": "probe",  → 400 application/problem+json:
{"title":"Bad Request","status":400,"detail":"request body is not valid JSON"}
```

## References

- RFC 9110 §15.5.1 400 Bad Request
- RFC 9457 Problem Details for HTTP APIs
- OWASP Input Validation Cheat Sheet
"#,
};

impl Probe for MalformedJsonStructured {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

async fn check(t: &Target) -> ProbeResult {
    let Some(ex) = shared::malformed_json(t).await? else {
        return Ok(Outcome::not_applicable(
            "no operation with a JSON request body is known (pass --openapi or --repo)",
        ));
    };
    if let Some(unknown) = shared::needs_credentials(t, &ex) {
        return Ok(unknown);
    }
    let status = ex.status.as_u16();
    if !matches!(status, 400 | 422) {
        let what = if ex.status.is_success() {
            format!("a malformed JSON body was accepted with {status}")
        } else if ex.status.is_server_error() {
            format!("a malformed JSON body caused a server error ({status})")
        } else {
            format!("a malformed JSON body got {status}, not 400")
        };
        return Ok(Outcome::Fail {
            findings: vec![seen(&ex, what)],
        });
    }
    Ok(match shape(&ex) {
        ErrorShape::Unstructured(what) => Outcome::Fail {
            findings: vec![seen(&ex, format!("{status} with {what}"))],
        },
        ErrorShape::Problem => Outcome::pass_with(vec![seen(
            &ex,
            format!("{status} with an RFC 7807 problem body"),
        )]),
        ErrorShape::JsonError => {
            Outcome::pass_with(vec![seen(&ex, format!("{status} with a JSON error body"))])
        }
    })
}
