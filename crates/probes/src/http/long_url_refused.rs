use crate::http::oversize::{self, Sent};
use crate::prelude::*;

pub struct LongUrlRefused;

static META: ControlMeta = ControlMeta {
    id: "HTTP029",
    slug: "long_url_refused",
    title: "Overlong URLs are refused with 414 or 400",
    area: Area::Resilience,
    severity: Severity::Low,
    remediation: "Bound the request line at the edge and answer 414 URI Too Long (or 400): \
                  nginx `large_client_header_buffers 4 8k` (the default), Apache \
                  `LimitRequestLine`, Node `--max-http-header-size`, Go `MaxHeaderBytes`, \
                  Tomcat `maxHttpHeaderSize`. Make sure no router, logger or handler turns a \
                  long URL into a 500.",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc9110.html#name-414-uri-too-long",
        "https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
        "https://httpd.apache.org/docs/2.4/mod/core.html#limitrequestline",
        "https://cwe.mitre.org/data/definitions/770.html",
    ],
    concepts: &[
        "url length limit",
        "414",
        "uri too long",
        "request line limit",
        "long urls",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Sends `GET /?vouch-padding=aaaa…` with a request target of 32 KiB (four times the 8 KiB most
servers and proxies allow, half of what HTTP libraries can represent). It passes when the
service refuses it: 400, 413, 414, 431 or 494, or another 4xx that differs from what `GET /`
answers without the query (a WAF's 403). It fails on a 5xx, and when the request is served
like any other (the same status as `GET /`, or a 2xx/3xx). A connection closed without an
HTTP answer is Unknown; so is a 429 (the rate limit answered, not the URL limit).

## Why it matters in production

Long URLs are parsed, routed, logged and forwarded on every hop; query strings end up in
access logs, traces and caches keys. Unbounded, they cost memory and storage per request and
make log pipelines the weak point; a limit that crashes (500) instead of refusing adds noise
to alerts. A 414 is cheap and tells the client to send the data in a body instead.

## Example

Bad:

```text
GET /?vouch-padding=<32 KiB> → 200 text/html
```

Good:

```text
GET /?vouch-padding=<32 KiB> → 414 text/html: 414 Request-URI Too Large
```

## References

- RFC 9110 §15.5.15: 414 URI Too Long
- OWASP API Security Top 10 (2023) API4: Unrestricted Resource Consumption
- Apache `LimitRequestLine`
- CWE-770: Allocation of Resources Without Limits or Throttling
"#,
};

impl Probe for LongUrlRefused {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

/// Length of the request target (`/?vouch-padding=…`): 32 KiB.
pub const URL_BYTES: usize = 32 * 1024;

async fn check(t: &Target) -> ProbeResult {
    const QUERY: &str = "/?vouch-padding=";
    let padding = "a".repeat(URL_BYTES - QUERY.len());
    let sent = Sent {
        description: "GET /?vouch-padding=<32 KiB>",
        expected: "414 or 400",
    };
    let answer = t.send(Request::get(format!("{QUERY}{padding}"))).await;
    oversize::judge(t, &sent, answer).await
}
