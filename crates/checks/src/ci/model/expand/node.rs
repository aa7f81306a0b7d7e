//! package.json scripts run through npm, yarn, pnpm or bun, and pre-commit hooks.

use super::{Body, Chunk, Invocation, in_dir, join, take_option};
use vouch_workspace::{Ecosystem, FileKind, Node, SourceText, Workspace, is_test_path};

#[derive(Clone, Debug, PartialEq)]
pub struct NodeRun {
    pub manager: String,
    pub dir: String,
    pub script: String,
    /// `npm run x` / `yarn run x`: the script must exist.
    pub explicit: bool,
    pub if_present: bool,
    /// Every workspace package (`--workspaces`, `pnpm -r`, `--filter`, `yarn workspaces foreach`).
    pub all: bool,
    /// `yarn workspace <name>`, `npm -w <name|path>`.
    pub workspace: Option<String>,
}

const YARN_BUILTINS: &[&str] = &[
    "install",
    "add",
    "remove",
    "upgrade",
    "up",
    "audit",
    "npm",
    "dlx",
    "exec",
    "info",
    "init",
    "link",
    "unlink",
    "pack",
    "publish",
    "version",
    "why",
    "set",
    "config",
    "cache",
    "bin",
    "global",
    "outdated",
    "licenses",
    "import",
    "constraints",
    "dedupe",
    "explain",
    "node",
    "patch",
    "rebuild",
    "plugin",
    "tag",
    "login",
    "logout",
    "owner",
    "list",
    "check",
    "autoclean",
    "generate-lock-entry",
    "help",
    "create",
    "upgrade-interactive",
];
const PNPM_BUILTINS: &[&str] = &[
    "install",
    "i",
    "add",
    "remove",
    "rm",
    "update",
    "up",
    "audit",
    "exec",
    "dlx",
    "store",
    "publish",
    "pack",
    "list",
    "ls",
    "outdated",
    "why",
    "link",
    "unlink",
    "import",
    "rebuild",
    "prune",
    "fetch",
    "deploy",
    "create",
    "init",
    "licenses",
    "patch",
    "env",
    "setup",
    "config",
    "root",
    "bin",
    "server",
    "doctor",
    "approve-builds",
    "install-test",
    "it",
    "ci",
];
const BUN_BUILTINS: &[&str] = &[
    "test", "install", "i", "add", "remove", "rm", "update", "x", "build", "create", "init",
    "link", "unlink", "pm", "upgrade", "outdated", "publish", "audit", "patch", "why", "info",
];

/// Operands of a package-manager command line with their option values removed.
fn operands(words: &[String], value_opts: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if w == "--" {
            break;
        }
        if w.starts_with('-') {
            if value_opts.contains(&w.as_str()) {
                i += 1;
            }
        } else {
            out.push(w.clone());
        }
        i += 1;
    }
    out
}

pub fn node_invocation(ws: &Workspace, cwd: &str, argv: &[String]) -> Option<NodeRun> {
    let manager = argv[0].clone();
    let words = &argv[1..];
    let (prefix, words) = match manager.as_str() {
        "npm" => take_option(words, &["--prefix", "-C"]),
        "yarn" => take_option(words, &["--cwd"]),
        "pnpm" => take_option(words, &["-C", "--dir"]),
        _ => (None, words.to_vec()),
    };
    let (workspace, words) = match manager.as_str() {
        "npm" => take_option(&words, &["-w", "--workspace"]),
        "pnpm" => take_option(&words, &["--filter", "-F"]),
        _ => (None, words),
    };
    let dir = prefix.map_or_else(|| cwd.to_string(), |p| join(cwd, &p));
    let flag = |f: &str| words.iter().any(|w| w == f);
    let mut all = flag("--workspaces") || flag("-ws") || flag("-r") || flag("--recursive");
    let mut workspace = workspace;
    if manager == "pnpm" && workspace.is_some() {
        all = true;
        workspace = None;
    }
    let ops = operands(&words, &["--color", "--loglevel", "--reporter"]);
    let sub = ops.first()?.as_str();
    let (script, explicit) = match (manager.as_str(), sub) {
        (_, "run" | "run-script" | "rum" | "urn") => (ops.get(1)?.clone(), true),
        ("npm" | "pnpm", "test" | "t" | "tst") => ("test".to_string(), true),
        ("npm", "start" | "stop" | "restart") => (sub.to_string(), true),
        ("npm", _) => return None,
        ("yarn", "workspace") => {
            workspace = Some(ops.get(1)?.clone());
            let rest = &ops[2..];
            match rest.first().map(String::as_str) {
                Some("run") => (rest.get(1)?.clone(), true),
                Some(s) => (s.to_string(), false),
                None => return None,
            }
        }
        ("yarn", "workspaces") => {
            all = true;
            let at = ops.iter().position(|w| w == "run")?;
            (ops.get(at + 1)?.clone(), true)
        }
        ("yarn", s) if YARN_BUILTINS.contains(&s) => return None,
        ("pnpm", s) if PNPM_BUILTINS.contains(&s) => return None,
        ("bun", s) if BUN_BUILTINS.contains(&s) => return None,
        (_, s) => (s.to_string(), false),
    };
    if script.contains('/') || script.ends_with(".js") || script.ends_with(".ts") {
        return None;
    }
    let run = NodeRun {
        manager,
        dir,
        script,
        explicit,
        if_present: flag("--if-present"),
        all,
        workspace,
    };
    // `yarn jest`, `pnpm eslint .`: not a script of the package, so the binary runs.
    if !run.explicit && !run.all && run.workspace.is_none() {
        let pkg = in_dir(&run.dir, "package.json");
        let defined = ws
            .text(&pkg)
            .and_then(|t| scripts(&t))
            .is_some_and(|s| s.iter().any(|(k, _)| *k == run.script));
        if !defined {
            return None;
        }
    }
    Some(run)
}

