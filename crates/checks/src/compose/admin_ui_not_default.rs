use super::images::{ImageRef, admin_ui_of};
use crate::prelude::*;

pub struct AdminUiByDefault;

static META: ControlMeta = ControlMeta {
    id: "CMP007",
    slug: "admin_ui_not_default",
    title: "Database admin UIs are not part of the default deployment",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Move the admin UI behind a profile (`profiles: [\"debug\"]`, started only with \
                  `docker compose --profile debug up`) or into an explicit development file \
                  (`docker-compose.dev.yml`); when it must run, bind it to 127.0.0.1 and put it \
                  behind authentication.",
    references: &[
        "https://docs.docker.com/compose/how-tos/profiles/",
        "https://owasp.org/Top10/A05_2021-Security_Misconfiguration/",
        "https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html",
    ],
    concepts: &[
        "admin interface",
        "admin ui exposed",
        "database console",
        "attack surface",
        "mongo-express",
        "pgadmin",
    ],
    since: "0.1.0",
    doc: concat!(
        r#"## What it checks

No service started by a plain `docker compose up` in a deployed project runs a database or
infrastructure admin UI: mongo-express, Adminer, pgAdmin, phpMyAdmin, Redis Commander,
RedisInsight, phpRedisAdmin, Kafka UI, Kafdrop, AKHQ, pgweb, CloudBeaver, SQLPad, Cerebro,
Elasticvue, Portainer, Dockge (recognised by image name).

Decision: a profile-gated admin UI (`profiles: ["debug"]`) and one in an explicit development
file (`docker-compose.dev.yml`, `compose.local.yaml`) pass. One in
`docker-compose.override.yml` fails: `docker compose up` merges the override automatically,
so on a server it is deployed unless the operator remembers `-f`. (When the directory has a
production file such as `docker-compose.prod.yml`, or its `.env` sets `COMPOSE_FILE`, that is
the deployment and the override is treated as the developers' setup.) A profile enabled by
`COMPOSE_PROFILES` in the project's `.env` counts as default.

"#,
        deployed_projects_note!(),
        r#"
## Why it matters in production

Admin UIs hand full read and write access to the data to whoever reaches their port, often
with default or no credentials (mongo-express shipped with `admin:pass`), and they are a
favourite target of internet-wide scans. They are debugging tools; a deployment does not need
them running.

## Example

Bad:

```yaml
services:
  mongo-express:
    image: mongo-express:1.0.2
    ports: ["8081:8081"]
```

Good:

```yaml
services:
  mongo-express:
    image: mongo-express:1.0.2
    profiles: ["debug"]
    ports: ["127.0.0.1:8081:8081"]
```

## References

- Docker docs: using profiles with Compose
- OWASP Top 10 A05: Security Misconfiguration
- OWASP Docker Security Cheat Sheet
"#
    ),
};

impl Check for AdminUiByDefault {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::evaluate(ws, None, |project, v| {
            for svc in &project.services {
                let Some(image) = svc.image() else {
                    continue;
                };
                let Some(ui) = admin_ui_of(&ImageRef::parse(image.text().unwrap_or(""))) else {
                    continue;
                };
                let name = &svc.name;
                if svc.default {
                    let why = if svc.entry("profiles").is_some() {
                        " (its profile is enabled by COMPOSE_PROFILES in `.env`)"
                    } else {
                        ""
                    };
                    v.fail(image.pos.finding(format!(
                        "service `{name}` runs {ui} in the default deployment{why}"
                    )));
                } else {
                    let at = svc.entry("profiles").map_or(&svc.at, |e| &e.at);
                    v.pass(at.finding(format!("{ui} (`{name}`) only starts with its profile")));
                }
            }
        })
    }
}
