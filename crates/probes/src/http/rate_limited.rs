use crate::prelude::*;
use std::time::Instant;

pub struct RateLimited;

static META: ControlMeta = ControlMeta {
    id: "HTTP017",
    slug: "rate_limited",
    title: "A burst of requests from one client is rate limited",
    area: Area::Resilience,
    severity: Severity::Medium,
    remediation: "Limit requests per client (API key, user or IP) at the gateway or in the \
                  service, and answer the excess with 429 Too Many Requests plus \
                  `Retry-After` (or the `RateLimit` headers) so well-behaved clients back off: \
                  nginx `limit_req` with `limit_req_status 429`, Envoy local rate limit, \
                  express-rate-limit, tower-governor, Spring Cloud Gateway RequestRateLimiter.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
        "https://www.rfc-editor.org/rfc/rfc6585.html#section-4",
        "https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/",
        "https://nginx.org/en/docs/http/ngx_http_limit_req_module.html",
    ],
    concepts: &[
        "rate limit",
        "rate limiting",
        "throttling",
        "429",
        "too many requests",
        "abuse protection",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Sends a bounded burst of 200 anonymous `GET` requests (fewer when less of `--max-requests`
is left; at least 50) to one cheap endpoint: the first parameter-free `GET` operation the
service declares that is not a health, metrics or API-description path, else `/`. Requests
go one at a time, at most `--rate` per second (default 20/s, so the burst takes about 10 s);
raise `--rate` to observe a higher limit. The burst stops at the first 429 or 503.

It passes when the service answers 429 with `Retry-After` or `RateLimit`/`X-RateLimit-*`
headers. It fails when every request is served (the evidence counts the 2xx answers), when
the 429 carries no back-off header, or when the service throttles with 503. The probe runs
after every other probe, alone, so the limit it trips does not skew their verdicts.

## Why it matters in production

Without a per-client limit one client (a scraper, a retry loop, a credential-stuffing
script) takes capacity from everyone, and expensive endpoints become a cheap denial of
service. A 429 with `Retry-After` tells well-behaved clients when to come back instead of
retrying at once.

## Example

Bad:

```text
200 × GET /api/items at 20/s → 200 answered 2xx, none 429
```

Good:

```text
GET /api/items (request 101) → 429 application/problem+json, Retry-After: 7
```

## References

- OWASP API Security Top 10 (2023) API4: Unrestricted Resource Consumption
- RFC 6585 §4: 429 Too Many Requests
- IETF draft: RateLimit header fields for HTTP
- nginx `limit_req`
"#,
};

impl Probe for RateLimited {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
    fn exclusive(&self) -> bool {
        true
    }
}

/// Requests in the burst: enough to cross common per-client limits (100/min, 10/s), bounded.
pub const BURST: u32 = 200;
/// A smaller burst says little: below this the probe answers Unknown.
const MIN_BURST: u32 = 50;

const BACKOFF_HEADERS: &[&str] = &[
    "retry-after",
    "ratelimit",
    "ratelimit-policy",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
];

async fn check(t: &Target) -> ProbeResult {
    let left = t.budget().max().saturating_sub(t.budget().used());
    let burst = BURST.min(left);
    if burst < MIN_BURST {
        return Ok(Outcome::unknown(format!(
            "only {left} requests of --max-requests are left; the burst needs at least {MIN_BURST}"
        )));
    }
    let path = cheap_path(t);
    let started = Instant::now();
    let mut success = 0u32;
    let mut other = 0u32;
    for n in 1..=burst {
        let ex = t.send(Request::get(path.clone())).await?;
        match ex.status.as_u16() {
            429 => return Ok(judge_limited(&ex, n, success)),
            503 => {
                return Ok(Outcome::Fail {
                    findings: vec![seen(
                        &ex,
                        format!(
                            "request {n} of the burst was throttled with 503 instead of 429 \
                             ({success} answered 2xx before)"
                        ),
                    )],
                });
            }
            _ if ex.status.is_success() => success += 1,
            _ => other += 1,
        }
    }
    let secs = started.elapsed().as_secs_f64().max(0.001);
    let mut message = format!(
        "{burst} requests to GET {path} in {secs:.1} s ({:.0}/s): {success} answered 2xx, none 429",
        f64::from(burst) / secs
    );
    if other > 0 {
        message.push_str(&format!(" ({other} answered another status)"));
    }
    Ok(Outcome::Fail {
        findings: vec![at_path(&path, message)],
    })
}

fn judge_limited(ex: &Exchange, n: u32, success: u32) -> Outcome {
    let backoff: Vec<String> = BACKOFF_HEADERS
        .iter()
        .filter_map(|h| ex.header(h).map(|v| format!("{h}: {v}")))
        .collect();
    if backoff.is_empty() {
        return Outcome::Fail {
            findings: vec![seen(
                ex,
                format!(
                    "request {n} got 429 without Retry-After or RateLimit headers: clients \
                     cannot tell when to retry"
                ),
            )],
        };
    }
    Outcome::pass_with(vec![seen(
        ex,
        format!(
            "request {n} got 429 after {success} served, with {}",
            backoff.join(", ")
        ),
    )])
}

/// A parameter-free GET the service declares (not health, metrics or its API description),
/// else `/`.
fn cheap_path(t: &Target) -> String {
    const SKIP: &[&str] = &[
        "health", "live", "ready", "ping", "metrics", "openapi", "swagger", "api-docs",
    ];
    t.operations
        .iter()
        .filter(|o| o.method == "GET" && !o.has_params())
        .find(|o| {
            let path = o.path.to_ascii_lowercase();
            !SKIP.iter().any(|s| path.contains(s))
        })
        .map_or_else(|| "/".to_string(), |o| o.path.clone())
}
