use super::dockerignore::IgnoreRules;
use super::orchestrators::{self, join, parent_dir};
use crate::prelude::*;
use vouch_workspace::FileKind;
use vouch_workspace::dockerfile::split_words;

pub struct ContextCopyWithoutIgnore;

static META: ControlMeta = ControlMeta {
    id: "DKR011",
    slug: "dockerignore_for_context_copy",
    title: "Whole-context copies are guarded by a .dockerignore that excludes .git and env files",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Add a `.dockerignore` to the build context (next to the Dockerfile, at the repository root, or \
                  as `<Dockerfile>.dockerignore`) with at least `.git`, `.env` and `*.env` (or `**/.env*`), or \
                  copy only what the image needs (`COPY src/ ./src/`).",
    references: &[
        "https://docs.docker.com/build/concepts/context/#dockerignore-files",
        "https://docs.docker.com/build/building/best-practices/#exclude-with-dockerignore",
        "https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html",
    ],
    concepts: &[
        ".dockerignore",
        "build context",
        "COPY . .",
        "secrets in image",
        "git history in image",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

A `COPY` or `ADD` of the whole build context (`COPY . .`, `COPY ./ /app`, `COPY * ./`) needs
a `.dockerignore` that keeps `.git` and env files out: it must exclude `.git`, `.env`, and
every env file the repository actually has inside the context (`config/prod.env`,
`.env.production`; templates such as `.env.example` may stay). The ignore file is looked for
where Docker reads it: `<Dockerfile>.dockerignore` next to the Dockerfile, then `.dockerignore`
in the build context — the contexts compose uses to build this Dockerfile, else the
Dockerfile's folder or the repository root. Docker's matching rules apply (`**`, `!`
exceptions, last match wins, allow-lists such as `*` then `!src`). `COPY --exclude` patterns
count too. `COPY --from=<stage> . .` copies from a stage, not the context, and is not checked.

## Why it matters in production

`COPY . .` copies everything in the build context: the `.git` folder (the whole history,
including secrets that were committed and removed), local `.env` files with real credentials,
and whatever else sits in the working copy. All of it ends up in the image that is pushed to a
registry and pulled on every node.

## Example

Bad (no .dockerignore):

```dockerfile
FROM node:20-slim
WORKDIR /app
COPY . .
```

Good (`.dockerignore` next to it):

```text
.git
.env
*.env
node_modules
```

## References

- Docker docs: .dockerignore files
- Docker build best practices: exclude with .dockerignore
- OWASP Docker Security Cheat Sheet
"#,
};

impl Check for ContextCopyWithoutIgnore {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let usage = orchestrators::usage(ws);
        super::each_dockerfile(ws, |df, src, review| {
            let mut contexts: Vec<String> = {
                let from_compose: Vec<String> = usage
                    .builds
                    .iter()
                    .filter(|b| b.dockerfile == src.path)
                    .map(|b| b.context.clone())
                    .collect();
                if from_compose.is_empty() {
                    vec![parent_dir(&src.path), String::new()]
                } else {
                    from_compose
                }
            };
            contexts.dedup();
            for instr in &df.instructions {
                if !(instr.keyword == "COPY" || instr.keyword == "ADD")
                    || instr.flag("from").is_some()
                {
                    continue;
                }
                let mut words = instr
                    .exec_args()
                    .unwrap_or_else(|| split_words(&instr.args));
                words.pop();
                let whole = words
                    .iter()
                    .any(|w| matches!(w.as_str(), "." | "./" | "*" | "./*"));
                if !whole {
                    continue;
                }
                let excludes: Vec<String> = instr
                    .flags
                    .iter()
                    .filter_map(|f| f.strip_prefix("--exclude=").map(str::to_string))
                    .collect();
                match verdict(ws, &src.path, &contexts, &excludes) {
                    Ok(ignore) => review.pass(finding_at(
                        src,
                        instr.line,
                        1,
                        format!("`{}` is filtered by {ignore}", super::short(instr)),
                    )),
                    Err(problem) => review.fail(finding_at(
                        src,
                        instr.line,
                        1,
                        format!(
                            "`{}` copies the whole build context, but {problem}",
                            super::short(instr)
                        ),
                    )),
                }
            }
        })
    }
}

/// Ok(ignore file path) when one candidate ignore file keeps `.git` and env files out of its
/// context; Err(what is missing) otherwise.
fn verdict(
    ws: &Workspace,
    dockerfile: &str,
    contexts: &[String],
    excludes: &[String],
) -> Result<String, String> {
    let mut problems = Vec::new();
    let per_dockerfile = format!("{dockerfile}.dockerignore");
    for context in contexts {
        let local = join(context, ".dockerignore");
        let ignore = [per_dockerfile.as_str(), local.as_str()]
            .into_iter()
            .find(|p| ws.file(p).is_some());
        let Some(ignore) = ignore else {
            continue;
        };
        let text = ws.text(ignore).map(|t| t.text.clone()).unwrap_or_default();
        let rules = IgnoreRules::parse(&text).with_excludes(excludes);
        let mut required = vec![".git".to_string(), ".env".to_string()];
        let prefix = if context.is_empty() {
            String::new()
        } else {
            format!("{context}/")
        };
        for f in ws.files_of(FileKind::EnvFile) {
            if let Some(inside) = f.rel.strip_prefix(&prefix) {
                required.push(inside.to_string());
            }
        }
        let missing: Vec<String> = required
            .into_iter()
            .filter(|p| !rules.excludes(p))
            .collect();
        if missing.is_empty() {
            return Ok(ignore.to_string());
        }
        problems.push(format!(
            "{ignore} does not exclude `{}`",
            missing.join("`, `")
        ));
    }
    if problems.is_empty() {
        let places: Vec<String> = contexts
            .iter()
            .map(|c| {
                if c.is_empty() {
                    "the repository root".to_string()
                } else {
                    format!("`{c}/`")
                }
            })
            .collect();
        Err(format!(
            "there is no .dockerignore in {}",
            places.join(" or ")
        ))
    } else {
        Err(problems.join("; "))
    }
}
