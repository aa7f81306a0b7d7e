use super::verdicts::flagged_facts;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct HttpClientTimeouts;

static META: ControlMeta = ControlMeta {
    id: "CODE022",
    slug: "http_client_timeouts",
    title: "Outbound HTTP calls have timeouts",
    area: Area::Resilience,
    severity: Severity::High,
    remediation: "Give every outbound call a timeout, on the call or on the client it uses: \
                  `requests.get(url, timeout=5)`, `httpx.Client(timeout=5)`, Go \
                  `&http.Client{Timeout: 5 * time.Second}` (never `http.Get` on the default client), \
                  `fetch(url, { signal: AbortSignal.timeout(5000) })`, `axios.create({ timeout: 5000 })`, \
                  reqwest `Client::builder().timeout(...)`, Java `HttpClient.newBuilder().connectTimeout(...)` \
                  with `HttpRequest.timeout(...)`.",
    references: &[
        "https://requests.readthedocs.io/en/latest/user/advanced/#timeouts",
        "https://pkg.go.dev/net/http#Client",
        "https://developer.mozilla.org/en-US/docs/Web/API/AbortSignal/timeout_static",
        "https://sre.google/sre-book/addressing-cascading-failures/",
    ],
    concepts: &[
        "timeouts",
        "HTTP client timeout",
        "outbound request timeout",
        "request deadline",
        "connect timeout",
        "read timeout",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every outbound HTTP call the code makes has a timeout, set on the call itself or on the client
or session it goes through. Python `requests` calls without `timeout=`, Go `http.Client{}` without
`Timeout` and `http.Get` on the default client, JavaScript `fetch` without an abort signal and
axios without `timeout` fail, each at its line. NotApplicable when the code makes no outbound
HTTP calls.

## Why it matters in production

Most HTTP clients wait forever by default. When a dependency hangs (a half-open connection, an
overloaded provider), every request that calls it hangs too, workers and connections pile up,
and the outage spreads to a service that was healthy. A timeout turns a hung dependency into a
fast, handled error.

## Example

Bad:

```python
resp = requests.get(f"{PAYMENTS_URL}/charges/{charge_id}")
```

Good:

```python
resp = requests.get(f"{PAYMENTS_URL}/charges/{charge_id}", timeout=(3.05, 10))
```

## References

- Requests documentation, "Timeouts"
- Go `net/http.Client` (`Timeout`)
- MDN `AbortSignal.timeout()`
- Google SRE book, "Addressing Cascading Failures"
"#,
};

impl Check for HttpClientTimeouts {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        flagged_facts(
            ws,
            |kind| match kind {
                FactKind::HttpClientCall { timeout } => Some(*timeout),
                _ => None,
            },
            "the code makes no outbound HTTP calls",
            |detail| format!("outbound HTTP call without a timeout: {detail}"),
        )
    }
}