/// `turbo run test`, `nx run-many -t lint`, `nx affected --target=test`, `lerna run build`: the
/// package script of that name in every workspace package that defines it.
pub fn monorepo_invocation(cwd: &str, argv: &[String]) -> Option<NodeRun> {
    let words = &argv[1..];
    let ops = operands(
        words,
        &[
            "--filter",
            "--scope",
            "-p",
            "--projects",
            "--parallel",
            "--base",
            "--head",
            "--concurrency",
        ],
    );
    let script = match argv[0].as_str() {
        "turbo" => match ops.first().map(String::as_str) {
            Some("run") => ops.get(1).cloned(),
            Some(s) if !matches!(s, "prune" | "login" | "link" | "daemon" | "gen" | "ls") => {
                Some(s.to_string())
            }
            _ => None,
        },
        "nx" => take_option(words, &["-t", "--target", "--targets"])
            .0
            .map(|t| t.split(',').next().unwrap_or("").to_string())
            .or_else(|| match ops.first().map(String::as_str) {
                Some("run") => ops
                    .get(1)
                    .and_then(|p| p.split(':').nth(1))
                    .map(String::from),
                _ => None,
            }),
        _ => (ops.first().map(String::as_str) == Some("run"))
            .then(|| ops.get(1).cloned())
            .flatten(),
    }?;
    Some(NodeRun {
        manager: "npm".into(),
        dir: cwd.to_string(),
        script,
        explicit: false,
        if_present: true,
        all: true,
        workspace: None,
    })
}

/// `yarn jest`, `pnpm exec`-less binaries: the words from the binary on.
pub fn bin_fallback(argv: &[String]) -> Option<Vec<String>> {
    let manager = argv.first()?.as_str();
    let builtins = match manager {
        "yarn" => YARN_BUILTINS,
        "pnpm" => PNPM_BUILTINS,
        "bun" => BUN_BUILTINS,
        _ => return None,
    };
    let (_, words) = take_option(&argv[1..], &["--cwd", "-C", "--dir", "--filter", "-F"]);
    let at = words.iter().position(|w| !w.starts_with('-'))?;
    let first = words[at].as_str();
    if builtins.contains(&first)
        || matches!(
            first,
            "run" | "run-script" | "test" | "t" | "workspace" | "workspaces" | "start"
        )
        || first.contains('/')
        || first.contains('.')
    {
        return None;
    }
    Some(words[at..].to_vec())
}

/// The package.json `scripts` as (name, command).
fn scripts(src: &SourceText) -> Option<Vec<(String, String)>> {
    let json: serde_json::Value = serde_json::from_str(&src.text).ok()?;
    let obj = json.get("scripts")?.as_object()?;
    Some(
        obj.iter()
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
            .collect(),
    )
}

/// (line, column) of the value of script `name` in a package.json.
fn script_position(src: &SourceText, name: &str) -> (u32, u32) {
    let start = src
        .lines()
        .find(|(_, l)| l.contains("\"scripts\""))
        .map_or(1, |(n, _)| n);
    let key = format!("\"{name}\"");
    for (n, line) in src.lines().skip(start - 1) {
        let Some(at) = line.find(&key) else {
            continue;
        };
        let after = &line[at + key.len()..];
        if !after.trim_start().starts_with(':') {
            continue;
        }
        let value_at = after
            .find(':')
            .and_then(|c| after[c..].find('"').map(|q| c + q));
        let col = value_at.map_or(at, |v| at + key.len() + v + 1);
        return (n as u32, line[..col].chars().count() as u32 + 1);
    }
    (start as u32, 1)
}

