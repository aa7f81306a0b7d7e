//! Task-runner invocations (`make test`, `npm test`, `tox -e lint`, `nox -s tests`, `just ci`,
//! `pre-commit run`, `./scripts/ci.sh`) and their resolution into the commands of the file that
//! defines them.

use super::Cmd;
use super::shell::ShellCmd;
use vouch_workspace::Workspace;

mod make;
mod node;
mod python;

/// What a CI command invokes.
#[derive(Clone, Debug, PartialEq)]
pub enum Invocation {
    Make {
        dir: String,
        file: Option<String>,
        targets: Vec<String>,
    },
    Just {
        dir: String,
        file: Option<String>,
        words: Vec<String>,
    },
    Node(node::NodeRun),
    Tox {
        dir: String,
        config: Option<String>,
        envs: Vec<String>,
    },
    Nox {
        dir: String,
        file: Option<String>,
        sessions: Vec<String>,
    },
    PreCommit {
        dir: String,
        config: Option<String>,
        hook: Option<String>,
        skip: Vec<String>,
    },
    Script {
        path: String,
    },
}

/// A piece of the invoked file to model: a recipe line, a script, a hook.
#[derive(Clone, Debug)]
pub struct Chunk {
    pub path: String,
    /// The target/script/env it belongs to (cycle guard and block grouping).
    pub target: String,
    pub line: u32,
    pub column: u32,
    pub body: Body,
    /// A failure-ignoring prefix on this line (`-` in a Makefile or tox).
    pub tolerated: Option<String>,
    pub cwd: String,
}

#[derive(Clone, Debug)]
pub enum Body {
    Shell(String),
    Argv(Vec<String>),
}

