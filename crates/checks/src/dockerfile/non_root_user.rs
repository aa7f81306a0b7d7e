use crate::prelude::*;
use vouch_workspace::{Dockerfile, Stage};

pub struct NonRootUser;

static META: ControlMeta = ControlMeta {
    id: "DKR001",
    slug: "non_root_user",
    title: "Containers run as a non-root user",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Create an unprivileged user in the final stage and switch to it with `USER <name or uid>` \
                  (for example `RUN useradd --uid 10001 app` then `USER 10001`), or use a `:nonroot` distroless base.",
    references: &[
        "https://docs.docker.com/build/building/best-practices/#user",
        "https://www.cisecurity.org/benchmark/docker",
        "https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html",
    ],
    concepts: &[
        "non-root",
        "nonroot",
        "run as non-root user",
        "USER instruction",
        "least privilege container",
        "rootless",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The final stage of every Dockerfile must switch to a user other than root: its last `USER`
instruction (inherited through `FROM <earlier stage>`) names a user other than `root`/`0`, or the
base image is a `:nonroot` distroless image. A `USER` taken from a build argument is resolved
from the argument's default when it has one.

## Why it matters in production

A process running as root inside a container is root on the host's kernel. Any code execution
bug (a deserialisation flaw, a template injection) then gets full control of the container's
filesystem and a much better position for a container escape. Kubernetes admission policies
(Pod Security "restricted") refuse such images outright.

## Example

Bad:

```dockerfile
FROM python:3.12-slim
COPY . /app
CMD ["python", "/app/main.py"]
```

Good:

```dockerfile
FROM python:3.12-slim
RUN useradd --uid 10001 --no-create-home app
COPY --chown=app . /app
USER 10001
CMD ["python", "/app/main.py"]
```

## References

- Docker build best practices: USER
- CIS Docker Benchmark 4.1 "Ensure that a user for the container has been created"
- OWASP Docker Security Cheat Sheet, rule 2
"#,
};

impl Check for NonRootUser {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::each_dockerfile(ws, |df, src, findings, evidence| {
            let Some(stage) = df.final_stage() else {
                return;
            };
            match effective_user(df, stage) {
                Some((user, line)) if !is_root(&user) => {
                    evidence.push(finding_at(
                        src,
                        line,
                        1,
                        format!("final stage runs as `{user}`"),
                    ));
                }
                Some((user, line)) => {
                    findings.push(finding_at(
                        src,
                        line,
                        1,
                        format!(
                            "the final stage's last USER is `{user}`: the container runs as root"
                        ),
                    ));
                }
                None if stage.base.contains(":nonroot") || stage.base.contains("-nonroot") => {
                    evidence.push(finding_at(
                        src,
                        stage.line,
                        1,
                        "base image runs as a non-root user",
                    ));
                }
                None => findings.push(finding_at(
                    src,
                    stage.line,
                    1,
                    "final stage has no USER instruction, so the container runs as root",
                )),
            }
        })
    }
}

/// The user the stage ends with, following `FROM <earlier stage>` chains; with the line of the
/// USER instruction. Build-argument references are resolved from ARG/ENV defaults.
fn effective_user(df: &Dockerfile, stage: &Stage) -> Option<(String, u32)> {
    let mut current = Some(stage);
    let mut hops = 0;
    while let Some(s) = current {
        let instructions = df.stage_instructions(s);
        if let Some(user) = instructions.iter().rev().find(|i| i.keyword == "USER") {
            let raw = user
                .args
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_string();
            return Some((resolve(df, s, &raw), user.line));
        }
        hops += 1;
        current = df
            .stage_by_ref(&s.base)
            .filter(|p| p.index < s.index && hops < 64);
    }
    None
}

fn resolve(df: &Dockerfile, stage: &Stage, value: &str) -> String {
    let Some(name) = value.strip_prefix('$') else {
        return value.to_string();
    };
    let name = name.trim_matches(|c| c == '{' || c == '}');
    let defaults = df
        .global_args
        .iter()
        .chain(df.stage_instructions(stage))
        .filter(|i| i.keyword == "ARG" || i.keyword == "ENV");
    defaults
        .filter_map(|i| {
            i.args
                .split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.trim().trim_matches('"').to_string()))
        })
        .rfind(|(k, _)| k == name)
        .map(|(_, v)| v)
        .unwrap_or_else(|| value.to_string())
}

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user);
    name == "root" || name == "0"
}
