use super::objects::{Field, Text};
use super::scan::each_container;
use super::security::anchor;
use super::workloads::ContainerRole;
use crate::prelude::*;

pub struct CapabilitiesNotDropped;

static META: ControlMeta = ControlMeta {
    id: "K8S008",
    slug: "drop_capabilities",
    title: "Containers drop all Linux capabilities",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Set `securityContext.capabilities.drop: [\"ALL\"]` on every container and add back \
                  only `NET_BIND_SERVICE` if the process binds a port below 1024.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container",
        "https://man7.org/linux/man-pages/man7/capabilities.7.html",
    ],
    concepts: &[
        "linux capabilities",
        "drop capabilities",
        "drop ALL",
        "least privilege container",
        "security context",
        "pod security standards",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every container and init container sets `securityContext.capabilities.drop` to include `ALL`,
and adds back nothing but `NET_BIND_SERVICE` (what the *restricted* Pod Security Standard
allows). Helm values are read from values.yaml; templated values are Unknown.

## Why it matters in production

Container runtimes grant a default set of capabilities — `CHOWN`, `DAC_OVERRIDE`, `FOWNER`,
`NET_RAW`, `SETUID`, `SETGID` and more — that an application almost never needs and an attacker
can use: `NET_RAW` allows ARP and DNS spoofing inside the cluster network, `DAC_OVERRIDE` reads
files regardless of permissions. Dropping all of them shrinks what a compromised process can do.
Adding `SYS_ADMIN`, `NET_ADMIN` or `ALL` back hands out near-root power.

## Example

Bad:

```yaml
securityContext:
  capabilities:
    add: ["NET_ADMIN"]
```

Good:

```yaml
securityContext:
  capabilities:
    drop: ["ALL"]
```

## References

- Kubernetes Pod Security Standards (restricted: capabilities)
- Kubernetes: Set capabilities for a Container
- capabilities(7)
"#,
};

impl Check for CapabilitiesNotDropped {
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
                let caps = match obj.field_path(c.node, &["securityContext", "capabilities"]) {
                    Field::Present(n) => Some(n),
                    Field::Absent => None,
                    Field::Unknown(at) => {
                        v.unknown(obj.unknown_reason(at, "the capabilities"));
                        return;
                    }
                };
                let list = |key: &str| -> Result<Vec<(&Node, String)>, String> {
                    let Some(caps) = caps else {
                        return Ok(Vec::new());
                    };
                    match obj.field(caps, key) {
                        Field::Present(l) => l
                            .items()
                            .iter()
                            .map(|n| match obj.text(n) {
                                Text::Known(s) => {
                                    Ok((n, s.trim_start_matches("CAP_").to_ascii_uppercase()))
                                }
                                _ => Err(obj.unknown_reason(n, "a capability")),
                            })
                            .collect(),
                        Field::Absent => Ok(Vec::new()),
                        Field::Unknown(at) => Err(obj.unknown_reason(at, "the capabilities")),
                    }
                };
                let (drop, add) = match (list("drop"), list("add")) {
                    (Ok(d), Ok(a)) => (d, a),
                    (Err(r), _) | (_, Err(r)) => {
                        v.unknown(r);
                        return;
                    }
                };
                let mut bad = false;
                for (n, cap) in add.iter().filter(|(_, c)| c != "NET_BIND_SERVICE") {
                    bad = true;
                    v.fail(obj.finding(n, format!("{who} adds capability {cap}")));
                }
                match drop.iter().find(|(_, c)| c == "ALL") {
                    Some((n, _)) if !bad => {
                        v.pass(obj.finding(n, format!("{who} drops all capabilities")))
                    }
                    Some(_) => {}
                    None => v.fail(
                        obj.finding(
                            caps.and(c.node.get("securityContext"))
                                .and_then(|sc| obj.place(sc, "capabilities"))
                                .unwrap_or_else(|| anchor(obj, c)),
                            format!("{who} does not drop ALL capabilities"),
                        ),
                    ),
                }
            },
        )
    }
}