/// Joins a relative directory or path to `base` ("" = repository root), normalising `.`/`..`.
/// Paths with variables stay as written so resolution fails instead of guessing.
pub fn join(base: &str, rel: &str) -> String {
    let rel = rel.trim_end_matches('/');
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        Vec::new()
    } else {
        base.split('/').filter(|p| !p.is_empty()).collect()
    };
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Path of `name` inside directory `dir`.
pub fn in_dir(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Whether `cmd` invokes a task runner or a repository script.
pub fn invocation(ws: &Workspace, cmd: &Cmd, sc: &ShellCmd) -> Option<Invocation> {
    let a = &cmd.argv;
    let cwd = cmd.cwd.as_str();
    if a.iter().any(|w| w.contains("${{")) && !matches!(a[0].as_str(), "make" | "npm") {
        return None;
    }
    match a[0].as_str() {
        "make" | "gmake" => Some(make::make_invocation(cwd, &a[1..])),
        "just" => Some(make::just_invocation(cwd, &a[1..])),
        "npm" | "yarn" | "pnpm" | "bun" => node::node_invocation(ws, cwd, a).map(Invocation::Node),
        "turbo" | "nx" | "lerna" => node::monorepo_invocation(cwd, a).map(Invocation::Node),
        "tox" => Some(python::tox_invocation(cwd, &a[1..], &sc.env)),
        "nox" => Some(python::nox_invocation(cwd, &a[1..])),
        "pre-commit" | "prek" if cmd.sub() == Some("run") => {
            Some(node::pre_commit_invocation(cwd, &a[1..], &sc.env))
        }
        _ => script_invocation(ws, cwd, &sc.words),
    }
}

/// `yarn jest --ci`, `pnpm eslint .`: not a package script (see [`invocation`]), so the
/// package's binary runs: the words from the binary on.
pub fn bin_fallback(argv: &[String]) -> Option<Vec<String>> {
    node::bin_fallback(argv)
}

/// `./scripts/ci.sh`, `bash scripts/test.sh`, `sh -e ci/lint`: a shell script of the repository.
fn script_invocation(ws: &Workspace, cwd: &str, words: &[String]) -> Option<Invocation> {
    let first = words.first()?;
    let path_word = if matches!(first.as_str(), "bash" | "sh" | "zsh" | "dash") {
        words[1..].iter().find(|w| !w.starts_with('-'))?
    } else if first.contains('/') {
        first
    } else {
        return None;
    };
    if path_word.contains('$') {
        return None;
    }
    let path = join(cwd, path_word);
    let entry = ws.file(&path)?;
    if entry.binary {
        return None;
    }
    let name = path.rsplit('/').next().unwrap_or(&path);
    if matches!(name, "gradlew" | "mvnw") {
        return None;
    }
    let is_shell = name.ends_with(".sh") || name.ends_with(".bash") || {
        let text = ws.text(&path)?;
        let first_line = text.line(1);
        first_line.starts_with("#!")
            && (first_line.contains("sh") && !first_line.contains("python"))
    };
    is_shell.then_some(Invocation::Script { path })
}

/// The chunks an invocation runs, or why they cannot be read.
pub fn resolve(ws: &Workspace, inv: &Invocation) -> Result<Vec<Chunk>, String> {
    match inv {
        Invocation::Make { dir, file, targets } => {
            make::resolve_make(ws, dir, file.as_deref(), targets)
        }
        Invocation::Just { dir, file, words } => {
            make::resolve_just(ws, dir, file.as_deref(), words)
        }
        Invocation::Node(run) => node::resolve_node(ws, run),
        Invocation::Tox { dir, config, envs } => {
            python::resolve_tox(ws, dir, config.as_deref(), envs)
        }
        Invocation::Nox {
            dir,
            file,
            sessions,
        } => python::resolve_nox(ws, dir, file.as_deref(), sessions),
        Invocation::PreCommit {
            dir,
            config,
            hook,
            skip,
        } => node::resolve_pre_commit(ws, dir, config.as_deref(), hook.as_deref(), skip),
        Invocation::Script { path } => {
            let text = ws
                .text(path)
                .ok_or_else(|| format!("{path} cannot be read"))?;
            Ok(vec![Chunk {
                path: path.clone(),
                target: String::new(),
                line: 1,
                column: 1,
                body: Body::Shell(text.text.clone()),
                tolerated: None,
                cwd: String::new(),
            }])
        }
    }
}

/// Splits `flag value` / `flag=value` / `-Xvalue` options off a word list: returns the value of
/// the first of `names` and the remaining words.
pub fn take_option(words: &[String], names: &[&str]) -> (Option<String>, Vec<String>) {
    let mut value = None;
    let mut rest = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let hit = names.iter().find_map(|n| {
            if w == n {
                Some(words.get(i + 1).cloned().map(|v| (v, 2)))
            } else if let Some(v) = w.strip_prefix(n).and_then(|r| r.strip_prefix('=')) {
                Some(Some((v.to_string(), 1)))
            } else if n.len() == 2 && !n.starts_with("--") && w.starts_with(n) && w.len() > 2 {
                Some(Some((w[2..].to_string(), 1)))
            } else {
                None
            }
        });
        match hit {
            Some(Some((v, n))) if value.is_none() => {
                value = Some(v);
                i += n;
            }
            Some(_) if value.is_some() => {
                rest.push(w.clone());
                i += 1;
            }
            _ => {
                rest.push(w.clone());
                i += 1;
            }
        }
    }
    (value, rest)
}

/// 1-based column (characters) of `needle` in `line`, if present.
pub fn column_of(line: &str, needle: &str) -> Option<u32> {
    line.find(needle)
        .map(|at| line[..at].chars().count() as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_paths() {
        assert_eq!(join("", "./web"), "web");
        assert_eq!(join("web", "../api/"), "api");
        assert_eq!(join("a/b", "c"), "a/b/c");
        assert_eq!(in_dir("", "Makefile"), "Makefile");
    }

    #[test]
    fn options() {
        let w: Vec<String> = ["-C", "api", "test"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            take_option(&w, &["-C", "--directory"]),
            (Some("api".into()), vec!["test".into()])
        );
        let w: Vec<String> = ["--directory=api", "lint"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            take_option(&w, &["-C", "--directory"]).0.as_deref(),
            Some("api")
        );
        let w: Vec<String> = ["-Capi"].iter().map(|s| s.to_string()).collect();
        assert_eq!(take_option(&w, &["-C"]).0.as_deref(), Some("api"));
    }
}
