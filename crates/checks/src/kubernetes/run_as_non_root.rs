use super::scan::each_container;
use super::security::{Setting, anchor, effective_setting};
use super::workloads::ContainerRole;
use crate::prelude::*;

pub struct RunsAsRoot;

static META: ControlMeta = ControlMeta {
    id: "K8S005",
    slug: "run_as_non_root",
    title: "Pods run as a non-root user",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Set `securityContext.runAsNonRoot: true` and a non-zero `runAsUser` (for example \
                  10001) in the pod spec, and build the image with a matching `USER`.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
        "https://www.cisecurity.org/benchmark/kubernetes",
        "https://cheatsheetseries.owasp.org/cheatsheets/Kubernetes_Security_Cheat_Sheet.html",
    ],
    concepts: &[
        "non-root",
        "runAsNonRoot",
        "run as non-root user",
        "least privilege container",
        "pod security standards",
        "security context",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every container (init containers included) runs as a non-root user: its effective
`securityContext` — the container's, falling back to the pod's — sets `runAsNonRoot: true` or a
non-zero `runAsUser`. A container that sets `runAsUser: 0` or `runAsNonRoot: false` fails even
when the pod sets the opposite. Helm values are read from values.yaml; templated values are
Unknown.

## Why it matters in production

Root in a container is root on the node's kernel: a code-execution bug gets the filesystem, the
service-account token and a far better position for a container escape. `runAsNonRoot` makes the
kubelet refuse to start an image that would run as UID 0, so a base-image change cannot silently
bring root back. The Pod Security Standards' *restricted* profile requires it.

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
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
  containers:
    - name: api
      image: ghcr.io/acme/api:1.4.2
```

## References

- Kubernetes Pod Security Standards (restricted)
- Kubernetes: Configure a Security Context for a Pod or Container
- CIS Kubernetes Benchmark 5.2 (minimise containers running as root)
- OWASP Kubernetes Security Cheat Sheet
"#,
};

impl Check for RunsAsRoot {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        each_container(
            ws,
            |_, c| c.role != ContainerRole::Ephemeral,
            |w, c, v| {
                let obj = w.obj;
                let who = format!("{} of {}", c.label(), obj.display());
                let user = effective_setting(w, c, "runAsUser");
                let non_root = effective_setting(w, c, "runAsNonRoot");
                if let Setting::Value(n) = user {
                    match n.as_i64() {
                        Some(0) => {
                            v.fail(obj.finding(n, format!("{who} runs as UID 0 (root)")));
                            return;
                        }
                        Some(_) => {
                            v.pass(obj.finding(
                                n,
                                format!("{who} runs as UID {}", n.as_str().unwrap_or("")),
                            ));
                            return;
                        }
                        _ => {}
                    }
                }
                match (non_root, user) {
                    (Setting::Value(n), _) if n.as_bool() == Some(true) => {
                        v.pass(obj.finding(n, format!("{who} sets runAsNonRoot: true")));
                    }
                    (Setting::Value(n), _) if n.as_bool() == Some(false) => {
                        v.fail(obj.finding(n, format!("{who} sets runAsNonRoot: false")));
                    }
                    (Setting::Unknown(r), _) | (_, Setting::Unknown(r)) => v.unknown(r),
                    _ => v.fail(obj.finding(
                        anchor(obj, c),
                        format!("{who} sets neither runAsNonRoot: true nor a non-zero runAsUser (pod or container)"),
                    )),
                }
            },
        )
    }
}
