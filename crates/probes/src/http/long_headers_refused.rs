use crate::http::oversize::{self, Sent};
use crate::prelude::*;
use reqwest::header::{HeaderName, HeaderValue};

pub struct LongHeadersRefused;

static META: ControlMeta = ControlMeta {
    id: "HTTP028",
    slug: "long_headers_refused",
    title: "Oversized request headers are refused with 431 or 400",
    area: Area::Resilience,
    severity: Severity::Low,
    remediation: "Bound the header block at the edge and answer 431 Request Header Fields Too \
                  Large (or 400): nginx `large_client_header_buffers 4 8k` (the default), \
                  Node `--max-http-header-size` (16 KiB default), Go `http.Server{MaxHeaderBytes: \
                  16 << 10}`, Tomcat `maxHttpHeaderSize`, hyper `max_buf_size`. Make sure no \
                  handler or middleware turns a large header into a 500.",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc6585.html#section-5",
        "https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
        "https://nginx.org/en/docs/http/ngx_http_core_module.html#large_client_header_buffers",
        "https://cwe.mitre.org/data/definitions/770.html",
    ],
    concepts: &[
        "header size limit",
        "431",
        "request header fields too large",
        "max header size",
        "large headers",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Sends `GET /` with one extra header, `X-Vouch-Padding`, whose value is 64 KiB long (far above
the 8–16 KiB most servers and proxies allow, far below what would strain anything). It passes
when the service refuses it: 400, 413, 414, 431 or 494, or another 4xx that differs from what
`GET /` answers without the header (a WAF's 403). It fails on a 5xx, and when the request is
served like any other (the same status as `GET /`, or a 2xx/3xx). A connection closed without
an HTTP answer is Unknown: a limit should answer, but nothing proves the header was read. A
429 is Unknown too (the rate limit answered, not the size limit).

## Why it matters in production

Every byte of header is parsed, buffered per connection and often logged and forwarded
upstream. Without a bound, a few clients with megabyte headers hold memory on every hop; with
a bound that crashes instead of refusing (a 500), they also fill error logs and alerts. A 431
is cheap, tells honest clients what went wrong (an oversized cookie) and keeps proxies and
services in agreement about what is valid.

## Example

Bad:

```text
GET / with a 64 KiB X-Vouch-Padding header → 500 text/plain: header buffer overflow
```

Good:

```text
GET / with a 64 KiB X-Vouch-Padding header → 431 application/problem+json
```

## References

- RFC 6585 §5: 431 Request Header Fields Too Large
- OWASP API Security Top 10 (2023) API4: Unrestricted Resource Consumption
- nginx `large_client_header_buffers`
- CWE-770: Allocation of Resources Without Limits or Throttling
"#,
};

impl Probe for LongHeadersRefused {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

/// The padding header's value length: 64 KiB.
pub const HEADER_BYTES: usize = 64 * 1024;

async fn check(t: &Target) -> ProbeResult {
    let padding = HeaderValue::try_from("a".repeat(HEADER_BYTES))
        .map_err(|e| crate::RequestError::Invalid(e.to_string()))?;
    let mut request = Request::get("/");
    request
        .headers
        .push((HeaderName::from_static("x-vouch-padding"), padding));
    let sent = Sent {
        description: "GET / with a 64 KiB X-Vouch-Padding header",
        expected: "431 or 400",
    };
    let answer = t.send(request).await;
    oversize::judge(t, &sent, answer).await
}
