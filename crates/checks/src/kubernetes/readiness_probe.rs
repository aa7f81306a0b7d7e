use super::model::K8sModel;
use super::objects::Field;
use super::relations::services_selecting;
use super::scan::{Which, each_workload};
use super::selectors::Match;
use super::workloads::{Container, Workload};
use crate::prelude::*;

pub struct MissingReadinessProbe;

static META: ControlMeta = ControlMeta {
    id: "K8S003",
    slug: "readiness_probe",
    title: "Containers that serve traffic have a readiness probe",
    area: Area::Resilience,
    severity: Severity::Medium,
    remediation: "Add a `readinessProbe` to the container that serves requests: an `httpGet` on an \
                  endpoint that answers 200 only when the instance can do useful work (connected \
                  to its database, caches warm), for example `/readyz`.",
    references: &[
        "https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/",
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-update-deployment",
        "https://learnk8s.io/production-best-practices",
    ],
    concepts: &[
        "readiness probe",
        "readiness check",
        "healthcheck",
        "zero-downtime deployment",
        "traffic only to healthy instances",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every long-running workload that serves traffic gives its application container a
`readinessProbe`. A workload serves traffic when a Service in the repository selects its pods
(matched by label selector), or when its application container declares a port other than a
metrics or admin port. Queue workers without a Service or ports are not judged, nor are Jobs,
CronJobs and well-known helper sidecars. In a Helm chart the probe is read from values.yaml;
where templating hides it the answer is Unknown.

## Why it matters in production

Kubernetes sends a pod traffic as soon as its containers start unless a readiness probe says
otherwise. During every rollout, scale-up and restart, requests then reach instances that are
still connecting to their database or loading caches, and a replica that loses a dependency
keeps receiving requests it can only fail. The rolling update also counts unready pods as
available, so a broken release replaces healthy pods.

## Example

Bad:

```yaml
containers:
  - name: api
    image: ghcr.io/acme/api:1.4.2
    ports: [{ name: http, containerPort: 8080 }]
```

Good:

```yaml
containers:
  - name: api
    image: ghcr.io/acme/api:1.4.2
    ports: [{ name: http, containerPort: 8080 }]
    readinessProbe:
      httpGet: { path: /readyz, port: http }
      periodSeconds: 5
```

## References

- Kubernetes: Liveness, Readiness, and Startup Probes
- Kubernetes: Deployments, rolling update
"#,
};

/// Port names that carry telemetry or administration, not user traffic.
const SIDE_PORTS: [&str; 6] = ["metrics", "prometheus", "admin", "health", "debug", "pprof"];

impl Check for MissingReadinessProbe {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let model = K8sModel::get(ws);
        each_workload(
            ws,
            Which::LongRunning,
            |w, v| {
                let obj = w.obj;
                let selected = services_selecting(&model, w);
                for c in w.primary_containers() {
                    let serves = match &selected {
                        Match::Yes => Some(true),
                        _ if serves_ports(&c) => Some(true),
                        Match::Unknown(_) => None,
                        Match::No => Some(false),
                    };
                    if serves == Some(false) {
                        continue;
                    }
                    match obj.field(c.node, "readinessProbe") {
                        Field::Present(p) => v.pass(obj.finding(
                            p,
                            format!("{} of {} has a readiness probe", c.label(), obj.display()),
                        )),
                        Field::Unknown(at) => {
                            v.unknown(obj.unknown_reason(at, "the readiness probe"))
                        }
                        Field::Absent if serves.is_none() => {
                            if let Match::Unknown(at) = &selected {
                                v.unknown(format!(
                                    "{at}: vouch cannot tell whether a Service sends traffic to {}",
                                    obj.display()
                                ));
                            }
                        }
                        Field::Absent => v.fail(obj.finding(
                            c.node,
                            format!(
                                "{} of {} serves traffic but has no readinessProbe",
                                c.label(),
                                obj.display()
                            ),
                        )),
                    }
                }
                note_templated_containers(w, v);
            },
            "no long-running Kubernetes workload that serves traffic in the repository",
        )
    }
}

fn note_templated_containers(w: &Workload<'_>, v: &mut super::verdict::Verdict) {
    if let Some(at) = w.unknown_containers {
        v.unknown(w.obj.unknown_reason(at, "part of the container list"));
    }
}

/// Declares a port that is not only for metrics or administration.
fn serves_ports(c: &Container<'_>) -> bool {
    c.node.get("ports").is_some_and(|ports| {
        ports.items().iter().any(|p| {
            let name = p
                .get("name")
                .and_then(Node::as_str)
                .unwrap_or("")
                .to_ascii_lowercase();
            !SIDE_PORTS.iter().any(|s| name.contains(s))
        })
    })
}
