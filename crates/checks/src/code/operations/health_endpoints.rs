use super::paths::{Segment, segments};
use super::probes::Probes;
use super::served::{Served, ServedPath};
use super::targets::Requester;
use crate::code::support::{Sources, no_service};
use crate::prelude::*;

pub struct HealthEndpoints;

static META: ControlMeta = ControlMeta {
    id: "CODE042",
    slug: "health_endpoints",
    title: "The service has liveness and readiness endpoints",
    area: Area::Resilience,
    severity: Severity::High,
    remediation: "Serve two cheap `GET` endpoints: a liveness endpoint (`/healthz` or `/livez`) \
                  that only says the process can answer, and a readiness endpoint (`/readyz` or \
                  `/ready`) that also checks what the service needs to serve traffic (database \
                  connection, warm caches) and fails while draining on shutdown. Point the \
                  orchestrator's liveness and readiness probes at them.",
    references: &[
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
        "https://kubernetes.io/docs/reference/using-api/health-checks/",
        "https://docs.spring.io/spring-boot/reference/actuator/endpoints.html#actuator.endpoints.kubernetes-probes",
        "https://microservices.io/patterns/observability/health-check-api.html",
    ],
    concepts: &[
        "health endpoints",
        "health check",
        "liveness probe",
        "readiness probe",
        "/healthz",
        "/readyz",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The service serves both a liveness-like route and a readiness-like route to `GET`, recognised
by the last literal segment of the path:

- liveness: `healthz`, `livez`, `health`, `live`, `liveness`, `alive`, `ping`, `healthcheck`,
  `health-check`, `heartbeat` (`/healthz`, `/api/health`, `/health/live`);
- readiness: `readyz`, `ready`, `readiness` (`/readyz`, `/health/ready`,
  `/actuator/health/readiness`).

One route may serve both roles when the team decided so explicitly: the check also passes when
the Kubernetes liveness and readiness probes in the repository both target the same health
route the code serves. Catch-all routes do not count. Spring Boot Actuator, when declared,
serves `/actuator/health/liveness` and `/actuator/health/readiness` (enabled automatically on
Kubernetes) without routes in the code. It fails listing which of the two is
missing. NotApplicable when the code serves no HTTP routes.

## Why it matters in production

Liveness and readiness answer different questions. Liveness ("is the process stuck?") makes
the orchestrator restart a deadlocked instance; readiness ("can it take traffic now?") keeps
requests away while it starts, while a dependency is down, and while it drains on shutdown.
With only one endpoint, either a database blip restarts every pod at once (readiness checks in
the liveness probe) or traffic is sent to pods that cannot serve it (no readiness).

## Example

Bad:

```python
@app.get("/")
async def root():
    return {"service": "orders"}
```

Good:

```python
@app.get("/healthz")
async def healthz():
    return {"status": "ok"}

@app.get("/readyz")
async def readyz(db: AsyncSession = Depends(get_session)):
    await db.execute(text("SELECT 1"))
    return {"status": "ready"}
```

## References

- Kubernetes, Configure Liveness, Readiness and Startup Probes
- Kubernetes API health endpoints (`/livez`, `/readyz`)
- Spring Boot Actuator, Kubernetes probes
- microservices.io, Health Check API pattern
"#,
};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Liveness,
    Readiness,
}

const LIVENESS: &[&str] = &[
    "healthz",
    "livez",
    "health",
    "live",
    "liveness",
    "alive",
    "ping",
    "healthcheck",
    "health-check",
    "health_check",
    "_health",
    "heartbeat",
];
const READINESS: &[&str] = &["readyz", "ready", "readiness", "_ready"];

/// The role a route path suggests, from its last literal segment.
fn role(pattern: &str) -> Option<Role> {
    let last = segments(pattern).into_iter().rev().find_map(|s| match s {
        Segment::Literal(lit) => Some(lit.to_ascii_lowercase()),
        _ => None,
    })?;
    if READINESS.contains(&last.as_str()) {
        Some(Role::Readiness)
    } else if LIVENESS.contains(&last.as_str()) {
        Some(Role::Liveness)
    } else {
        None
    }
}

/// Whether a route path looks like a liveness or readiness endpoint.
pub fn is_health_route(pattern: &str) -> bool {
    role(pattern).is_some()
}

impl Check for HealthEndpoints {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        if let Some(na) = no_service(ws) {
            return na;
        }
        let served = Served::build(ws);
        let of_role = |r: Role| -> Vec<&ServedPath> {
            served
                .exact
                .iter()
                .filter(|s| role(&s.pattern) == Some(r))
                .collect()
        };
        let live = of_role(Role::Liveness);
        let ready = of_role(Role::Readiness);
        let mut sources = Sources::default();
        let mut at = |s: &ServedPath, message: String| {
            sources.finding(ws, &s.file, s.line, s.column, message, None)
        };
        if !live.is_empty() && !ready.is_empty() {
            let mut evidence: Vec<Finding> = live
                .iter()
                .map(|s| at(s, format!("liveness route `{}`", s.pattern)))
                .collect();
            evidence.extend(
                ready
                    .iter()
                    .map(|s| at(s, format!("readiness route `{}`", s.pattern))),
            );
            return Outcome::Pass { evidence };
        }
        let probes = ws.cached(Probes::build);
        let probed_for = |s: &ServedPath, requester: Requester| {
            probes
                .targets
                .iter()
                .any(|t| t.requester == requester && super::paths::serves(&s.pattern, &t.path))
        };
        if let Some(both) = live
            .iter()
            .chain(&ready)
            .find(|s| probed_for(s, Requester::Liveness) && probed_for(s, Requester::Readiness))
        {
            let message = format!(
                "health route `{}` serves both roles: the Kubernetes liveness and readiness \
                 probes both target it",
                both.pattern
            );
            return Outcome::Pass {
                evidence: vec![at(both, message)],
            };
        }
        let findings = match (live.first(), ready.first()) {
            (Some(l), None) => vec![at(
                l,
                format!(
                    "liveness route `{}` found, but no readiness route (such as `/readyz` or \
                     `/ready`) that fails while dependencies are down or the service drains",
                    l.pattern
                ),
            )],
            (None, Some(r)) => vec![at(
                r,
                format!(
                    "readiness route `{}` found, but no liveness route (such as `/healthz` or \
                     `/livez`)",
                    r.pattern
                ),
            )],
            _ => vec![finding_file(
                ".",
                "no liveness or readiness route (such as `/healthz`, `/livez`, `/readyz`, \
                 `/ready`) is served by the code",
            )],
        };
        Outcome::Fail { findings }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_health_roles() {
        assert_eq!(role("/healthz"), Some(Role::Liveness));
        assert_eq!(role("/api/v1/health"), Some(Role::Liveness));
        assert_eq!(role("/health/live"), Some(Role::Liveness));
        assert_eq!(role("/health/ready"), Some(Role::Readiness));
        assert_eq!(role("/actuator/health/readiness"), Some(Role::Readiness));
        assert_eq!(role("/readyz/"), Some(Role::Readiness));
        assert_eq!(role("/health/{check}"), Some(Role::Liveness));
        assert_eq!(role("/users/{id}"), None);
        assert_eq!(role("/healthy-recipes"), None);
        assert_eq!(role("/"), None);
    }
}
