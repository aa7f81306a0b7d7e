use super::{committed, file_name};
use crate::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

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
compiled Java `*.class` files. One finding per directory (bytecode and class files, which
scatter over many directories, get one finding per kind), with the number of files. Outside a
git repository the control is Unknown: generated directories are then only local build output. Deliberate
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
        // Without git, generated directories are just what the last local build left behind.
        if ws.git.is_none() {
            return Outcome::unknown(
                "not a git repository: cannot tell committed files from local build output",
            );
        }
        let committed_files: Vec<&str> = ws
            .files
            .iter()
            .filter(|f| committed(f) && !f.class.test())
            .map(|f| f.rel.as_str())
            .collect();
        let venvs: Vec<String> = committed_files
            .iter()
            .filter(|r| file_name(r) == "pyvenv.cfg")
            .map(|r| r.strip_suffix("pyvenv.cfg").unwrap_or("").to_string())
            .collect();
        let mut groups: BTreeMap<String, Group> = BTreeMap::new();
        for rel in &committed_files {
            let Some(generated) = generated_dir(ws, rel, &venvs) else {
                continue;
            };
            // Bytecode and class files scatter over many directories: one finding per kind.
            let key = if generated.scattered {
                generated.what.to_string()
            } else {
                generated.group.clone()
            };
            let group = groups.entry(key).or_insert_with(|| Group {
                what: generated.what,
                first_file: rel.to_string(),
                places: BTreeSet::new(),
                files: 0,
            });
            group.places.insert(generated.group);
            group.files += 1;
        }
        let findings = groups.into_values().map(|g| g.finding()).collect();
        Outcome::from_findings(findings, Vec::new())
    }
}

struct Generated {
    /// `web/node_modules/`, `app/__pycache__/`, or a file pattern such as `legacy/*.pyc`.
    group: String,
    what: &'static str,
    scattered: bool,
}

struct Group {
    what: &'static str,
    first_file: String,
    places: BTreeSet<String>,
    files: usize,
}

impl Group {
    fn finding(&self) -> Finding {
        let first = self.places.iter().next().map_or("", String::as_str);
        // Directories are reported as such; file patterns at their first file.
        let location = if first.ends_with('/') {
            first.trim_end_matches('/')
        } else {
            self.first_file.as_str()
        };
        let subject = match self.places.len() {
            1 => format!("`{first}` is"),
            n => format!("`{first}` and {} other place(s) are", n - 1),
        };
        finding_file(
            location,
            format!(
                "{subject} committed ({} file(s)): {}",
                self.files, self.what
            ),
        )
    }
}

/// The generated directory (or file group) `rel` belongs to, if any.
fn generated_dir(ws: &Workspace, rel: &str, venvs: &[String]) -> Option<Generated> {
    let found = |group: String, what, scattered| {
        Some(Generated {
            group,
            what,
            scattered,
        })
    };
    if let Some(venv) = venvs.iter().find(|v| rel.starts_with(v.as_str())) {
        let dir = if venv.is_empty() { "./" } else { venv.as_str() };
        return found(dir.to_string(), "a Python virtual environment", false);
    }
    let parts: Vec<&str> = rel.split('/').collect();
    for (i, part) in parts.iter().enumerate().take(parts.len().saturating_sub(1)) {
        let prefix = || format!("{}/", parts[..=i].join("/"));
        match *part {
            "node_modules" => return found(prefix(), "installed npm packages", false),
            "__pycache__" => return found(prefix(), "Python bytecode", true),
            ".terraform" => {
                return found(prefix(), "Terraform provider and module cache", false);
            }
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
                    return found(prefix(), "Cargo build output", false);
                }
            }
            _ => {}
        }
    }
    let name = file_name(rel);
    let dir = rel.strip_suffix(name).unwrap_or("");
    if name.ends_with(".pyc") || name.ends_with(".pyo") {
        return found(format!("{dir}*.pyc"), "Python bytecode", true);
    }
    if name.ends_with(".class") {
        return found(format!("{dir}*.class"), "compiled Java classes", true);
    }
    None
}
