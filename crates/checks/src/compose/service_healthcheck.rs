use super::model::{Service, resolve_path};
use super::tree::CNode;
use crate::prelude::*;

pub struct MissingHealthcheck;

static META: ControlMeta = ControlMeta {
    id: "CMP002",
    slug: "service_healthcheck",
    title: "Every long-running compose service has a healthcheck",
    area: Area::Resilience,
    severity: Severity::Medium,
    remediation: "Add a `healthcheck:` with a `test` that proves the service works (for example \
                  `test: [\"CMD\", \"pg_isready\", \"-U\", \"app\"]` or \
                  `test: [\"CMD-SHELL\", \"curl -fsS http://localhost:8000/healthz || exit 1\"]`), \
                  with `interval`, `timeout`, `retries` and `start_period`; or a `HEALTHCHECK` in \
                  the service's Dockerfile.",
    references: &[
        "https://docs.docker.com/reference/compose-file/services/#healthcheck",
        "https://docs.docker.com/reference/dockerfile/#healthcheck",
        "https://docs.docker.com/compose/how-tos/startup-order/",
    ],
    concepts: &[
        "healthcheck",
        "health check",
        "container health",
        "liveness",
        "self-healing",
    ],
    since: "0.1.0",
    doc: concat!(
        r#"## What it checks

Every service that `docker compose up` starts in a deployed compose project (base file plus
`docker-compose.override.yml`, or a production overlay) must define a `healthcheck` with a
`test`, or be built from a Dockerfile in the repository whose final stage has a
`HEALTHCHECK`. `healthcheck: disable: true` and `test: ["NONE"]` fail.

Exempt: one-shot jobs (a migration that other services wait for with
`condition: service_completed_successfully`, or a `restart: "no"` task such as `migrate` or
`createbuckets`) and services behind a `profiles:` entry that is not active.

A `HEALTHCHECK` baked into a third-party image cannot be seen from the repository: such
services fail unless the compose file states the healthcheck (which also documents it). A
`healthcheck:` that sets only timings relies on the image's test and is reported as unknown.

"#,
        deployed_projects_note!(),
        r#"
## Why it matters in production

Without a healthcheck Docker only knows whether the process exists, not whether it serves:
a deadlocked web server or a database still replaying its WAL looks "Up". Dependants start
too early (`depends_on` cannot wait for `service_healthy`), orchestrators and load balancers
cannot route around a sick container, and `docker ps` hides the outage.

## Example

Bad:

```yaml
services:
  db:
    image: postgres:16.3
```

Good:

```yaml
services:
  db:
    image: postgres:16.3
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U $${POSTGRES_USER}"]
      interval: 10s
      timeout: 5s
      retries: 5
```

## References

- Compose file reference: `healthcheck`
- Dockerfile reference: `HEALTHCHECK`
- Docker docs: control startup order
"#
    ),
};

impl Check for MissingHealthcheck {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::evaluate_services(ws, None, |project, svc, v| {
            if project.is_one_shot(svc) {
                return;
            }
            let name = &svc.name;
            let Some(hc) = svc.entry("healthcheck") else {
                match dockerfile_healthcheck(ws, svc) {
                    Some(found) => v.pass(found),
                    None => v.fail(svc.at.finding(format!(
                        "service `{name}` has no healthcheck (and no HEALTHCHECK in a Dockerfile \
                         built here)"
                    ))),
                }
                return;
            };
            if let Some(disable) = hc.value.entry("disable")
                && disable.value.as_bool() == Some(true)
            {
                v.fail(
                    disable
                        .at
                        .finding(format!("service `{name}` disables its healthcheck")),
                );
                return;
            }
            match hc.value.get("test") {
                Some(test) if is_none_test(test) => v.fail(test.pos.finding(format!(
                    "service `{name}` turns its healthcheck off with `NONE`"
                ))),
                Some(test) if !test.is_null() => {
                    v.pass(hc.at.finding(format!("service `{name}` has a healthcheck")))
                }
                _ => match dockerfile_healthcheck(ws, svc) {
                    Some(found) => v.pass(found),
                    None => v.unknown(format!(
                        "{}:{}: `{name}` sets healthcheck options but its test comes from the \
                         image, which cannot be seen",
                        hc.at.path(),
                        hc.at.line
                    )),
                },
            }
        })
    }
}

fn is_none_test(test: &CNode) -> bool {
    let first = test
        .strings()
        .first()
        .map(|s| s.trim().to_ascii_uppercase());
    first.as_deref() == Some("NONE")
}

/// Evidence of a `HEALTHCHECK` in the final stage of the Dockerfile the service builds from.
fn dockerfile_healthcheck(ws: &Workspace, svc: &Service) -> Option<Finding> {
    let path = built_dockerfile(svc)?;
    let entry = ws.dockerfiles.iter().find(|d| d.path == path)?;
    let df = entry.parsed.as_ref().ok()?;
    let stage = df.final_stage()?;
    let hc = df
        .stage_instructions(stage)
        .iter()
        .rev()
        .find(|i| i.keyword == "HEALTHCHECK")?;
    if hc.args.trim().eq_ignore_ascii_case("NONE") {
        return None;
    }
    Some(finding_at(
        &entry.text,
        hc.line,
        1,
        format!("service `{}` is built with this HEALTHCHECK", svc.name),
    ))
}

/// The repository path of the Dockerfile a service's `build:` uses.
pub(crate) fn built_dockerfile(svc: &Service) -> Option<String> {
    let build = svc.get("build")?;
    let (context, dockerfile) = match build.text() {
        Some(ctx) => (ctx, "Dockerfile"),
        None => (
            build.get("context").and_then(CNode::text).unwrap_or("."),
            build
                .get("dockerfile")
                .and_then(CNode::text)
                .unwrap_or("Dockerfile"),
        ),
    };
    if context.contains("://") || context.starts_with("git@") {
        return None;
    }
    let context_dir = resolve_path(build.pos.path(), context)?;
    let anchor = if context_dir.is_empty() {
        "x".to_string()
    } else {
        format!("{context_dir}/x")
    };
    resolve_path(&anchor, dockerfile)
}
