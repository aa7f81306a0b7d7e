use super::tree::{CNode, Entry};
use crate::prelude::*;

pub struct MissingResourceLimits;

static META: ControlMeta = ControlMeta {
    id: "CMP005",
    slug: "resource_limits",
    title: "Compose services have CPU and memory limits",
    area: Area::Scalability,
    severity: Severity::Medium,
    remediation: "Give every long-running service `deploy.resources.limits` with `cpus` and \
                  `memory` (for example `cpus: \"1.0\"`, `memory: 512M`), optionally with \
                  `reservations`; the legacy `cpus:` and `mem_limit:` keys also count.",
    references: &[
        "https://docs.docker.com/reference/compose-file/deploy/#resources",
        "https://docs.docker.com/engine/containers/resource_constraints/",
        "https://www.cisecurity.org/benchmark/docker",
    ],
    concepts: &[
        "resource limits",
        "memory limit",
        "cpu limit",
        "noisy neighbour",
        "capacity",
        "oom",
    ],
    since: "0.1.0",
    doc: concat!(
        r#"## What it checks

Every long-running service that `docker compose up` starts in a deployed project must limit
both memory (`deploy.resources.limits.memory` or `mem_limit`) and CPU
(`deploy.resources.limits.cpus`, `cpus` or `cpu_quota`). `cpu_shares` is a relative weight,
not a limit. Values from variables (`${API_MEMORY:-512M}`) count. One-shot jobs and
inactive profiles are exempt.

"#,
        deployed_projects_note!(),
        r#"
## Why it matters in production

Compose stacks usually share one host. Without limits a memory leak in one worker grows
until the kernel's OOM killer picks a victim, often the database, and a CPU-bound job starves
the web server of cycles. Limits turn a host-wide outage into one container restarting.

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
    deploy:
      resources:
        limits:
          cpus: "1.0"
          memory: 512M
```

## References

- Compose deploy specification: `resources`
- Docker docs: runtime options with memory, CPUs
- CIS Docker Benchmark 5.10 and 5.11 (memory and CPU limits)
"#
    ),
};

impl Check for MissingResourceLimits {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::evaluate_services(ws, None, |project, svc, v| {
            if project.is_one_shot(svc) {
                return;
            }
            let limits = svc.body.path(&["deploy", "resources", "limits"]);
            let memory = limits
                .and_then(|l| l.entry("memory"))
                .or_else(|| svc.entry("mem_limit"))
                .filter(|e| is_set(&e.value));
            let cpu = limits
                .and_then(|l| l.entry("cpus"))
                .or_else(|| svc.entry("cpus"))
                .or_else(|| svc.entry("cpu_quota"))
                .filter(|e| is_set(&e.value));
            let name = &svc.name;
            let missing = match (memory, cpu) {
                (Some(m), Some(c)) => {
                    v.pass(
                        first(m, c)
                            .at
                            .finding(format!("service `{name}` limits memory and CPU")),
                    );
                    return;
                }
                (None, Some(_)) => "memory limit",
                (Some(_), None) => "CPU limit",
                (None, None) => "CPU or memory limit",
            };
            let at = svc
                .body
                .path(&["deploy", "resources"])
                .and_then(|r| r.entry("limits"))
                .map_or(&svc.at, |e| &e.at);
            v.fail(at.finding(format!("service `{name}` has no {missing}")));
        })
    }
}

fn is_set(node: &CNode) -> bool {
    node.text()
        .is_some_and(|t| !t.trim().is_empty() && t.trim() != "0")
}

fn first<'a>(a: &'a Entry, b: &'a Entry) -> &'a Entry {
    if (a.at.path(), a.at.line) <= (b.at.path(), b.at.line) {
        a
    } else {
        b
    }
}
