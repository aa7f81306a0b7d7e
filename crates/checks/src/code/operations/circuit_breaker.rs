use super::verdicts::presence_when;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct CircuitBreaker;

static META: ControlMeta = ControlMeta {
    id: "CODE024",
    slug: "circuit_breaker",
    title: "External providers are called through a circuit breaker",
    area: Area::Resilience,
    severity: Severity::Low,
    remediation: "Wrap calls to external providers in a circuit breaker that fails fast while the \
                  provider is down: `pybreaker`/`aiobreaker`, `opossum` (Node), \
                  `sony/gobreaker` or `failsafe-go`, `failsafe`/`recloser` crates, Resilience4j \
                  `CircuitBreaker` or Spring Cloud Circuit Breaker. A service mesh policy (Istio \
                  outlier detection) is an alternative; record it next to the service.",
    references: &[
        "https://martinfowler.com/bliki/CircuitBreaker.html",
        "https://learn.microsoft.com/en-us/azure/architecture/patterns/circuit-breaker",
        "https://resilience4j.readme.io/docs/circuitbreaker",
        "https://sre.google/sre-book/addressing-cascading-failures/",
    ],
    concepts: &[
        "circuit breaker",
        "fail fast",
        "bulkhead",
        "fault isolation",
        "dependency failure handling",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

When the code makes outbound HTTP calls, a circuit breaker is wired in somewhere (pybreaker,
aiobreaker, opossum, gobreaker, failsafe-go, Resilience4j, Spring Cloud Circuit Breaker, ...),
or the code calls a breaker of its own: a call through something it names a breaker
(`rates_breaker.allow()`, `statusBreaker.Done(err)`, `breaker_failure(..)`) counts, while
`tieBreaker` and `line_breaker` do not. NotApplicable when the code makes no outbound HTTP
calls. Breakers configured outside the code (a service mesh) are not visible here.

## Why it matters in production

When a provider is down, every call to it waits for its timeout and then fails, holding a worker
the whole time; retries multiply that. A circuit breaker notices the failure rate, opens, and
fails calls immediately (or serves a fallback) until the provider recovers, so the rest of the
service keeps its capacity and the provider is not hammered while it restarts.

## Example

Bad:

```js
export async function chargeCard(payload) {
  return axios.post(`${PSP_URL}/charges`, payload, { timeout: 5000 });
}
```

Good:

```js
const breaker = new CircuitBreaker(
  (payload) => axios.post(`${PSP_URL}/charges`, payload, { timeout: 5000 }),
  { errorThresholdPercentage: 50, resetTimeout: 30000 },
);
export const chargeCard = (payload) => breaker.fire(payload);
```

## References

- Martin Fowler, "CircuitBreaker"
- Azure Architecture Center, Circuit Breaker pattern
- Resilience4j CircuitBreaker
- Google SRE book, "Addressing Cascading Failures"
"#,
};

impl Check for CircuitBreaker {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        presence_when(
            ws,
            |kind| matches!(kind, FactKind::HttpClientCall { .. }),
            "the code makes no outbound HTTP calls",
            |kind| matches!(kind, FactKind::HasCircuitBreaker),
            |calls| {
                format!(
                    "{calls} outbound HTTP call(s) and no circuit breaker wired anywhere in the code"
                )
            },
        )
    }
}
