use crate::prelude::*;

pub struct ReadinessEndpoint;

static META: ControlMeta = ControlMeta {
    id: "HTTP002",
    slug: "readiness_endpoint",
    title: "A readiness endpoint exists, distinct from liveness",
    area: Area::Resilience,
    severity: Severity::Medium,
    remediation: "Serve a readiness endpoint (`/readyz`) separate from liveness: it answers 503 \
                  while the instance cannot serve (starting, draining, a required dependency \
                  down) so the load balancer stops sending it traffic without restarting it.",
    references: &[
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-readiness-probes",
        "https://kubernetes.io/docs/reference/using-api/health-checks/",
        "https://learn.microsoft.com/en-us/azure/architecture/patterns/health-endpoint-monitoring",
    ],
    concepts: &[
        "readiness",
        "readiness endpoint",
        "readyz",
        "ready endpoint",
        "traffic draining",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Looks for a readiness endpoint: the GET paths with `ready` in their name that the OpenAPI
document declares, then `/readyz`, `/ready`, `/readiness`, `/health/ready`,
`/health/readiness`, `/actuator/health/readiness` and `/_ready`. The first that exists (not
404/405/410, not the service's catch-all page) must answer 2xx, or 503 (not ready right now,
which is what readiness is for), on a different path than the liveness endpoint. The
response time is recorded. A 401/403 is retried with `--token` when one is given.

## Why it matters in production

Liveness answers "restart me?", readiness answers "send me traffic?". With one endpoint for
both, either a database outage restarts every pod at once (liveness checking dependencies), or
pods that cannot serve keep receiving requests (readiness not checking them). A distinct
readiness endpoint also lets an instance drain during shutdown.

## Example

Bad: only `/health` exists and the orchestrator uses it for both probes.

Good:

```text
GET /healthz → 200 {"status":"ok"}
GET /readyz  → 200 {"status":"ready","checks":{"database":"ok"}}
```

## References

- Kubernetes: define readiness probes
- Kubernetes API health endpoints (`/livez`, `/readyz`)
- Azure Architecture Center: Health Endpoint Monitoring pattern
"#,
};

impl Probe for ReadinessEndpoint {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

async fn check(t: &Target) -> ProbeResult {
    let liveness = shared::liveness(t).await?;
    let Some(ready) = shared::readiness(t).await? else {
        let beside = match &liveness {
            Some(l) => format!(" (only the liveness endpoint {} exists)", l.url.path()),
            None => String::new(),
        };
        return Ok(Outcome::Fail {
            findings: vec![at_path(
                "/",
                format!(
                    "no readiness endpoint: none of {} exists{beside}",
                    shared::READINESS_PATHS.join(", ")
                ),
            )],
        });
    };
    if let Some(unknown) = shared::needs_credentials(t, &ready) {
        return Ok(unknown);
    }
    if liveness
        .as_ref()
        .is_some_and(|l| l.url.path() == ready.url.path())
    {
        return Ok(Outcome::Fail {
            findings: vec![seen(&ready, "readiness and liveness are the same endpoint")],
        });
    }
    let status = ready.status.as_u16();
    if !(ready.status.is_success() || status == 503) {
        return Ok(Outcome::Fail {
            findings: vec![seen(
                &ready,
                format!("the readiness endpoint answered {status}, not 2xx or 503"),
            )],
        });
    }
    let state = if status == 503 {
        " (not ready now)"
    } else {
        ""
    };
    Ok(Outcome::pass_with(vec![seen(
        &ready,
        format!(
            "readiness endpoint answered {status}{state} in {}",
            shared::ms(ready.elapsed)
        ),
    )]))
}
