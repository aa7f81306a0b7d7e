use crate::prelude::*;

pub struct PrivilegedContainer;

static META: ControlMeta = ControlMeta {
    id: "CMP008",
    slug: "no_privileged",
    title: "Compose services do not run privileged",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Remove `privileged: true` (and `cap_add: [ALL]`); grant only the capability \
                  or device the service needs (`cap_add: [NET_ADMIN]`, `devices: [...]`) and keep \
                  `cap_drop: [ALL]` as the baseline.",
    references: &[
        "https://docs.docker.com/reference/compose-file/services/#privileged",
        "https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities",
        "https://www.cisecurity.org/benchmark/docker",
        "https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html",
    ],
    concepts: &[
        "privileged container",
        "privileged mode",
        "linux capabilities",
        "least privilege",
        "container escape",
        "privileged: true",
    ],
    since: "0.1.0",
    doc: concat!(
        r#"## What it checks

No service started by `docker compose up` in a deployed project sets `privileged: true` or
adds every capability with `cap_add: [ALL]` (the same power under another name). Services
behind an inactive profile are not part of the deployment and are not checked.

"#,
        deployed_projects_note!(),
        r#"
## Why it matters in production

A privileged container has every capability, every device of the host and no seccomp or
AppArmor confinement: root in it is root on the host (mount the host disk, load kernel
modules). Any remote-code-execution bug in that service becomes a full host compromise.

## Example

Bad:

```yaml
services:
  worker:
    image: ghcr.io/acme/worker:1.5.0
    privileged: true
```

Good:

```yaml
services:
  worker:
    image: ghcr.io/acme/worker:1.5.0
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
```

## References

- Compose file reference: `privileged`
- Docker docs: runtime privilege and Linux capabilities
- CIS Docker Benchmark 5.4 "Ensure that privileged containers are not used"
- OWASP Docker Security Cheat Sheet, rule 3
"#
    ),
};

impl Check for PrivilegedContainer {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::evaluate_services(ws, None, |_, svc, v| {
            let name = &svc.name;
            if let Some(p) = svc.get("privileged") {
                if p.scalar().is_some_and(|s| s.value.has_unresolved()) {
                    v.unknown(format!(
                        "{}:{}: `privileged` of `{name}` comes from an unset variable",
                        p.pos.path(),
                        p.pos.line
                    ));
                } else if p.as_bool() == Some(true) {
                    v.fail(p.pos.finding(format!("service `{name}` runs privileged")));
                }
            }
            for cap in svc.get("cap_add").map(|c| c.items()).unwrap_or(&[]) {
                let text = cap.text().unwrap_or("").trim().to_ascii_uppercase();
                if text == "ALL" || text == "CAP_ALL" {
                    v.fail(cap.pos.finding(format!(
                        "service `{name}` adds every Linux capability (`cap_add: ALL`)"
                    )));
                }
            }
        })
    }
}
