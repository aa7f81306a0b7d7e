use super::objects::{Field, Text};
use super::scan::{NO_WORKLOADS, Which, each_workload};
use super::security::{Setting, container_setting};
use crate::prelude::*;

pub struct HostNamespacesOrPrivileged;

static META: ControlMeta = ControlMeta {
    id: "K8S009",
    slug: "host_namespaces_privileged",
    title: "Pods share no host namespace and run nothing privileged",
    area: Area::Security,
    severity: Severity::Critical,
    remediation: "Remove `hostNetwork`, `hostPID` and `hostIPC` from the pod spec and \
                  `privileged: true` from containers; grant the one capability a container \
                  really needs instead. Node agents that truly need host access belong in a \
                  dedicated, audited namespace (and a vouch suppression with the reason).",
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://www.cisecurity.org/benchmark/kubernetes",
        "https://cheatsheetseries.owasp.org/cheatsheets/Kubernetes_Security_Cheat_Sheet.html",
    ],
    concepts: &[
        "privileged container",
        "host network",
        "hostNetwork",
        "hostPID",
        "host namespaces",
        "container isolation",
        "pod security standards",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

No pod sets `hostNetwork: true`, `hostPID: true` or `hostIPC: true`, and no container (init and
ephemeral containers included) sets `securityContext.privileged: true`. Helm values are read
from values.yaml; templated values are Unknown.

## Why it matters in production

These settings remove the isolation between the container and the node. A privileged container
can load kernel modules and mount the host's disks — it *is* the node. `hostPID` lets it see and
signal every process on the node (and read their environment, secrets included); `hostNetwork`
lets it bind node ports and sniff node traffic, bypassing NetworkPolicies; `hostIPC` exposes
shared memory of other workloads. Even the *baseline* Pod Security Standard forbids them.

## Example

Bad:

```yaml
spec:
  hostNetwork: true
  containers:
    - name: agent
      securityContext:
        privileged: true
```

Good:

```yaml
spec:
  containers:
    - name: agent
      securityContext:
        capabilities:
          drop: ["ALL"]
```

## References

- Kubernetes Pod Security Standards (baseline: host namespaces, privileged containers)
- CIS Kubernetes Benchmark 5.2.1–5.2.4
- OWASP Kubernetes Security Cheat Sheet
"#,
};

const HOST_FIELDS: [&str; 3] = ["hostNetwork", "hostPID", "hostIPC"];

impl Check for HostNamespacesOrPrivileged {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        each_workload(
            ws,
            Which::All,
            |w, v| {
                let obj = w.obj;
                let mut clean = true;
                for key in HOST_FIELDS {
                    match obj.field(w.pod_spec, key) {
                        Field::Present(n) => match obj.text(n) {
                            Text::Known(_) if n.as_bool() == Some(true) => {
                                clean = false;
                                v.fail(
                                    obj.finding(n, format!("{} sets {key}: true", obj.display())),
                                );
                            }
                            Text::Known(_) => {}
                            _ => {
                                clean = false;
                                v.unknown(obj.unknown_reason(n, &format!("`{key}`")));
                            }
                        },
                        Field::Absent => {}
                        Field::Unknown(at) => {
                            clean = false;
                            v.unknown(obj.unknown_reason(at, &format!("`{key}`")));
                        }
                    }
                }
                for c in &w.containers {
                    match container_setting(obj, c, "privileged") {
                        Setting::Value(n) if n.as_bool() == Some(true) => {
                            clean = false;
                            v.fail(obj.finding(
                                n,
                                format!("{} of {} runs privileged", c.label(), obj.display()),
                            ));
                        }
                        Setting::Unknown(r) => {
                            clean = false;
                            v.unknown(r);
                        }
                        _ => {}
                    }
                }
                if let Some(at) = w.unknown_containers {
                    clean = false;
                    v.unknown(obj.unknown_reason(at, "part of the container list"));
                }
                if clean {
                    v.pass(obj.finding_here(format!(
                        "{} shares no host namespace and runs no privileged container",
                        obj.display()
                    )));
                }
            },
            NO_WORKLOADS,
        )
    }
}
