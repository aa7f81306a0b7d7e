use super::scan::each_container;
use super::security::{Setting, anchor, container_setting};
use super::workloads::ContainerRole;
use crate::prelude::*;

pub struct WritableRootFilesystem;

static META: ControlMeta = ControlMeta {
    id: "K8S007",
    slug: "read_only_root_filesystem",
    title: "Containers have a read-only root filesystem",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Set `securityContext.readOnlyRootFilesystem: true` and mount an `emptyDir` volume \
                  wherever the application must write (for example `/tmp` or a cache directory).",
    references: &[
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
        "https://www.cisecurity.org/benchmark/kubernetes",
        "https://cheatsheetseries.owasp.org/cheatsheets/Kubernetes_Security_Cheat_Sheet.html",
    ],
    concepts: &[
        "read-only filesystem",
        "readOnlyRootFilesystem",
        "immutable container",
        "security context",
        "container hardening",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every container and init container sets `securityContext.readOnlyRootFilesystem: true`.
Helm values are read from values.yaml; templated values are Unknown.

## Why it matters in production

A writable root filesystem lets an attacker who gets code execution drop tools, modify the
application's files or plant persistence that survives until the pod is replaced. A read-only
root makes the running container match its image; the few paths that must be writable become
explicit `emptyDir` mounts, which also keeps pods from filling the node's disk through their
writable layer.

## Example

Bad:

```yaml
containers:
  - name: api
    image: ghcr.io/acme/api:1.4.2
```

Good:

```yaml
containers:
  - name: api
    image: ghcr.io/acme/api:1.4.2
    securityContext:
      readOnlyRootFilesystem: true
    volumeMounts:
      - { name: tmp, mountPath: /tmp }
volumes:
  - { name: tmp, emptyDir: {} }
```

## References

- Kubernetes: Configure a Security Context
- CIS Kubernetes Benchmark (immutable containers)
- OWASP Kubernetes Security Cheat Sheet
"#,
};

impl Check for WritableRootFilesystem {
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
                match container_setting(obj, c, "readOnlyRootFilesystem") {
                    Setting::Value(n) if n.as_bool() == Some(true) => {
                        v.pass(obj.finding(n, format!("{who} has a read-only root filesystem")))
                    }
                    Setting::Value(n) => {
                        v.fail(obj.finding(n, format!("{who} has a writable root filesystem")))
                    }
                    Setting::Unknown(r) => v.unknown(r),
                    Setting::Absent => v.fail(obj.finding(
                        anchor(obj, c),
                        format!("{who} does not set readOnlyRootFilesystem: true"),
                    )),
                }
            },
        )
    }
}
