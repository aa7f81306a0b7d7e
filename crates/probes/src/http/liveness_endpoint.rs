use crate::prelude::*;
use std::time::Duration;

pub struct LivenessEndpoint;

/// Slower than this fails: the kubelet's default probe timeout is one second.
const LIMIT: Duration = Duration::from_secs(1);
/// Timed requests; the median decides, so one network hiccup does not fail the control.
const SAMPLES: usize = 3;

static META: ControlMeta = ControlMeta {
    id: "HTTP001",
    slug: "liveness_endpoint",
    title: "A liveness endpoint answers 200 quickly",
    area: Area::Resilience,
    severity: Severity::High,
    remediation: "Serve a cheap liveness endpoint (`/healthz` or `/livez`) that answers 200 \
                  without touching dependencies, and point the orchestrator's liveness probe at \
                  it.",
    references: &[
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
        "https://kubernetes.io/docs/reference/using-api/health-checks/",
        "https://microservices.io/patterns/observability/health-check-api.html",
    ],
    concepts: &[
        "liveness",
        "liveness probe",
        "health check",
        "health endpoint",
        "healthz",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Looks for a liveness endpoint: the health-like GET paths the OpenAPI document declares, then
`/healthz`, `/livez`, `/health`, `/health/live`, `/health/liveness`,
`/actuator/health/liveness`, `/actuator/health`, `/ping`, `/_health` and `/status`. The first
one that exists (not 404/405/410, and not the page the service answers for any path) must
answer 200 three times with a median response time under one second. The response times are
recorded in the evidence. A 401/403 is retried with `--token` when one is given.

## Why it matters in production

The orchestrator restarts a process whose liveness probe fails; without an endpoint it can
only see that the process exists, not that it serves. A liveness endpoint slower than the
probe's timeout (one second by default in Kubernetes) gets healthy pods restarted under load,
turning a slowdown into an outage.

## Example

Bad: every candidate path answers 404, or `/healthz` takes two seconds because it queries
the database.

Good:

```text
GET /healthz → 200 application/json: {"status":"ok"}   (3 ms)
```

## References

- Kubernetes: configure liveness, readiness and startup probes
- Kubernetes API health endpoints (`/livez`, `/readyz`)
- microservices.io: Health Check API pattern
"#,
};

impl Probe for LivenessEndpoint {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

async fn check(t: &Target) -> ProbeResult {
    let Some(first) = shared::liveness(t).await? else {
        return Ok(Outcome::Fail {
            findings: vec![at_path(
                "/",
                format!(
                    "no liveness endpoint: none of {} exists",
                    shared::LIVENESS_PATHS.join(", ")
                ),
            )],
        });
    };
    if let Some(unknown) = shared::needs_credentials(t, &first) {
        return Ok(unknown);
    }
    if !first.status.is_success() {
        return Ok(Outcome::Fail {
            findings: vec![seen(
                &first,
                format!(
                    "the liveness endpoint answered {}, not 200",
                    first.status.as_u16()
                ),
            )],
        });
    }
    let path = t.relative_path(&first.url);
    let mut times = vec![first.elapsed];
    for _ in 1..SAMPLES {
        let ex = t.send_past_auth(Request::get(path.as_str())).await?;
        if !ex.status.is_success() {
            return Ok(Outcome::Fail {
                findings: vec![seen(
                    &ex,
                    format!(
                        "the liveness endpoint answered {} on a repeated request",
                        ex.status.as_u16()
                    ),
                )],
            });
        }
        times.push(ex.elapsed);
    }
    times.sort();
    let median = times[times.len() / 2];
    let listed: Vec<String> = times.iter().map(|d| shared::ms(*d)).collect();
    if median > LIMIT {
        return Ok(Outcome::Fail {
            findings: vec![seen(
                &first,
                format!(
                    "the liveness endpoint is slow: median {} over {SAMPLES} requests ({}), limit {}",
                    shared::ms(median),
                    listed.join(", "),
                    shared::ms(LIMIT)
                ),
            )],
        });
    }
    Ok(Outcome::pass_with(vec![seen(
        &first,
        format!(
            "liveness endpoint answered 200, median {} over {SAMPLES} requests ({})",
            shared::ms(median),
            listed.join(", ")
        ),
    )]))
}