fn package_name(src: &SourceText) -> Option<String> {
    let json: serde_json::Value = serde_json::from_str(&src.text).ok()?;
    json.get("name")?.as_str().map(String::from)
}

pub fn resolve_node(ws: &Workspace, run: &NodeRun) -> Result<Vec<Chunk>, String> {
    let packages: Vec<String> = if run.all || run.workspace.is_some() {
        let prefix = if run.dir.is_empty() {
            String::new()
        } else {
            format!("{}/", run.dir)
        };
        ws.files_of(FileKind::Manifest(Ecosystem::Npm))
            .map(|f| f.rel.clone())
            .filter(|p| p.starts_with(&prefix) && !p.contains("node_modules/") && !is_test_path(p))
            .filter(|p| match &run.workspace {
                None => true,
                Some(w) => {
                    let dir = p.trim_end_matches("package.json").trim_end_matches('/');
                    dir == join(&run.dir, w)
                        || ws.text(p).and_then(|t| package_name(&t)).as_deref() == Some(w)
                }
            })
            .collect()
    } else {
        vec![in_dir(&run.dir, "package.json")]
    };
    let mut out = Vec::new();
    for pkg in &packages {
        let Some(src) = ws.text(pkg) else {
            if packages.len() == 1 {
                return Err(format!("no package.json in {}", shown(&run.dir)));
            }
            continue;
        };
        let Some(defined) = scripts(&src) else {
            continue;
        };
        let dir = pkg
            .trim_end_matches("package.json")
            .trim_end_matches('/')
            .to_string();
        let hooks = matches!(run.manager.as_str(), "npm" | "yarn");
        let names = [
            hooks.then(|| format!("pre{}", run.script)),
            Some(run.script.clone()),
            hooks.then(|| format!("post{}", run.script)),
        ];
        for name in names.into_iter().flatten() {
            if let Some((_, body)) = defined.iter().find(|(k, _)| *k == name) {
                let (line, column) = script_position(&src, &name);
                out.push(Chunk {
                    path: pkg.clone(),
                    target: name.clone(),
                    line,
                    column,
                    body: Body::Shell(body.clone()),
                    tolerated: None,
                    cwd: dir.clone(),
                });
            }
        }
    }
    if out.iter().all(|c| c.target != run.script) && !run.if_present {
        return Err(format!(
            "no script `{}` in {}",
            run.script,
            if packages.len() == 1 {
                packages[0].as_str()
            } else {
                "the workspace packages"
            }
        ));
    }
    Ok(out)
}

fn shown(dir: &str) -> &str {
    if dir.is_empty() {
        "the repository root"
    } else {
        dir
    }
}

pub fn pre_commit_invocation(cwd: &str, args: &[String], env: &[(String, String)]) -> Invocation {
    let (config, rest) = take_option(args, &["-c", "--config"]);
    let ops = operands(
        &rest,
        &[
            "--hook-stage",
            "--from-ref",
            "--to-ref",
            "--color",
            "-s",
            "-o",
            "--source",
            "--origin",
        ],
    );
    let hook = ops
        .get(1)
        .filter(|_| !rest.iter().any(|w| w == "--files"))
        .cloned();
    let skip = env
        .iter()
        .find(|(k, _)| k == "SKIP")
        .map(|(_, v)| v.split(',').map(|s| s.trim().to_string()).collect())
        .unwrap_or_default();
    Invocation::PreCommit {
        dir: cwd.to_string(),
        config,
        hook,
        skip,
    }
}

