//! tox environments (tox.ini, `[tox:tox]` in setup.cfg, `legacy_tox_ini` in pyproject.toml)
//! and nox sessions (noxfile.py).

use super::{Body, Chunk, Invocation, in_dir, join, take_option};
use std::collections::BTreeMap;
use vouch_workspace::{SourceText, Workspace};

pub fn tox_invocation(cwd: &str, args: &[String], env: &[(String, String)]) -> Invocation {
    let (envs, rest) = take_option(args, &["-e", "--env"]);
    let (config, _) = take_option(&rest, &["-c", "--conf", "--configfile"]);
    let envs = envs
        .or_else(|| {
            env.iter()
                .find(|(k, _)| k == "TOXENV")
                .map(|(_, v)| v.clone())
        })
        .map(|e| {
            e.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    Invocation::Tox {
        dir: cwd.to_string(),
        config,
        envs,
    }
}

pub fn nox_invocation(cwd: &str, args: &[String]) -> Invocation {
    let (file, rest) = take_option(args, &["-f", "--noxfile"]);
    let mut sessions = Vec::new();
    let mut taking = false;
    for w in rest {
        if matches!(w.as_str(), "-s" | "--session" | "--sessions" | "-e") {
            taking = true;
        } else if w.starts_with('-') {
            taking = false;
        } else if taking {
            sessions.push(w);
        }
    }
    Invocation::Nox {
        dir: cwd.to_string(),
        file,
        sessions,
    }
}

/// A value line: (line, column, text).
type ValueLine = (u32, u32, String);
/// Entries of a section: (key, value lines).
type Entries = Vec<(String, Vec<ValueLine>)>;

/// An INI file as sections of keys with their value lines and positions.
struct Ini {
    sections: BTreeMap<String, Entries>,
}

fn parse_ini(src: &SourceText, first_line: u32, text: &str) -> Ini {
    let mut sections: BTreeMap<String, Entries> = BTreeMap::new();
    let mut section = String::new();
    for (i, line) in text.lines().enumerate() {
        let n = first_line + i as u32;
        let t = line.trim();
        if t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        if t.starts_with('[') && t.ends_with(']') && !line.starts_with([' ', '\t']) {
            section = t[1..t.len() - 1].trim().to_string();
            continue;
        }
        let entries = sections.entry(section.clone()).or_default();
        if line.starts_with([' ', '\t']) {
            if let Some((_, values)) = entries.last_mut()
                && !t.is_empty()
            {
                let col = (line.len() - line.trim_start().len()) as u32 + 1;
                values.push((n, col, t.to_string()));
            }
            continue;
        }
        if let Some((k, v)) = t.split_once('=') {
            let mut values = Vec::new();
            let v = v.trim();
            if !v.is_empty() {
                let col = super::column_of(src.line(n as usize), v).unwrap_or(1);
                values.push((n, col, v.to_string()));
            }
            entries.push((k.trim().to_string(), values));
        }
    }
    Ini { sections }
}

impl Ini {
    fn get(&self, section: &str, key: &str) -> Option<&Vec<ValueLine>> {
        self.sections
            .get(section)?
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

/// Finds the tox configuration: (path, first line of the INI text, INI text, section prefix).
fn tox_config(
    ws: &Workspace,
    dir: &str,
    config: Option<&str>,
) -> Option<(String, u32, String, &'static str)> {
    let candidates: Vec<String> = match config {
        Some(c) => vec![join(dir, c)],
        None => ["tox.ini", "setup.cfg", "pyproject.toml"]
            .iter()
            .map(|n| in_dir(dir, n))
            .collect(),
    };
    for path in candidates {
        let Some(src) = ws.text(&path) else {
            continue;
        };
        if path.ends_with("setup.cfg") {
            if src.text.contains("[tox:tox]") {
                return Some((path, 1, src.text.clone(), "tox:tox"));
            }
        } else if path.ends_with(".toml") {
            let start = src.text.find("legacy_tox_ini")?;
            let open = src.text[start..].find("\"\"\"").map(|o| start + o + 3)?;
            let close = src.text[open..].find("\"\"\"").map(|c| open + c)?;
            let line = src.position(open).0 as u32;
            return Some((path, line, src.text[open..close].to_string(), "tox"));
        } else {
            return Some((path, 1, src.text.clone(), "tox"));
        }
    }
    None
}

/// `py3{10,11}-django{42,50}` → every combination.
fn expand_braces(name: &str) -> Vec<String> {
    let Some(open) = name.find('{') else {
        return vec![name.to_string()];
    };
    let Some(close) = name[open..].find('}').map(|c| open + c) else {
        return vec![name.to_string()];
    };
    let (head, tail) = (&name[..open], &name[close + 1..]);
    name[open + 1..close]
        .split(',')
        .flat_map(|alt| expand_braces(&format!("{head}{}{tail}", alt.trim())))
        .collect()
}

pub fn resolve_tox(
    ws: &Workspace,
    dir: &str,
    config: Option<&str>,
    envs: &[String],
) -> Result<Vec<Chunk>, String> {
    let (path, first, text, main) = tox_config(ws, dir, config)
        .ok_or_else(|| format!("no tox configuration in {}", shown(dir)))?;
    let src = ws
        .text(&path)
        .ok_or_else(|| format!("{path} cannot be read"))?;
    let ini = parse_ini(&src, first, &text);
    let base = "testenv";
    let env_names: Vec<String> = if envs.is_empty() || envs.iter().any(|e| e == "ALL") {
        let listed = ini
            .get(main, "envlist")
            .or_else(|| ini.get(main, "env_list"))
            .map(|v| {
                v.iter()
                    .flat_map(|(_, _, s)| s.split(','))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .flat_map(expand_braces)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        if listed.is_empty() {
            vec![String::new()]
        } else {
            listed
        }
    } else {
        envs.to_vec()
    };
    let mut out = Vec::new();
    for env in &env_names {
        let own = format!("{base}:{env}");
        let commands = ["commands_pre", "commands"]
            .iter()
            .filter_map(|key| ini.get(&own, key).or_else(|| ini.get(base, key)));
        let factors: Vec<&str> = env.split('-').collect();
        for values in commands {
            for (line, column, value) in values {
                let (text, col) = match factor_prefix(value) {
                    Some((cond, _)) if !factor_matches(cond, &factors) => continue,
                    Some((_, rest)) => (rest, column + (value.len() - rest.len()) as u32),
                    None => (value.as_str(), *column),
                };
                let (text, ignore) = match text.strip_prefix('-') {
                    Some(r) if r.starts_with(' ') => (r.trim_start(), true),
                    _ => (text, false),
                };
                out.push(Chunk {
                    path: path.clone(),
                    target: format!("tox:{env}"),
                    line: *line,
                    column: col,
                    body: Body::Shell(tox_substitutions(text)),
                    tolerated: ignore.then(|| "`-` prefix (exit code ignored)".to_string()),
                    cwd: dir.to_string(),
                });
            }
        }
    }
    if out.is_empty() && !envs.is_empty() {
        return Err(format!(
            "no commands for tox env `{}` in {path}",
            envs.join(",")
        ));
    }
    Ok(out)
}

/// `py311,py312: pytest` → (`py311,py312`, `pytest`).
fn factor_prefix(value: &str) -> Option<(&str, &str)> {
    let (cond, rest) = value.split_once(':')?;
    let ok = !cond.is_empty()
        && cond.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, ',' | '!' | '-' | '.' | '_' | '{' | '}')
        })
        && rest.starts_with(' ');
    ok.then(|| (cond, rest.trim_start()))
}

fn factor_matches(cond: &str, factors: &[&str]) -> bool {
    cond.split(',').flat_map(expand_braces).any(|alt| {
        alt.split('-').all(|f| match f.strip_prefix('!') {
            Some(neg) => !factors.contains(&neg),
            None => factors.contains(&f),
        })
    })
}

fn tox_substitutions(text: &str) -> String {
    let mut out = text.to_string();
    while let Some(start) = out.find("{posargs") {
        let Some(end) = out[start..].find('}').map(|e| start + e) else {
            break;
        };
        let default = out[start + "{posargs".len()..end]
            .trim_start_matches(':')
            .to_string();
        out.replace_range(start..=end, &default);
    }
    out.replace("{envpython}", "python")
        .replace("{envbindir}/", "")
        .replace("{toxinidir}", ".")
        .replace("{tox_root}", ".")
}

fn shown(dir: &str) -> &str {
    if dir.is_empty() {
        "the repository root"
    } else {
        dir
    }
}

/// A nox session: name, and the `session.run(...)` calls with their positions.
struct Session {
    name: String,
    runs: Vec<(u32, u32, Vec<String>)>,
}

fn parse_noxfile(src: &SourceText) -> (Vec<Session>, Vec<String>) {
    let mut sessions: Vec<Session> = Vec::new();
    let mut defaults = Vec::new();
    let mut pending: Option<Option<String>> = None;
    let lines: Vec<(usize, &str)> = src.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let (n, line) = lines[i];
        let t = line.trim();
        if t.starts_with("nox.options.sessions") {
            defaults = string_literals(t);
        } else if t.starts_with("@nox.session") {
            let name = t
                .find("name=")
                .map(|at| string_literals(&t[at..]))
                .and_then(|v| v.into_iter().next());
            pending = Some(name);
        } else if let (Some(name), Some(rest)) = (&pending, t.strip_prefix("def ")) {
            let fname = rest.split('(').next().unwrap_or("").trim().to_string();
            sessions.push(Session {
                name: name.clone().unwrap_or(fname),
                runs: Vec::new(),
            });
            pending = None;
        } else if !line.starts_with([' ', '\t'])
            && !t.is_empty()
            && !t.starts_with('@')
            && !t.starts_with('#')
        {
            pending = None;
        }
        if let Some(at) = line.find("session.run(")
            && let Some(s) = sessions.last_mut()
        {
            {
                let mut call = line[at..].to_string();
                let mut j = i;
                while call.matches('(').count() > call.matches(')').count() && j + 1 < lines.len() {
                    j += 1;
                    call.push(' ');
                    call.push_str(lines[j].1.trim());
                }
                let args = call_args(&call["session.run(".len()..]);
                s.runs
                    .push((n as u32, line[..at].chars().count() as u32 + 1, args));
            }
        }
        i += 1;
    }
    (sessions, defaults)
}

/// String literal positional arguments of a call, stopping at the first keyword argument.
fn call_args(args: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in args.split(',') {
        let p = part.trim().trim_end_matches(')').trim();
        if p.contains('=') && !p.starts_with(['"', '\'']) {
            break;
        }
        out.extend(string_literals(p));
    }
    out
}

fn string_literals(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' || c == '\'' {
            let mut s = String::new();
            for d in chars.by_ref() {
                if d == c {
                    break;
                }
                s.push(d);
            }
            out.push(s);
        }
    }
    out
}

pub fn resolve_nox(
    ws: &Workspace,
    dir: &str,
    file: Option<&str>,
    wanted: &[String],
) -> Result<Vec<Chunk>, String> {
    let path = join(dir, file.unwrap_or("noxfile.py"));
    let src = ws.text(&path).ok_or_else(|| format!("no {path}"))?;
    let (sessions, defaults) = parse_noxfile(&src);
    let wanted: Vec<String> = if wanted.is_empty() {
        defaults
    } else {
        wanted.to_vec()
    };
    let mut out = Vec::new();
    for s in &sessions {
        // `-s tests-3.12` / `tests(python='3.12')` select the parametrised `tests` session.
        let selected = wanted.is_empty()
            || wanted.iter().any(|w| {
                w == &s.name
                    || w.strip_prefix(&s.name)
                        .is_some_and(|r| r.starts_with(['-', '(']))
            });
        if !selected {
            continue;
        }
        for (line, column, argv) in &s.runs {
            if argv.is_empty() {
                continue;
            }
            out.push(Chunk {
                path: path.clone(),
                target: format!("nox:{}", s.name),
                line: *line,
                column: *column,
                body: Body::Argv(argv.clone()),
                tolerated: None,
                cwd: dir.to_string(),
            });
        }
    }
    if out.is_empty() && !wanted.is_empty() {
        return Err(format!("no session `{}` in {path}", wanted.join(",")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tox_envs_and_factors() {
        let text = "[tox]\nenvlist = py3{11,12}, lint\n\n[testenv]\ndeps = pytest\ncommands =\n    py312: pytest --cov=app {posargs:tests}\n    !py312: pytest {posargs}\n\n[testenv:lint]\ncommands = - ruff check .\n";
        let src = SourceText::new("tox.ini", text.to_string());
        let ini = parse_ini(&src, 1, text);
        assert_eq!(ini.get("testenv", "commands").unwrap().len(), 2);
        assert_eq!(expand_braces("py3{11,12}"), vec!["py311", "py312"]);
        assert!(factor_matches("py312", &["py312"]));
        assert!(!factor_matches("!py312", &["py312"]));
        assert_eq!(tox_substitutions("pytest {posargs:tests}"), "pytest tests");
    }

    #[test]
    fn nox_sessions() {
        let text = "import nox\n\nnox.options.sessions = [\"lint\", \"tests\"]\n\n@nox.session(python=[\"3.11\", \"3.12\"])\ndef tests(session):\n    session.install(\".[test]\")\n    session.run(\n        \"pytest\", \"--cov=app\", *session.posargs\n    )\n\n@nox.session(name=\"lint\")\ndef lint_code(session):\n    session.run(\"ruff\", \"check\", \".\")\n";
        let src = SourceText::new("noxfile.py", text.to_string());
        let (sessions, defaults) = parse_noxfile(&src);
        assert_eq!(defaults, vec!["lint", "tests"]);
        assert_eq!(sessions[0].name, "tests");
        assert_eq!(sessions[0].runs[0].2, vec!["pytest", "--cov=app"]);
        assert_eq!(sessions[0].runs[0].0, 8);
        assert_eq!(sessions[1].name, "lint");
    }
}
