use super::orchestrators::join;
use super::shell::{commands, run_script};
use crate::prelude::*;
use vouch_workspace::dockerfile::split_words;

pub struct RecursiveChownLayer;

static META: ControlMeta = ControlMeta {
    id: "DKR019",
    slug: "copy_chown_not_run_chown",
    title: "Copied files get their owner from COPY --chown, not a later RUN chown -R",
    area: Area::Scalability,
    severity: Severity::Low,
    remediation: "Set ownership and mode while copying: `COPY --chown=app:app . /app` (and `--chmod=0755` \
                  where needed), and drop the `RUN chown -R`/`chmod -R` over the copied files.",
    references: &[
        "https://docs.docker.com/reference/dockerfile/#copy---chown---chmod",
        "https://docs.docker.com/build/building/best-practices/#minimize-the-number-of-layers",
        "https://docs.docker.com/get-started/docker-concepts/building-images/understanding-image-layers/",
    ],
    concepts: &[
        "COPY --chown",
        "image size",
        "duplicate layer",
        "layer hygiene",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

In the final image (the last stage and the stages it is built `FROM`), a `RUN chown -R` or
`RUN chmod -R` must not cover files that an earlier `COPY`/`ADD` of the same image put there:
the target path equals, contains or lies inside a COPY destination (relative paths are
resolved against `WORKDIR`). A recursive chown of folders the image creates itself
(`mkdir -p /data && chown -R app /data`) is fine.

## Why it matters in production

Layers are immutable: changing the owner or mode of a file in a later layer stores a complete
second copy of it. `COPY . /app` followed by `RUN chown -R app /app` ships the application
twice, doubling that part of the image that every node pulls on every deploy and scale-out,
and slowing the build. `COPY --chown` sets the owner in the one layer that writes the files.

## Example

Bad:

```dockerfile
COPY . /app
RUN chown -R app:app /app
```

Good:

```dockerfile
COPY --chown=app:app . /app
```

## References

- Dockerfile reference: COPY --chown --chmod
- Docker build best practices: minimize the number of layers
- Docker concepts: image layers
"#,
};

impl Check for RecursiveChownLayer {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::each_dockerfile(ws, |df, src, review| {
            let chain = super::final_chain(df);
            let mut workdir = String::from("/");
            let mut copied: Vec<(String, u32)> = Vec::new();
            let instructions = super::chain_instructions(df, &chain);
            for (at, instr) in instructions.iter().enumerate() {
                let vars = super::variables(df, &instructions[..at]);
                let expand = |w: &str| {
                    super::shell::expand_word(w, &[], &vars).unwrap_or_else(|| w.to_string())
                };
                match instr.keyword.as_str() {
                    "FROM" => {}
                    "WORKDIR" => workdir = absolute(&workdir, &expand(instr.args.trim())),
                    "COPY" | "ADD" => {
                        let words = instr
                            .exec_args()
                            .unwrap_or_else(|| split_words(&instr.args));
                        if let Some(dest) = words
                            .last()
                            .filter(|_| words.len() >= 2 || instr.heredoc.is_some())
                        {
                            copied.push((absolute(&workdir, &expand(dest)), instr.line));
                        }
                    }
                    "RUN" => {
                        for c in commands(&run_script(instr)) {
                            let program = c.program();
                            if program != "chown" && program != "chmod" {
                                continue;
                            }
                            let words = c.program_words();
                            let recursive = words.iter().any(|w| {
                                w == "--recursive"
                                    || w.starts_with('-') && !w.starts_with("--") && w.contains('R')
                            });
                            if !recursive {
                                continue;
                            }
                            let targets =
                                words.iter().skip(1).filter(|w| !w.starts_with('-')).skip(1);
                            for target in targets {
                                let t = absolute(&workdir, &expand(target));
                                let hit = copied.iter().find(|(d, _)| overlaps(&t, d));
                                if let Some((dest, line)) = hit {
                                    let owner = words
                                        .iter()
                                        .skip(1)
                                        .find(|w| !w.starts_with('-'))
                                        .cloned()
                                        .unwrap_or_default();
                                    let flag = if program == "chown" {
                                        "--chown"
                                    } else {
                                        "--chmod"
                                    };
                                    review.fail(super::finding_in(
                                        src,
                                        instr,
                                        program,
                                        format!(
                                            "`{program} -R {owner} {target}` rewrites the files COPY put in `{dest}` (line {line}) into a second layer: use `COPY {flag}={owner}`"
                                        ),
                                    ));
                                    break;
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        })
    }
}

/// `path` made absolute against `workdir`, without a trailing slash.
fn absolute(workdir: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        join("", path)
    } else {
        join(workdir.trim_start_matches('/'), path)
    };
    format!("/{joined}")
}

/// Whether a chown target and a COPY destination cover common files.
fn overlaps(target: &str, dest: &str) -> bool {
    let under =
        |a: &str, b: &str| a == b || a.starts_with(&format!("{}/", b.trim_end_matches('/')));
    under(target, dest) || under(dest, target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(absolute("/app", "."), "/app");
        assert_eq!(absolute("/app", "./src/"), "/app/src");
        assert_eq!(absolute("/app", "/data"), "/data");
        assert!(overlaps("/app", "/app/src"));
        assert!(overlaps("/app/src", "/app"));
        assert!(!overlaps("/data", "/app"));
        assert!(!overlaps("/app2", "/app"));
    }
}
