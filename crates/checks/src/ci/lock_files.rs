use crate::prelude::*;
use vouch_workspace::{Ecosystem, FileKind, is_docs_or_example_path, is_test_path};

pub struct LockFiles;

static META: ControlMeta = ControlMeta {
    id: "CI018",
    slug: "lock_files",
    title: "Dependency lock files are committed for every manifest that needs one",
    area: Area::Deployment,
    severity: Severity::Medium,
    remediation: "Generate the lock file with the project's package manager (`npm install`, `poetry lock`, \
                  `uv lock`, `pdm lock`, `pipenv lock`, `cargo generate-lockfile`, `go mod tidy`, `bundle \
                  lock`) and commit it; install with the frozen variant in CI (`npm ci`, `uv sync --frozen`).",
    references: &[
        "https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json",
        "https://doc.rust-lang.org/cargo/guide/cargo-toml-vs-cargo-lock.html",
        "https://python-poetry.org/docs/basic-usage/#committing-your-poetrylock-file-to-version-control",
        "https://go.dev/ref/mod#go-sum-files",
    ],
    concepts: &[
        "lock file",
        "lockfile",
        "reproducible builds",
        "pinned dependencies",
        "package-lock.json",
        "Cargo.lock",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Each dependency manifest (outside tests, docs and examples) has its lock file committed
(tracked by git), in its directory or, for workspaces, an ancestor directory:

- `package.json` with dependencies → `package-lock.json`, `npm-shrinkwrap.json`, `yarn.lock`,
  `pnpm-lock.yaml` or `bun.lock(b)`;
- `pyproject.toml` managed by Poetry (`[tool.poetry]`) → `poetry.lock`, by PDM (`[tool.pdm]`, not only
  `[tool.pdm.build]` of the pdm-backend build system)
  → `pdm.lock`, by uv (`[tool.uv]`) → `uv.lock`; `Pipfile` → `Pipfile.lock`;
- `Cargo.toml` of a binary crate (`src/main.rs`, `src/bin/`, `[[bin]]`) → `Cargo.lock`;
- `go.mod` with `require` directives → `go.sum`;
- `Gemfile` of an application (no `.gemspec` beside it) → `Gemfile.lock`;
  `composer.json` of `"type": "project"` → `composer.lock`.

Libraries (Rust library crates, gems, setuptools/hatch projects with `requirements*.txt`) are
not required to commit a lock. A lock file that exists but is ignored by git is reported.

## Why it matters in production

Without a lock file every build resolves the newest versions allowed by the ranges: two builds
of the same commit can ship different code, a compromised release is picked up on the next
deploy, and "works on my machine" bugs appear. The lock file makes builds reproducible and
reviewable.

## Example

Bad: `package.json` with `"express": "^4.19.2"` and `package-lock.json` in `.gitignore`.

Good: `package-lock.json` committed, CI installs with `npm ci`.

## References

- npm: package-lock.json
- Cargo: Cargo.toml vs Cargo.lock
- Poetry: committing poetry.lock; Go modules: go.sum
"#,
};

fn dir_of(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Directory and its ancestors up to the root.
fn ancestors(dir: &str) -> Vec<String> {
    let mut out = vec![dir.to_string()];
    let mut d = dir;
    while !d.is_empty() {
        d = dir_of(d);
        out.push(d.to_string());
    }
    out
}

enum Lock {
    Found(String),
    Ignored(String),
    Missing,
}

fn find_lock(ws: &Workspace, dirs: &[String], names: &[&str]) -> Lock {
    for d in dirs {
        for n in names {
            let p = join(d, n);
            if ws.file(&p).is_some() {
                return if ws.is_tracked(&p) == Some(false) {
                    Lock::Ignored(p)
                } else {
                    Lock::Found(p)
                };
            }
            if ws.root.join(&p).is_file() {
                return Lock::Ignored(p);
            }
        }
    }
    Lock::Missing
}

/// The lock files a manifest needs (candidates), whether ancestors count, and what it is.
fn requirement(ws: &Workspace, rel: &str) -> Option<(&'static [&'static str], bool, &'static str)> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let dir = dir_of(rel);
    let text = ws.text(rel)?;
    let t = text.text.as_str();
    match name {
        "package.json" => {
            let json: serde_json::Value = serde_json::from_str(t).ok()?;
            let has_deps = ["dependencies", "devDependencies", "optionalDependencies"]
                .iter()
                .any(|k| {
                    json.get(k)
                        .and_then(serde_json::Value::as_object)
                        .is_some_and(|o| !o.is_empty())
                });
            has_deps.then_some((
                &[
                    "package-lock.json",
                    "npm-shrinkwrap.json",
                    "yarn.lock",
                    "pnpm-lock.yaml",
                    "bun.lock",
                    "bun.lockb",
                ][..],
                true,
                "npm dependencies",
            ))
        }
        "pyproject.toml" => {
            if t.contains("[tool.poetry") {
                Some((&["poetry.lock"][..], false, "a Poetry project"))
            } else if t.lines().any(|l| {
                let l = l.trim();
                l.starts_with("[tool.pdm") && !l.starts_with("[tool.pdm.build")
            }) {
                Some((&["pdm.lock"][..], false, "a PDM project"))
            } else if t.contains("[tool.uv") {
                Some((&["uv.lock"][..], true, "a uv project"))
            } else {
                None
            }
        }
        "Pipfile" => Some((&["Pipfile.lock"][..], false, "a Pipenv project")),
        "Cargo.toml" => {
            let binary = t.contains("[[bin]]")
                || ws.file(&join(dir, "src/main.rs")).is_some()
                || ws
                    .files
                    .iter()
                    .any(|f| f.rel.starts_with(&join(dir, "src/bin/")));
            binary.then_some((&["Cargo.lock"][..], true, "a Rust binary crate"))
        }
        "go.mod" => t
            .lines()
            .any(|l| l.trim_start().starts_with("require"))
            .then_some((&["go.sum"][..], false, "Go module dependencies")),
        "Gemfile" => {
            let gem = ws
                .files
                .iter()
                .any(|f| dir_of(&f.rel) == dir && f.rel.ends_with(".gemspec"));
            (!gem).then_some((&["Gemfile.lock"][..], false, "a Ruby application"))
        }
        "composer.json" => {
            let json: serde_json::Value = serde_json::from_str(t).ok()?;
            (json.get("type").and_then(serde_json::Value::as_str) == Some("project")).then_some((
                &["composer.lock"][..],
                false,
                "a Composer project",
            ))
        }
        _ => None,
    }
}

impl Check for LockFiles {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let mut findings = Vec::new();
        let mut evidence = Vec::new();
        let mut checked = 0;
        for f in &ws.files {
            let rel = f.rel.as_str();
            let name = rel.rsplit('/').next().unwrap_or(rel);
            let candidate = matches!(
                f.kind,
                FileKind::Manifest(
                    Ecosystem::Npm | Ecosystem::Python | Ecosystem::Cargo | Ecosystem::Go
                )
            ) || name == "Gemfile"
                || name == "composer.json";
            if !candidate
                || is_test_path(rel)
                || is_docs_or_example_path(rel)
                || rel.split('/').any(|p| p == "node_modules" || p == "vendor")
            {
                continue;
            }
            let Some((names, up, what)) = requirement(ws, rel) else {
                continue;
            };
            checked += 1;
            let dirs = if up {
                ancestors(dir_of(rel))
            } else {
                vec![dir_of(rel).to_string()]
            };
            match find_lock(ws, &dirs, names) {
                Lock::Found(p) => evidence.push(finding_file(
                    &p,
                    format!("lock file for {rel} is committed"),
                )),
                Lock::Ignored(p) => findings.push(finding_file(
                    &p,
                    format!("lock file for {rel} exists but is not committed (ignored by git)"),
                )),
                Lock::Missing => findings.push(finding_file(
                    rel,
                    format!(
                        "{what}, but no lock file ({}) is committed",
                        names.join(", ")
                    ),
                )),
            }
        }
        if checked == 0 {
            return Outcome::not_applicable("no dependency manifest that needs a lock file");
        }
        Outcome::from_findings(findings, evidence)
    }
}
