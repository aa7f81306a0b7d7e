use super::objects::{Field, Text};
use super::scan::{Which, each_workload};
use crate::prelude::*;

pub struct NoGracefulTermination;

static META: ControlMeta = ControlMeta {
    id: "K8S018",
    slug: "graceful_termination",
    title: "Long-running pods shut down gracefully",
    area: Area::Resilience,
    severity: Severity::Low,
    remediation: "Give the application container a `lifecycle.preStop` hook (for example a short \
                  sleep so endpoints are removed before SIGTERM) and set \
                  `terminationGracePeriodSeconds` to the time the process needs to drain \
                  in-flight requests and jobs.",
    references: &[
        "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination",
        "https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/",
        "https://learnk8s.io/graceful-shutdown",
    ],
    concepts: &[
        "graceful shutdown",
        "graceful termination",
        "preStop hook",
        "SIGTERM handling",
        "connection draining",
        "terminationGracePeriodSeconds",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every long-running workload (not Jobs or CronJobs) plans its shutdown: the pod sets
`terminationGracePeriodSeconds` to a positive value, or its application container has a
`lifecycle.preStop` hook. `terminationGracePeriodSeconds: 0` fails: it kills the process
without a chance to finish. Helm-templated values are Unknown.

## Why it matters in production

On every rollout, scale-down and node drain, Kubernetes sends SIGTERM and removes the pod from
Service endpoints *at the same time*. Load balancers keep sending requests for a few seconds; a
process that exits at once drops them, and one that needs longer than the default 30 seconds to
finish its work is killed mid-way. A preStop pause and a grace period sized for the workload
make deploys invisible to users.

## Example

Bad:

```yaml
spec:
  containers:
    - name: api
      image: ghcr.io/acme/api:1.4.2
```

Good:

```yaml
spec:
  terminationGracePeriodSeconds: 45
  containers:
    - name: api
      image: ghcr.io/acme/api:1.4.2
      lifecycle:
        preStop:
          exec: { command: ["sh", "-c", "sleep 10"] }
```

## References

- Kubernetes: Pod Lifecycle, termination of Pods
- Kubernetes: Container Lifecycle Hooks
- learnk8s: Graceful shutdown in Kubernetes
"#,
};

impl Check for NoGracefulTermination {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        each_workload(
            ws,
            Which::LongRunning,
            |w, v| {
                let obj = w.obj;
                match obj.field(w.pod_spec, "terminationGracePeriodSeconds") {
                    Field::Present(n) => match (obj.text(n), n.as_i64()) {
                        (Text::Known(_), Some(0)) => {
                            v.fail(obj.finding(
                                n,
                                format!("{} sets terminationGracePeriodSeconds: 0, killing pods without a shutdown", obj.display()),
                            ));
                            return;
                        }
                        (Text::Known(_), Some(s)) => {
                            v.pass(obj.finding(
                                n,
                                format!("{} allows {s}s for a graceful shutdown", obj.display()),
                            ));
                            return;
                        }
                        _ => {}
                    },
                    Field::Unknown(_) | Field::Absent => {}
                }
                let mut unknown = match obj.field(w.pod_spec, "terminationGracePeriodSeconds") {
                    Field::Unknown(at) => {
                        Some(obj.unknown_reason(at, "terminationGracePeriodSeconds"))
                    }
                    Field::Present(n) if obj.text(n) == Text::Unknown => {
                        Some(obj.unknown_reason(n, "terminationGracePeriodSeconds"))
                    }
                    _ => None,
                };
                for c in w.primary_containers() {
                    match obj.field_path(c.node, &["lifecycle", "preStop"]) {
                        Field::Present(n) => {
                            v.pass(obj.finding(
                                n,
                                format!("{} of {} has a preStop hook", c.label(), obj.display()),
                            ));
                            return;
                        }
                        Field::Unknown(at) => {
                            unknown = Some(obj.unknown_reason(at, "the preStop hook"))
                        }
                        Field::Absent => {}
                    }
                }
                match unknown {
                    Some(r) => v.unknown(r),
                    None => v.fail(obj.finding_here(format!(
                        "{} has neither a preStop hook nor terminationGracePeriodSeconds",
                        obj.display()
                    ))),
                }
            },
            "no long-running Kubernetes workload in the repository",
        )
    }
}