pub fn resolve_pre_commit(
    ws: &Workspace,
    dir: &str,
    config: Option<&str>,
    hook: Option<&str>,
    skip: &[String],
) -> Result<Vec<Chunk>, String> {
    let path = match config {
        Some(c) => join(dir, c),
        None => [".pre-commit-config.yaml", ".pre-commit-config.yml"]
            .iter()
            .map(|n| in_dir(dir, n))
            .find(|p| ws.file(p).is_some())
            .ok_or_else(|| format!("no .pre-commit-config.yaml in {}", shown(dir)))?,
    };
    let src = ws
        .text(&path)
        .ok_or_else(|| format!("{path} cannot be read"))?;
    let docs = vouch_workspace::yaml::parse_str(&src.text)
        .map_err(|e| format!("{path}:{}: {}", e.line, e.message))?;
    let mut out = Vec::new();
    for repo in docs
        .iter()
        .flat_map(|d| d.root.get("repos").map(Node::items).unwrap_or(&[]))
    {
        let local = repo.get("repo").and_then(Node::as_str) == Some("local");
        for h in repo.get("hooks").map(Node::items).unwrap_or(&[]) {
            let Some(id_node) = h.get("id") else {
                continue;
            };
            let id = id_node.as_str().unwrap_or("");
            if hook.is_some_and(|want| want != id) || skip.iter().any(|s| s == id) {
                continue;
            }
            let manual_only = h.get("stages").is_some_and(|s| {
                !s.items().is_empty() && s.items().iter().all(|x| x.as_str() == Some("manual"))
            });
            if manual_only && hook.is_none() {
                continue;
            }
            let args: Vec<String> = h
                .get("args")
                .map(|a| {
                    a.items()
                        .iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            let (node, body) = match h.get("entry").filter(|_| local) {
                Some(entry) => {
                    let mut text = entry.as_str().unwrap_or("").to_string();
                    for a in &args {
                        text.push(' ');
                        text.push_str(a);
                    }
                    (entry, Body::Shell(text))
                }
                None => (id_node, Body::Argv(hook_argv(id, &args))),
            };
            out.push(Chunk {
                path: path.clone(),
                target: id.to_string(),
                line: node.line,
                column: node.column,
                body,
                tolerated: None,
                cwd: dir.to_string(),
            });
        }
    }
    if let (Some(want), true) = (hook, out.is_empty()) {
        return Err(format!("no hook `{want}` in {path}"));
    }
    Ok(out)
}

/// The command a well-known pre-commit hook stands for. In CI a hook that rewrites files fails
/// the run, so formatter hooks are checks.
fn hook_argv(id: &str, args: &[String]) -> Vec<String> {
    let base: &[&str] = match id {
        "ruff" | "ruff-check" => &["ruff", "check"],
        "ruff-format" => &["ruff", "format", "--check"],
        "black" | "black-jupyter" => &["black", "--check"],
        "isort" => &["isort", "--check-only"],
        "prettier" => &["prettier", "--check"],
        "golangci-lint" | "golangci-lint-full" | "golangci-lint-config-verify" => {
            &["golangci-lint", "run"]
        }
        "go-fmt" | "gofmt" | "go-fmt-repo" => &["gofmt", "-l", "--fail-on-output"],
        "go-imports" | "goimports" => &["goimports", "-l", "--fail-on-output"],
        "go-vet" | "go-vet-mod" | "go-vet-repo-mod" => &["go", "vet"],
        "go-unit-tests" | "go-test-mod" | "go-test-repo-mod" => &["go", "test"],
        "go-build" | "go-build-mod" => &["go", "build"],
        "fmt" | "rustfmt" | "cargo-fmt" => &["cargo", "fmt", "--check"],
        "clippy" | "cargo-clippy" => &["cargo", "clippy"],
        "cargo-check" => &["cargo", "check"],
        "biome-check" | "biome-ci" => &["biome", "check"],
        "biome-lint" => &["biome", "lint"],
        "biome-format" => &["biome", "format"],
        "eslint" => &["eslint"],
        "mypy" => &["mypy"],
        "pyright" => &["pyright"],
        "flake8" => &["flake8"],
        "pylint" => &["pylint"],
        "bandit" => &["bandit"],
        "semgrep" => &["semgrep"],
        "pip-audit" => &["pip-audit"],
        "python-safety-dependencies-check" => &["safety", "check"],
        "gosec" => &["gosec"],
        other => {
            return std::iter::once(other.to_string())
                .chain(args.iter().cloned())
                .collect();
        }
    };
    base.iter()
        .map(|s| s.to_string())
        .chain(args.iter().cloned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_positions() {
        let text = "{\n  \"name\": \"web\",\n  \"scripts\": {\n    \"test\": \"vitest run --coverage\",\n    \"lint\": \"eslint .\"\n  }\n}\n";
        let src = SourceText::new("package.json", text.to_string());
        assert_eq!(script_position(&src, "lint"), (5, 14));
        assert_eq!(
            scripts(&src).unwrap()[0],
            ("lint".into(), "eslint .".into())
        );
    }

    #[test]
    fn monorepo_runners() {
        let a = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        assert_eq!(
            monorepo_invocation("", &a("turbo run test --filter=web"))
                .unwrap()
                .script,
            "test"
        );
        assert_eq!(
            monorepo_invocation("", &a("nx run-many -t lint,test"))
                .unwrap()
                .script,
            "lint"
        );
        assert_eq!(
            monorepo_invocation("", &a("nx affected --target=test"))
                .unwrap()
                .script,
            "test"
        );
        assert_eq!(
            monorepo_invocation("", &a("lerna run build"))
                .unwrap()
                .script,
            "build"
        );
        assert!(monorepo_invocation("", &a("turbo prune web")).is_none());
    }

    #[test]
    fn hooks() {
        assert_eq!(
            hook_argv("ruff", &["--fix".into()]),
            vec!["ruff", "check", "--fix"]
        );
        assert_eq!(hook_argv("check-yaml", &[]), vec!["check-yaml"]);
    }
}
