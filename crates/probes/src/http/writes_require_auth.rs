use crate::operations::Operation;
use crate::prelude::*;

pub struct WritesRequireAuth;

static META: ControlMeta = ControlMeta {
    id: "HTTP018",
    slug: "writes_require_auth",
    title: "Write operations refuse requests without valid credentials",
    area: Area::Security,
    severity: Severity::Critical,
    remediation: "Put authentication in front of every POST, PUT, PATCH and DELETE route (a \
                  router-level middleware or gateway policy that denies by default, with an \
                  explicit allow-list for the few public writes), verify token signatures and \
                  expiry, and answer 401 (no or invalid credentials) or 403 (not allowed).",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/",
        "https://owasp.org/API-Security/editions/2023/en/0xa5-broken-function-level-authorization/",
        "https://www.rfc-editor.org/rfc/rfc9110.html#name-401-unauthorized",
        "https://www.rfc-editor.org/rfc/rfc8725.html",
    ],
    concepts: &[
        "authentication",
        "authorization",
        "auth on writes",
        "protected endpoints",
        "jwt expiry",
        "access control",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Calls every write operation (POST, PUT, PATCH, DELETE) the OpenAPI document (or the `--repo`
route inventory) declares, up to 25 operations, three times each: without credentials, with
an invalid bearer token, and with an expired-looking JWT (expired in 2001, unsigned). The
requests are built so they cannot succeed: path parameters are `0` (an ID that rarely
exists) and JSON bodies are truncated, invalid JSON.

Every answer must be 401 or 403. A 2xx is a critical finding naming the request that got it;
a 5xx is a finding too (an anonymous client can make the operation fail). Other 4xx answers
(400, 404, 422) say nothing about authentication: they are listed but decide nothing. It
passes when no answer is 2xx or 5xx and at least one is 401/403; Unknown when no answer is,
and when the service declares no operations at all (pass `--openapi` or `--repo`).

## Why it matters in production

A write route that forgot its auth middleware lets anyone create, change or delete data.
Accepting an invalid signature or an expired token is the same hole with extra steps. These
mistakes hide in routes added late or mounted outside the protected router, and only a
request against the running service shows them.

## Example

Bad:

```text
DELETE /api/items/0 (no credentials) → 204
```

Good:

```text
DELETE /api/items/0 (no credentials) → 401 application/problem+json
```

## References

- OWASP API Security Top 10 (2023) API2: Broken Authentication
- OWASP API Security Top 10 (2023) API5: Broken Function Level Authorization
- RFC 9110 §15.5.2: 401 Unauthorized
- RFC 8725: JSON Web Token Best Current Practices
"#,
};

impl Probe for WritesRequireAuth {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

/// Operations called at most; three requests each.
const MAX_OPERATIONS: usize = 25;

/// `{"alg":"HS256","typ":"JWT"}.{"sub":"vouch-probe","exp":1000000000}.` with a junk
/// signature: expired in 2001 and not signed by anyone's key.
const EXPIRED_JWT: &str = "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ2b3VjaC1wcm9iZSIsImV4cCI6MTAwMDAwMDAwMH0.dm91Y2gtcHJvYmUtbm90LWEtc2lnbmF0dXJl";

/// The credentials each request carries: a label for evidence and the header value.
const VARIANTS: &[(&str, Option<&str>)] = &[
    ("no credentials", None),
    ("an invalid token", Some("Bearer vouch-probe-invalid-token")),
    ("an expired JWT", Some(EXPIRED_JWT)),
];

async fn check(t: &Target) -> ProbeResult {
    let writes: Vec<&Operation> = t.operations.iter().filter(|o| o.is_write()).collect();
    if writes.is_empty() {
        return Ok(if t.operations.list.is_empty() {
            Outcome::unknown(
                "the service declares no operations: pass --openapi FILE|URL or --repo PATH",
            )
        } else {
            Outcome::not_applicable("the service declares no write operations")
        });
    }
    let mut findings = Vec::new();
    let mut refused = Vec::new();
    let mut undecided = Vec::new();
    for op in writes.iter().take(MAX_OPERATIONS) {
        for (label, authorization) in VARIANTS {
            let ex = t.send(request(op, *authorization)).await?;
            let status = ex.status.as_u16();
            let line = format!("{} with {label}", ex.request_line());
            if ex.status.is_success() {
                findings.push(seen(
                    &ex,
                    format!("{line} answered {status}: the write is not protected"),
                ));
            } else if ex.status.is_server_error() {
                findings.push(seen(
                    &ex,
                    format!("{line} answered {status}: an anonymous client makes it fail"),
                ));
            } else if matches!(status, 401 | 403) {
                refused.push(seen(&ex, format!("{line} refused with {status}")));
            } else {
                undecided.push(seen(
                    &ex,
                    format!("{line} answered {status}, which says nothing about authentication"),
                ));
            }
        }
    }
    if !findings.is_empty() {
        return Ok(Outcome::Fail { findings });
    }
    if refused.is_empty() {
        return Ok(Outcome::unknown(format!(
            "no write answered 401/403 (first answer: {})",
            undecided.first().map_or("none", |f| f.message.as_str())
        )));
    }
    let mut evidence = refused;
    evidence.extend(undecided);
    if writes.len() > MAX_OPERATIONS {
        evidence.push(at_path(
            "/",
            format!(
                "{} of {} write operations were called (the first {MAX_OPERATIONS})",
                MAX_OPERATIONS,
                writes.len()
            ),
        ));
    }
    Ok(Outcome::pass_with(evidence))
}

fn request(op: &Operation, authorization: Option<&'static str>) -> Request {
    let method = Method::from_bytes(op.method.as_bytes()).unwrap_or(Method::POST);
    let mut request = Request::new(method, op.concrete_path("0"));
    if op.json_body || op.method != "DELETE" {
        request = request.body("application/json", shared::MALFORMED_JSON);
    }
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    request
}
