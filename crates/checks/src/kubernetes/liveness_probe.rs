use super::objects::Field;
use super::scan::{Which, each_workload};
use crate::prelude::*;

pub struct MissingLivenessProbe;

static META: ControlMeta = ControlMeta {
    id: "K8S002",
    slug: "liveness_probe",
    title: "Long-running containers have a liveness probe",
    area: Area::Resilience,
    severity: Severity::Medium,
    remediation: "Add a `livenessProbe` to the application container: an `httpGet` on a cheap \
                  endpoint that fails only when the process is wedged (for example `/healthz`), or \
                  an `exec` command that checks the worker's heartbeat. Give slow starters a \
                  `startupProbe` rather than a long `initialDelaySeconds`.",
    references: &[
        "https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/",
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
        "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-probes",
    ],
    concepts: &[
        "liveness probe",
        "healthcheck",
        "health check",
        "self-healing",
        "automatic restart",
        "deadlock detection",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every long-running workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Argo Rollout, and
Pods that restart) gives its application container a `livenessProbe`. Jobs and CronJobs run to
completion and are not judged; neither are well-known helper sidecars (service-mesh proxies,
log shippers, Cloud SQL proxies) nor init containers. The application containers are those that
declare ports, or else every non-helper container. In a Helm chart the probe is read from
values.yaml; where templating hides it the answer is Unknown.

## Why it matters in production

A process can stay alive while doing nothing useful: a deadlock, an exhausted connection pool,
an event loop stuck on a blocking call. Without a liveness probe Kubernetes only restarts a
container whose process exits, so a wedged replica keeps its place (and, with no readiness
probe either, keeps receiving traffic) until a human notices.

## Example

Bad:

```yaml
containers:
  - name: worker
    image: ghcr.io/acme/worker:1.4.2
    args: ["consume", "--queue", "orders"]
```

Good:

```yaml
containers:
  - name: worker
    image: ghcr.io/acme/worker:1.4.2
    args: ["consume", "--queue", "orders"]
    livenessProbe:
      exec:
        command: ["/app/worker", "healthcheck", "--max-age=60s"]
      periodSeconds: 20
```

## References

- Kubernetes: Liveness, Readiness, and Startup Probes
- Kubernetes: Configure Liveness, Readiness and Startup Probes
- Kubernetes: Pod Lifecycle, container probes
"#,
};

impl Check for MissingLivenessProbe {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        each_workload(
            ws,
            Which::LongRunning,
            |w, v| {
                let obj = w.obj;
                for c in w.primary_containers() {
                    match obj.field(c.node, "livenessProbe") {
                        Field::Present(p) => v.pass(obj.finding(
                            p,
                            format!("{} of {} has a liveness probe", c.label(), obj.display()),
                        )),
                        Field::Unknown(at) => {
                            v.unknown(obj.unknown_reason(at, "the liveness probe"))
                        }
                        Field::Absent => v.fail(obj.finding(
                            c.node,
                            format!("{} of {} has no livenessProbe", c.label(), obj.display()),
                        )),
                    }
                }
                if let Some(at) = w.unknown_containers {
                    v.unknown(obj.unknown_reason(at, "part of the container list"));
                }
            },
            "no long-running Kubernetes workload in the repository (Jobs and CronJobs need no probes)",
        )
    }
}
