use super::compare::{Requested, judge, nothing_reason};
use super::health_endpoints::is_health_route;
use super::probes::Probes;
use super::served::Served;
use crate::prelude::*;

pub struct ProbesTargetRoutes;

static META: ControlMeta = ControlMeta {
    id: "CODE043",
    slug: "probes_target_routes",
    title: "Health probes target routes the service really has",
    area: Area::Resilience,
    severity: Severity::High,
    remediation: "Point each probe at a health route the service implements: change the \
                  Kubernetes `httpGet.path` of the liveness/readiness/startup probe, or the URL \
                  in the compose `healthcheck.test`, to the route (for example `/healthz` and \
                  `/readyz`), or add the route to the service. Do not rely on an SPA or proxy \
                  catch-all to answer probes.",
    references: &[
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
        "https://docs.docker.com/reference/compose-file/services/#healthcheck",
        "https://kubernetes.io/docs/reference/using-api/health-checks/",
        "https://sre.google/sre-book/load-balancing-datacenter/",
    ],
    concepts: &[
        "health endpoints",
        "readiness probe",
        "liveness probe",
        "startup probe",
        "healthcheck",
        "probe path",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every HTTP probe aimed at the service must request a path its code serves to `GET`:

- Kubernetes `livenessProbe`, `readinessProbe` and `startupProbe` `httpGet.path` (default `/`)
  of containers in plain manifests, except containers running a well-known third-party image
  (nginx, Redis, Grafana, exporters, ...);
- compose `healthcheck.test` URLs to `localhost`/`127.0.0.1` (`curl -f
  http://localhost:8000/healthz`, `wget -qO- ...`, a Python `urlopen(...)`) of services built
  from the repository (`build:`); services running only a published image are not the code here.

In a repository with several services, a target is compared with the code of the service it
deploys when the repository links the two: a compose service's `build:` context, a scrape job
whose `static_configs` targets are compose services (`users:8080`), or a container image named
like a project directory that serves routes (`ghcr.io/acme/users:2.3` and `services/users/`,
also for the `-api`/`-service` forms) or like a compose service that builds it. A probe on the
`users` Deployment that only the `orders` service answers fails. Without such a unique link,
any route in the repository counts.

Path parameters (`{id}`, `:id`) match any segment; the query string is ignored. A catch-all
route (`*`, `/{path:path}`, `/*splat`) does not count: it answers the probe whatever the
service's state. Spring Boot Actuator, when declared, serves `/actuator/health` and its
`liveness`/`readiness` groups (a custom management base path or port is not followed). Helm
templates are not rendered for this control. NotApplicable without
probes or without application code; Unknown when the code has no routes vouch recognises or a
probe path is templated.

When a path is not served but the repository also has Kotlin, Ruby, PHP or C# code (which
vouch does not read), the answer is Unknown rather than a failure.

## Why it matters in production

A liveness probe on a path the service does not have gets `404` and Kubernetes restarts the
container forever; a readiness probe on it keeps the pod out of the load balancer. A probe
answered by an SPA catch-all always gets `200`: traffic keeps flowing to an instance whose
database is gone, and a deadlocked process is never restarted.

## Example

Bad (the service serves `/healthz` and `/readyz`; the frontend fallback answers the rest):

```yaml
readinessProbe:
  httpGet:
    path: /health/ready
    port: 8000
```

Good:

```yaml
readinessProbe:
  httpGet:
    path: /readyz
    port: 8000
```

## References

- Kubernetes, Configure Liveness, Readiness and Startup Probes
- Compose file reference, `healthcheck`
- Kubernetes API health endpoints (`/livez`, `/readyz`)
- Google SRE book, "Load Balancing in the Datacenter" (health checking)
"#,
};

impl Check for ProbesTargetRoutes {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let probes = ws.cached(Probes::build);
        judge(
            ws,
            Requested {
                targets: &probes.targets,
                unreadable: &probes.unreadable,
                nothing: nothing_reason(
                    "HTTP probe or compose healthcheck URL for the service",
                    probes.helm_templates,
                ),
                noun: "probe paths",
                catch_all_effect: "so the probe succeeds whatever the service's state",
                hint: health_routes,
            },
        )
    }
}

/// The health routes the code serves.
fn health_routes(served: &Served) -> Option<String> {
    served
        .listing(|s| is_health_route(&s.pattern))
        .map(|l| format!("health routes {l}"))
}
