use super::tree::CNode;
use crate::prelude::*;

pub struct UnconditionalDependsOn;

static META: ControlMeta = ControlMeta {
    id: "CMP003",
    slug: "depends_on_condition",
    title: "Service dependencies wait for health, not just for start",
    area: Area::Resilience,
    severity: Severity::Low,
    remediation: "Use the long form of `depends_on` with a condition: \
                  `depends_on: { db: { condition: service_healthy } }` (the dependency needs a \
                  healthcheck), or `condition: service_completed_successfully` for a one-shot \
                  job such as migrations.",
    references: &[
        "https://docs.docker.com/compose/how-tos/startup-order/",
        "https://docs.docker.com/reference/compose-file/services/#depends_on",
    ],
    concepts: &[
        "depends_on",
        "startup order",
        "service_healthy",
        "wait for dependencies",
        "readiness",
    ],
    since: "0.1.0",
    doc: concat!(
        r#"## What it checks

Every `depends_on` entry of a service started by `docker compose up` in a deployed project
must carry `condition: service_healthy` or `condition: service_completed_successfully`.
The short list form (`depends_on: [db]`) and `condition: service_started` only wait for the
dependency's container to be created, so they fail. Not applicable when no service declares
dependencies.

"#,
        deployed_projects_note!(),
        r#"
## Why it matters in production

"Started" is not "ready": PostgreSQL needs seconds to accept connections, Elasticsearch
tens of seconds. An application that starts first crashes on its first query or, worse,
caches a broken connection pool. Waiting for health (or for migrations to complete) makes
every start and every `docker compose up -d` after a reboot deterministic.

## Example

Bad:

```yaml
services:
  web:
    image: ghcr.io/acme/web:1.5.0
    depends_on: [db, redis]
```

Good:

```yaml
services:
  web:
    image: ghcr.io/acme/web:1.5.0
    depends_on:
      db:
        condition: service_healthy
      migrate:
        condition: service_completed_successfully
```

## References

- Docker docs: control startup and shutdown order in Compose
- Compose file reference: `depends_on`
"#
    ),
};

impl Check for UnconditionalDependsOn {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::evaluate_services(ws, Some("no service declares depends_on"), |_, svc, v| {
            let Some(deps) = svc.get("depends_on") else {
                return;
            };
            for dep in deps.entries() {
                let (name, target) = (&svc.name, &dep.key);
                let condition = dep.value.get("condition");
                match condition.and_then(CNode::text) {
                    Some("service_healthy" | "service_completed_successfully") => v.pass(
                        dep.at
                            .finding(format!("`{name}` waits for `{target}` with a condition")),
                    ),
                    Some(other) => v.fail(condition.map_or(&dep.at, |c| &c.pos).finding(format!(
                        "`{name}` depends on `{target}` with `condition: {other}`, \
                                 which does not wait for it to be ready"
                    ))),
                    None => v.fail(dep.at.finding(format!(
                        "`{name}` depends on `{target}` without a condition: compose only \
                             waits for the container to start"
                    ))),
                }
            }
        })
    }
}
