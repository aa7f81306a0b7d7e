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
base image runs as a non-root user by default (distroless `:nonroot`, Chainguard, Bitnami,
`nginxinc/nginx-unprivileged`). A `USER` taken from a build argument is resolved from the
argument's default; without a default the answer is Unknown.

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
        super::each_dockerfile(ws, |df, src, review| {
            let Some(stage) = df.final_stage() else {
                return;
            };
            match effective_user(df, stage) {
                Some((Err(arg), line)) => review.unknown(format!(
                    "{}:{line}: USER comes from build argument `{arg}`, which has no default",
                    src.path
                )),
                Some((Ok(user), line)) if !is_root(&user) => {
                    review.pass(finding_at(
                        src,
                        line,
                        1,
                        format!("final stage runs as `{user}`"),
                    ));
                }
                Some((Ok(user), line)) => review.fail(finding_at(
                    src,
                    line,
                    1,
                    format!("the final stage's last USER is `{user}`: the container runs as root"),
                )),
                None => {
                    let chain = super::stage_chain(df, stage);
                    let root = chain[0];
                    let base = super::image::resolve_from(df, &root.base)
                        .unwrap_or_else(|_| root.base.clone());
                    if nonroot_base(&base) {
                        review.pass(finding_at(
                            src,
                            root.line,
                            1,
                            format!("base image `{base}` runs as a non-root user"),
                        ));
                    } else {
                        review.fail(finding_at(
                            src,
                            stage.line,
                            1,
                            "final stage has no USER instruction, so the container runs as root",
                        ));
                    }
                }
            }
        })
    }
}

/// Base images whose default user is not root: distroless `:nonroot`, Chainguard images,
/// Bitnami images (uid 1001) and nginx-unprivileged.
fn nonroot_base(base: &str) -> bool {
    let image = super::image::ImageRef::parse(base);
    let tag = image.tag.as_deref().unwrap_or("");
    tag.contains("nonroot")
        || image.repo.ends_with("-nonroot")
        || image.registry.as_deref() == Some("cgr.dev")
        || image.repo.starts_with("bitnami/")
        || image.repo == "nginxinc/nginx-unprivileged"
}

/// The user the stage ends with, following `FROM <earlier stage>` chains; with the line of the
/// USER instruction. Build-argument references are resolved from ARG/ENV defaults
/// (Err(name) when the argument has no default).
fn effective_user(df: &Dockerfile, stage: &Stage) -> Option<(Result<String, String>, u32)> {
    let chain = super::stage_chain(df, stage);
    let instructions = super::chain_instructions(df, &chain);
    let (at, user) = instructions
        .iter()
        .enumerate()
        .rev()
        .find(|(_, i)| i.keyword == "USER")?;
    let raw = user.args.split_whitespace().next().unwrap_or("");
    let vars = super::variables(df, &instructions[..at]);
    let resolved = super::image::substitute(raw, &|n| vars.get(n).cloned());
    Some((resolved, user.line))
}

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user);
    name == "root" || name == "0"
}
