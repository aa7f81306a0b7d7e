use crate::prelude::*;

pub struct UnparsableDockerfile;

static META: ControlMeta = ControlMeta {
    id: "DKR015",
    slug: "dockerfile_parses",
    title: "Dockerfiles parse (no merge-conflict markers or syntax errors)",
    area: Area::Deployment,
    severity: Severity::High,
    remediation: "Resolve the merge conflict (remove the `<<<<<<<`, `=======`, `>>>>>>>` lines and keep the right \
                  side) or fix the instruction at the reported line, then run `docker build --check .` (or \
                  hadolint) in CI so a broken Dockerfile cannot be merged again.",
    references: &[
        "https://docs.docker.com/reference/dockerfile/",
        "https://docs.docker.com/reference/build-checks/",
        "https://git-scm.com/docs/git-merge#_how_conflicts_are_presented",
    ],
    concepts: &[
        "Dockerfile syntax",
        "merge conflict",
        "build breaks",
        "valid Dockerfile",
        "docker build --check",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every production Dockerfile must parse the way BuildKit reads it: no merge-conflict markers
(`<<<<<<<`, `|||||||`, `=======`, `>>>>>>>`), no unknown instruction (a typo such as `RUNN`,
or a continuation line that lost its backslash), no instruction before the first `FROM` other
than `ARG`, a `FROM` in the file, `FROM image [AS name]` with one or three words, `COPY`/`ADD`
with a source and a destination, and heredocs that are closed. The finding points at the
line of the first error. The other DKR controls skip a file that does not parse, so this is
where it shows up. Files whose name marks them as templates (`Dockerfile.j2`, `.tmpl`) are not
checked, and an error on a line with template syntax (`{{ }}`, `{% %}`) is Unknown.

## Why it matters in production

A Dockerfile that does not parse cannot be built: the next release, hotfix or security rebuild
fails at the worst moment, or CI silently keeps shipping an old image. Conflict markers in
particular get committed when a merge is resolved in a hurry and nothing builds that file
before release.

## Example

Bad:

```dockerfile
FROM python:3.12-slim
<<<<<<< HEAD
RUN pip install --no-cache-dir -r requirements.txt
=======
RUN pip install --no-cache-dir -r requirements/prod.txt
>>>>>>> feature/split-requirements
```

Good:

```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir -r requirements/prod.txt
```

## References

- Dockerfile reference
- Docker build checks (`docker build --check`)
- git merge: how conflicts are presented
"#,
};

impl Check for UnparsableDockerfile {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let (mut findings, mut evidence, mut unknown) = (Vec::new(), Vec::new(), Vec::new());
        let entries: Vec<_> = ws
            .dockerfiles
            .iter()
            .filter(|e| super::in_scope(&e.path))
            .collect();
        if entries.is_empty() {
            return Outcome::not_applicable("no production Dockerfile in the repository");
        }
        for entry in entries {
            match &entry.parsed {
                Ok(df) => evidence.push(finding_file(
                    &entry.path,
                    format!(
                        "parses: {} stage(s), {} instruction(s)",
                        df.stages.len(),
                        df.instructions.len()
                    ),
                )),
                Err(e) => {
                    let line = entry.text.line(e.line as usize);
                    if line.contains("{{") || line.contains("{%") {
                        unknown.push(format!(
                            "{}:{}: template syntax, not a plain Dockerfile",
                            entry.path, e.line
                        ));
                    } else {
                        findings.push(finding_at(&entry.text, e.line, 1, e.message.clone()));
                    }
                }
            }
        }
        if findings.is_empty() && !unknown.is_empty() {
            return Outcome::unknown(unknown.join("; "));
        }
        Outcome::from_findings(findings, evidence)
    }
}
