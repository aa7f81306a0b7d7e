use crate::prelude::*;

pub struct MissingRestartPolicy;

static META: ControlMeta = ControlMeta {
    id: "CMP004",
    slug: "restart_policy",
    title: "Long-running compose services have a restart policy",
    area: Area::Resilience,
    severity: Severity::Medium,
    remediation: "Set `restart: unless-stopped` (or `always`, or `on-failure`) on every \
                  long-running service, or `deploy.restart_policy.condition: any|on-failure` for \
                  Swarm; keep `restart: \"no\"` for one-shot jobs only.",
    references: &[
        "https://docs.docker.com/reference/compose-file/services/#restart",
        "https://docs.docker.com/reference/compose-file/deploy/#restart_policy",
        "https://docs.docker.com/engine/containers/start-containers-automatically/",
    ],
    concepts: &[
        "restart policy",
        "automatic restart",
        "self-healing",
        "crash recovery",
        "restart: unless-stopped",
    ],
    since: "0.1.0",
    doc: concat!(
        r#"## What it checks

Every long-running service that `docker compose up` starts in a deployed project must have
`restart: always`, `unless-stopped` or `on-failure[:N]`, or a
`deploy.restart_policy.condition` of `any` or `on-failure`. A missing policy (compose's
default is `"no"`) and an explicit `restart: "no"` fail. One-shot jobs (migrations awaited with
`service_completed_successfully`, `restart: "no"` tasks such as `migrate`) and inactive
profiles are exempt.

"#,
        deployed_projects_note!(),
        r#"
## Why it matters in production

Without a restart policy a container that crashes once (an out-of-memory kill, a lost
database connection at start-up) stays down, and so does everything on the host after a
reboot or a Docker daemon upgrade. The outage lasts until a human notices.

## Example

Bad:

```yaml
services:
  worker:
    image: ghcr.io/acme/worker:1.5.0
```

Good:

```yaml
services:
  worker:
    image: ghcr.io/acme/worker:1.5.0
    restart: unless-stopped
```

## References

- Compose file reference: `restart` and `deploy.restart_policy`
- Docker docs: start containers automatically
"#
    ),
};

impl Check for MissingRestartPolicy {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::evaluate_services(ws, None, |project, svc, v| {
            if project.is_one_shot(svc) {
                return;
            }
            let name = &svc.name;
            let node = svc
                .get("restart")
                .or_else(|| svc.body.path(&["deploy", "restart_policy", "condition"]))
                .filter(|n| !n.is_null());
            let Some(node) = node else {
                v.fail(svc.at.finding(format!(
                    "service `{name}` has no restart policy: it stays down after a crash or a \
                     reboot"
                )));
                return;
            };
            let Some(value) = node.text().map(|t| t.trim().to_ascii_lowercase()) else {
                return;
            };
            let scalar = node.scalar();
            if scalar.is_some_and(|s| s.value.has_unresolved()) {
                v.unknown(format!(
                    "{}:{}: the restart policy of `{name}` comes from an unset variable",
                    node.pos.path(),
                    node.pos.line
                ));
                return;
            }
            if is_restarting(&value) {
                v.pass(
                    node.pos
                        .finding(format!("service `{name}` restarts: `{value}`")),
                );
            } else {
                v.fail(
                    node.pos
                        .finding(format!("service `{name}` is never restarted (`{value}`)")),
                );
            }
        })
    }
}

fn is_restarting(value: &str) -> bool {
    matches!(value, "always" | "unless-stopped" | "any" | "on-failure")
        || value.starts_with("on-failure:")
}
