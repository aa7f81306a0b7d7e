use crate::prelude::*;
use crate::target::{RequestError, Streamed, Upload, format_size};

pub struct BodySizeLimited;

static META: ControlMeta = ControlMeta {
    id: "HTTP027",
    slug: "body_size_limited",
    title: "Oversized request bodies are refused with 413 before they are read",
    area: Area::Resilience,
    severity: Severity::Medium,
    remediation: "Cap request bodies where they enter and answer 413 Content Too Large as soon \
                  as the declared length (or the bytes read) passes the cap: nginx \
                  `client_max_body_size 1m;`, axum `DefaultBodyLimit::max`, Express \
                  `express.json({ limit: '1mb' })`, Go `http.MaxBytesReader`, Spring \
                  `spring.servlet.multipart.max-request-size` / `server.tomcat.max-swallow-size`. \
                  Use a larger cap only on the routes that take uploads.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
        "https://www.rfc-editor.org/rfc/rfc9110.html#name-413-content-too-large",
        "https://nginx.org/en/docs/http/ngx_http_core_module.html#client_max_body_size",
        "https://cwe.mitre.org/data/definitions/770.html",
    ],
    concepts: &[
        "body size limit",
        "request size limit",
        "413",
        "payload too large",
        "content too large",
        "max body size",
        "upload limit",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Streams one oversized request body (default 10 MiB, `--max-body`) to the first operation that
takes a JSON body (POST first, from the OpenAPI document or `--repo` routes; `POST /` when none
is known), with the `--token` credentials when given so authentication does not answer first.
The body is a valid JSON document, `{"name":"aaaa…"}`, with its `Content-Length` declared, so
a service without a limit parses and accepts it. It is generated as it is sent (never held in
memory) and counts as one request of `--max-requests`. As soon as the response headers arrive
the probe sends nothing more, then closes the connection; the evidence says how many bytes
went out before the answer. The connection is read while the body is written, so an answer
that arrives just before the service resets the connection (servers that close without
reading the rest of the body do) still counts.

- Pass: 413 at any point; or 400, 401, 403, 411 or 431 answered before the whole body was
  sent (the service refused it without reading it all).
- Fail: a 2xx after the whole body was sent (the oversized body was accepted), or any 5xx.
- Unknown: another 4xx after the whole body was sent (a 422 or 401 after reading 10 MiB says
  the body was read, but the refusal is not a size limit; with no `--token` a 401 is
  expected); 404, 405 or a 2xx before the body was sent (the endpoint ignores bodies: name one
  with `--openapi`); a connection closed without an answer or a timeout.

The whole upload must finish within `--timeout`; on a slow uplink raise it (10 MiB at
10 Mbit/s takes 8 s). Bytes "sent" are bytes handed to the connection: the operating system buffers up to a few
MiB, so a small `--max-body` can be "sent" in full before the service reads any of it.

## Why it matters in production

A service that reads whatever it is sent can be made to buffer, parse and store arbitrary
amounts of data: a few concurrent multi-megabyte requests exhaust memory or disk, and JSON
parsers spend CPU on every byte. Refusing with 413 on the declared length costs nothing and
tells honest clients what the limit is.

## Example

Bad:

```text
POST /api/items with a 10 MiB JSON body → 201 after all 10 MiB were sent
```

Good:

```text
POST /api/items with a 10 MiB JSON body → 413 after 1.1 MiB of 10 MiB were sent
```

## References

- OWASP API Security Top 10 (2023) API4: Unrestricted Resource Consumption
- RFC 9110 §15.5.14: 413 Content Too Large
- nginx `client_max_body_size`
- CWE-770: Allocation of Resources Without Limits or Throttling
"#,
};

impl Probe for BodySizeLimited {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

/// Statuses that refuse a body without reading it, when they come before its end.
const EARLY_REFUSALS: &[u16] = &[400, 401, 403, 411, 431];

async fn check(t: &Target) -> ProbeResult {
    let (method, path) = match shared::json_write(t) {
        Some(op) => (
            Method::from_bytes(op.method.as_bytes()).unwrap_or(Method::POST),
            op.concrete_path("1"),
        ),
        None => (Method::POST, "/".to_string()),
    };
    let what = format!(
        "{method} {path} with a {} JSON body",
        format_size(t.max_body())
    );
    let request = Request::new(method, path.clone()).with_credentials();
    let streamed = t
        .send_upload(request, Upload::json_string("name", t.max_body()))
        .await?;
    judge(t, &path, &what, streamed)
}

fn judge(t: &Target, path: &str, what: &str, streamed: Streamed) -> ProbeResult {
    let whole = streamed.whole_body_sent();
    let progress = if whole {
        format!("after all {} were sent", format_size(streamed.total))
    } else {
        format!(
            "after {} of {} were sent",
            format_size(streamed.sent),
            format_size(streamed.total)
        )
    };
    let ex = match streamed.answer {
        Ok(ex) => ex,
        Err(RequestError::Failed { reason, .. }) => {
            return Ok(Outcome::unknown(format!(
                "{what}: the connection ended without an HTTP answer {progress} ({reason}); a \
                 limit should answer 413"
            )));
        }
        Err(other) => return Err(other),
    };
    let status = ex.status.as_u16();
    let evidence = |verdict: String| {
        Finding::new(Location::file(path), format!("{what}: {verdict}"))
            .with_snippet(crate::evidence::summary(&ex))
    };
    if status == 413 || (!whole && EARLY_REFUSALS.contains(&status)) {
        return Ok(Outcome::pass_with(vec![evidence(format!(
            "refused with {status} {progress}"
        ))]));
    }
    if ex.status.is_server_error() {
        return Ok(Outcome::Fail {
            findings: vec![evidence(format!(
                "answered {status} {progress}: the service fails instead of refusing with 413"
            ))],
        });
    }
    if ex.status.is_success() && whole {
        return Ok(Outcome::Fail {
            findings: vec![evidence(format!(
                "accepted with {status} {progress}: no body-size limit below {}",
                format_size(streamed.total)
            ))],
        });
    }
    let why = if !whole && (ex.status.is_success() || matches!(status, 404 | 405)) {
        "the endpoint does not read request bodies; name one that does with --openapi".to_string()
    } else if matches!(status, 401 | 403) && !t.has_token() {
        "authentication answered; pass --token so the body reaches the service".to_string()
    } else {
        "the body was read, but the refusal is not a size limit".to_string()
    };
    Ok(Outcome::unknown(format!(
        "{what}: answered {status} {progress} ({why})"
    )))
}
