use super::{committed, file_name};
use crate::prelude::*;
use std::collections::BTreeMap;
use vouch_workspace::is_test_path;

pub struct BuildOutputCommitted;

static META: ControlMeta = ControlMeta {
    id: "SEC012",
    slug: "build_output_committed",
    title: "Installed dependencies and build output are not committed",
    area: Area::Deployment,
    severity: Severity::Low,
    remediation: "Remove the directory from the index (`git rm -r --cached <dir>`), add it to \
                  `.gitignore` (`node_modules/`, `__pycache__/`, `*.pyc`, `.venv/`, `.terraform/`, \
                  `target/`, `*.class`), and rebuild it from the lock file in CI and in the image build.",
    references: &[
        "https://git-scm.com/docs/gitignore",
        "https://github.com/github/gitignore",
        "https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json",
        "https://developer.hashicorp.com/terraform/language/files/dependency-lock",
    ],
    concepts: &[
        "node_modules committed",
        "build artifacts in git",
        "reproducible build",
        "gitignore build output",
        "vendored dependencies",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

No committed file lives in a directory that package managers or compilers generate:
`node_modules/`, `__pycache__/` (and stray `*.pyc`/`*.pyo`), Python virtual environments (a
directory holding `pyvenv.cfg`), Terraform's `.terraform/` cache (its lock file
`.terraform.lock.hcl` belongs in git and is fine), Cargo's `target/` next to a `Cargo.toml`, and
compiled Java `*.class` files. One finding per directory, with the number of files. Deliberate
vendoring is not reported (`vendor/` for Go, PHP, Ruby), nor anything under test paths (module
resolution fixtures often contain a `node_modules/`).

## Why it matters in production

Committed dependencies and build output are not what the lock file says: they were built on
one developer's machine, for one OS and CPU, possibly with local patches, and nobody reviews
them. They bloat every clone and image, hide vulnerable versions from dependency scanners, and
`.terraform/` may even contain state and provider credentials.

## Example

Bad (`git ls-files | head`):

```text
web/node_modules/express/index.js
web/node_modules/express/package.json
web/package.json
```

Good: `web/package-lock.json` is committed, `node_modules/` is in `.gitignore`, and CI runs
`npm ci`.

## References

- gitignore documentation and the github/gitignore templates
- npm: package-lock.json
- Terraform: dependency lock file
"#,
};

impl Check for BuildOutputCommitted {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let committed_files: Vec<&str> = ws
            .files
            .iter()
            .filter(|f| committed(f) && !is_test_path(&f.rel))
            .map(|f| f.rel.as_str())
            .collect();
        let venvs: Vec<String> = committed_files
            .iter()
            .filter(|r| file_name(r) == "pyvenv.cfg")
            .map(|r| r.strip_suffix("pyvenv.cfg").unwrap_or("").to_string())
            .collect();
        // Generated directory (or `*.class`/`*.pyc` group) → (what, first file, file count).
        let mut groups: BTreeMap<String, (&str, &str, usize)> = BTreeMap::new();
        for rel in &committed_files {
            if let Some((group, what)) = generated_dir(ws, rel, &venvs) {
                groups.entry(group).or_insert((what, rel, 0)).2 += 1;
            }
        }
        let findings = groups
            .into_iter()
            .map(|(group, (what, first, count))| {
                // Directories are reported as such; file patterns at their first file.
                let location = if group.ends_with('/') {
                    group.trim_end_matches('/')
                } else {
                    first
                };
                finding_file(
                    location,
                    format!("`{group}` is committed ({count} file(s)): {what}"),
                )
            })
            .collect();
        Outcome::from_findings(findings, Vec::new())
    }
}

/// The generated directory `rel` belongs to, with a description, if any.
fn generated_dir(ws: &Workspace, rel: &str, venvs: &[String]) -> Option<(String, &'static str)> {
    if let Some(venv) = venvs.iter().find(|v| rel.starts_with(v.as_str())) {
        let dir = if venv.is_empty() { "./" } else { venv.as_str() };
        return Some((dir.to_string(), "a Python virtual environment"));
    }
    let parts: Vec<&str> = rel.split('/').collect();
    for (i, part) in parts.iter().enumerate().take(parts.len().saturating_sub(1)) {
        let prefix = || format!("{}/", parts[..=i].join("/"));
        match *part {
            "node_modules" => return Some((prefix(), "installed npm packages")),
            "__pycache__" => return Some((prefix(), "Python bytecode cache")),
            ".terraform" => return Some((prefix(), "Terraform provider and module cache")),
            "target" => {
                let project = parts[..i].join("/");
                let manifest = if project.is_empty() {
                    "Cargo.toml".to_string()
                } else {
                    format!("{project}/Cargo.toml")
                };
                let cargo_output = matches!(parts.get(i + 1), Some(&"debug") | Some(&"release"))
                    || parts.get(i + 1) == Some(&"CACHEDIR.TAG");
                if cargo_output && ws.file(&manifest).is_some() {
                    return Some((prefix(), "Cargo build output"));
                }
            }
            _ => {}
        }
    }
    let name = file_name(rel);
    let dir = rel.strip_suffix(name).unwrap_or("");
    if name.ends_with(".pyc") || name.ends_with(".pyo") {
        return Some((format!("{dir}*.pyc"), "Python bytecode"));
    }
    if name.ends_with(".class") {
        return Some((format!("{dir}*.class"), "compiled Java classes"));
    }
    None
}
