use super::verdicts::presence_when;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct RetryWithBackoff;

static META: ControlMeta = ControlMeta {
    id: "CODE023",
    slug: "retry_with_backoff",
    title: "Outbound calls are retried with backoff",
    area: Area::Resilience,
    severity: Severity::Medium,
    remediation: "Retry idempotent outbound calls a bounded number of times with exponential \
                  backoff and jitter: `tenacity` (`@retry(wait=wait_exponential_jitter(), \
                  stop=stop_after_attempt(3))`), `backoff`, urllib3 `Retry(backoff_factor=...)` on \
                  a `requests` adapter, `axios-retry`/`p-retry`, `cenkalti/backoff` or \
                  `hashicorp/go-retryablehttp`, `backoff`/`tokio-retry` crates, Resilience4j \
                  `Retry` or Spring Retry `@Retryable(backoff = @Backoff(...))`.",
    references: &[
        "https://sre.google/sre-book/addressing-cascading-failures/",
        "https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/",
        "https://tenacity.readthedocs.io/en/latest/",
        "https://resilience4j.readme.io/docs/retry",
    ],
    concepts: &[
        "retries with backoff",
        "exponential backoff",
        "jitter",
        "retry policy",
        "transient failure handling",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

When the code makes outbound HTTP calls, a retry-with-backoff mechanism is wired in somewhere:
a retry decorator or policy (tenacity, backoff, urllib3 `Retry`, axios-retry, p-retry,
go-retryablehttp, cenkalti/backoff, tokio-retry, Resilience4j, Spring Retry). NotApplicable when
the code makes no outbound HTTP calls. The control does not prove every call is wrapped; it
fails when nothing retries at all.

## Why it matters in production

Networks drop packets, load balancers reset connections, providers return `503` during a
deploy. Without retries every such blip becomes a user-facing error. Retries without backoff are
worse: they multiply load on a struggling dependency exactly when it needs less. Bounded
retries with exponential backoff and jitter absorb transient faults without a retry storm.

## Example

Bad:

```python
def fetch_rates():
    return httpx.get(RATES_URL, timeout=5).json()
```

Good:

```python
@retry(wait=wait_exponential_jitter(initial=0.2, max=5), stop=stop_after_attempt(4),
       retry=retry_if_exception_type(httpx.TransportError))
def fetch_rates():
    return httpx.get(RATES_URL, timeout=5).json()
```

## References

- Google SRE book, "Addressing Cascading Failures" (retries)
- AWS Builders' Library, "Timeouts, retries, and backoff with jitter"
- tenacity documentation
- Resilience4j Retry
"#,
};

impl Check for RetryWithBackoff {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        presence_when(
            ws,
            |kind| matches!(kind, FactKind::HttpClientCall { .. }),
            "the code makes no outbound HTTP calls",
            |kind| matches!(kind, FactKind::HasRetryBackoff),
            |calls| {
                format!(
                    "{calls} outbound HTTP call(s) and no retry with backoff wired anywhere in the code"
                )
            },
        )
    }
}
