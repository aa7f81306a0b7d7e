use super::scan::each_container;
use super::security::{Setting, anchor, container_setting};
use super::workloads::ContainerRole;
use crate::prelude::*;

pub struct PrivilegeEscalationAllowed;

static META: ControlMeta = ControlMeta {
    id: "K8S006",
    slug: "no_privilege_escalation",
    title: "Containers forbid privilege escalation",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Set `securityContext.allowPrivilegeEscalation: false` on every container (and do \
                  not run it `privileged`).",
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
        "https://www.cisecurity.org/benchmark/kubernetes",
    ],
    concepts: &[
        "privilege escalation",
        "allowPrivilegeEscalation",
        "no_new_privs",
        "setuid",
        "security context",
        "pod security standards",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every container and init container sets `securityContext.allowPrivilegeEscalation: false`
(the field exists only at container level). A privileged container always escalates and fails.
Helm values are read from values.yaml; templated values are Unknown.

## Why it matters in production

With privilege escalation allowed (the default), a process can gain more privileges than its
parent through setuid binaries such as `su`, `sudo` or `ping`, or through file capabilities.
Setting it to false turns on the kernel's `no_new_privs`, so a compromised process stays the
unprivileged user it started as. The *restricted* Pod Security Standard requires it.

## Example

Bad:

```yaml
containers:
  - name: api
    image: ghcr.io/acme/api:1.4.2
    securityContext:
      runAsNonRoot: true
```

Good:

```yaml
containers:
  - name: api
    image: ghcr.io/acme/api:1.4.2
    securityContext:
      runAsNonRoot: true
      allowPrivilegeEscalation: false
```

## References

- Kubernetes Pod Security Standards (restricted: privilege escalation)
- Kubernetes: Configure a Security Context
- CIS Kubernetes Benchmark 5.2.5
"#,
};

impl Check for PrivilegeEscalationAllowed {
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
                if let Setting::Value(p) = container_setting(obj, c, "privileged")
                    && p.as_bool() == Some(true)
                {
                    v.fail(
                        obj.finding(p, format!("{who} is privileged, so it can always escalate")),
                    );
                    return;
                }
                match container_setting(obj, c, "allowPrivilegeEscalation") {
                    Setting::Value(n) if n.as_bool() == Some(false) => v.pass(
                        obj.finding(n, format!("{who} sets allowPrivilegeEscalation: false")),
                    ),
                    Setting::Value(n) => {
                        v.fail(obj.finding(n, format!("{who} allows privilege escalation")))
                    }
                    Setting::Unknown(r) => v.unknown(r),
                    Setting::Absent => v.fail(obj.finding(
                        anchor(obj, c),
                        format!("{who} does not set allowPrivilegeEscalation: false"),
                    )),
                }
            },
        )
    }
}
