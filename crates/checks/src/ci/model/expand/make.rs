//! Makefiles and justfiles: targets/recipes, their prerequisites and recipe lines.

use super::{Body, Chunk, Invocation, in_dir, join, take_option};
use std::collections::HashMap;
use vouch_workspace::{SourceText, Workspace};

pub fn make_invocation(cwd: &str, args: &[String]) -> Invocation {
    let (dir, rest) = take_option(args, &["-C", "--directory"]);
    let (file, rest) = take_option(&rest, &["-f", "--file", "--makefile"]);
    let (_, rest) = take_option(&rest, &["-j", "--jobs", "-l", "-o", "-W"]);
    let targets = rest
        .into_iter()
        .filter(|w| !w.starts_with('-') && !w.contains('='))
        .collect();
    Invocation::Make {
        dir: dir.map_or_else(|| cwd.to_string(), |d| join(cwd, &d)),
        file,
        targets,
    }
}

pub fn just_invocation(cwd: &str, args: &[String]) -> Invocation {
    let (dir, rest) = take_option(args, &["-d", "--working-directory"]);
    let (file, rest) = take_option(&rest, &["-f", "--justfile"]);
    let words = rest.into_iter().filter(|w| !w.starts_with('-')).collect();
    Invocation::Just {
        dir: dir.map_or_else(|| cwd.to_string(), |d| join(cwd, &d)),
        file,
        words,
    }
}

/// A rule of a Makefile or a recipe of a justfile.
#[derive(Debug, Default)]
struct Rule {
    deps: Vec<String>,
    /// (line, column, text, ignores errors)
    lines: Vec<(u32, u32, String, bool)>,
    /// A justfile recipe with a shebang: its body is one script.
    shebang: bool,
}

#[derive(Debug, Default)]
struct RuleFile {
    order: Vec<String>,
    rules: HashMap<String, Rule>,
    vars: HashMap<String, String>,
}

impl RuleFile {
    fn rule_mut(&mut self, name: &str) -> &mut Rule {
        if !self.rules.contains_key(name) {
            self.order.push(name.to_string());
        }
        self.rules.entry(name.to_string()).or_default()
    }
}

pub fn resolve_make(
    ws: &Workspace,
    dir: &str,
    file: Option<&str>,
    targets: &[String],
) -> Result<Vec<Chunk>, String> {
    let path = match file {
        Some(f) => join(dir, f),
        None => ["GNUmakefile", "makefile", "Makefile"]
            .iter()
            .map(|n| in_dir(dir, n))
            .find(|p| ws.file(p).is_some())
            .ok_or_else(|| format!("no Makefile in {}", shown_dir(dir)))?,
    };
    let src = ws
        .text(&path)
        .ok_or_else(|| format!("{path} cannot be read"))?;
    let mf = parse_makefile(&src);
    let wanted: Vec<String> = if targets.is_empty() {
        let first = mf
            .order
            .iter()
            .find(|t| !t.starts_with('.') && !t.contains('%'))
            .ok_or_else(|| format!("{path} has no target"))?;
        vec![first.clone()]
    } else {
        targets.to_vec()
    };
    let mut out = Vec::new();
    for t in &wanted {
        if !mf.rules.contains_key(t) {
            return Err(format!("no target `{t}` in {path}"));
        }
        collect(&mf, t, &path, dir, &mut Vec::new(), &mut out);
    }
    Ok(out)
}

pub fn resolve_just(
    ws: &Workspace,
    dir: &str,
    file: Option<&str>,
    words: &[String],
) -> Result<Vec<Chunk>, String> {
    let path = match file {
        Some(f) => join(dir, f),
        None => ["justfile", "Justfile", ".justfile", "JUSTFILE"]
            .iter()
            .map(|n| in_dir(dir, n))
            .find(|p| ws.file(p).is_some())
            .ok_or_else(|| format!("no justfile in {}", shown_dir(dir)))?,
    };
    let src = ws
        .text(&path)
        .ok_or_else(|| format!("{path} cannot be read"))?;
    let jf = parse_justfile(&src);
    let mut wanted: Vec<String> = words
        .iter()
        .filter_map(|w| {
            jf.rules
                .contains_key(w)
                .then(|| w.clone())
                .or_else(|| jf.vars.get(&format!("alias:{w}")).cloned())
        })
        .collect();
    if wanted.is_empty() {
        if let Some(w) = words.first() {
            return Err(format!("no recipe `{w}` in {path}"));
        }
        let first = jf
            .order
            .first()
            .ok_or_else(|| format!("{path} has no recipe"))?;
        wanted.push(first.clone());
    }
    let mut out = Vec::new();
    for t in &wanted {
        collect(&jf, t, &path, dir, &mut Vec::new(), &mut out);
    }
    Ok(out)
}

fn shown_dir(dir: &str) -> &str {
    if dir.is_empty() {
        "the repository root"
    } else {
        dir
    }
}

/// Prerequisites first (depth-first, once each), then the rule's own lines.
fn collect(
    f: &RuleFile,
    name: &str,
    path: &str,
    dir: &str,
    seen: &mut Vec<String>,
    out: &mut Vec<Chunk>,
) {
    if seen.iter().any(|s| s == name) || seen.len() > 64 {
        return;
    }
    seen.push(name.to_string());
    let Some(rule) = f.rules.get(name) else {
        return;
    };
    for d in &rule.deps {
        collect(f, d, path, dir, seen, out);
    }
    if rule.shebang {
        let body: Vec<&str> = rule.lines.iter().map(|l| l.2.as_str()).collect();
        if let Some((line, column, _, _)) = rule.lines.first() {
            out.push(Chunk {
                path: path.to_string(),
                target: name.to_string(),
                line: *line,
                column: *column,
                body: Body::Shell(body.join("\n")),
                tolerated: None,
                cwd: dir.to_string(),
            });
        }
        return;
    }
    for (line, column, text, ignore) in &rule.lines {
        out.push(Chunk {
            path: path.to_string(),
            target: name.to_string(),
            line: *line,
            column: *column,
            body: Body::Shell(text.clone()),
            tolerated: ignore.then(|| "`-` prefix (errors ignored)".to_string()),
            cwd: dir.to_string(),
        });
    }
}

/// Strips make/just recipe prefixes (`@`, `-`, `+`): returns (text, ignores errors, chars removed).
fn strip_prefixes(text: &str) -> (&str, bool, usize) {
    let mut ignore = false;
    let mut n = 0;
    for c in text.chars() {
        match c {
            '@' | '+' => {}
            '-' => ignore = true,
            ' ' | '\t' => {}
            _ => break,
        }
        n += 1;
    }
    (
        &text[text.char_indices().nth(n).map_or(text.len(), |x| x.0)..],
        ignore,
        n,
    )
}

/// Physical lines joined at trailing backslashes: (first line number, text).
fn joined_lines(src: &SourceText) -> Vec<(u32, String)> {
    let mut out: Vec<(u32, String)> = Vec::new();
    let mut pending: Option<(u32, String)> = None;
    for (n, line) in src.lines() {
        let (start, mut acc) = pending.take().unwrap_or((n as u32, String::new()));
        if !acc.is_empty() {
            acc.truncate(acc.trim_end().len());
            acc.push(' ');
            acc.push_str(line.trim_start());
        } else {
            acc.push_str(line);
        }
        if acc.ends_with('\\') {
            acc.pop();
            pending = Some((start, acc));
        } else {
            out.push((start, acc));
        }
    }
    if let Some(p) = pending {
        out.push(p);
    }
    out
}

fn parse_makefile(src: &SourceText) -> RuleFile {
    let mut f = RuleFile::default();
    f.vars.insert("MAKE".into(), "make".into());
    let mut current: Vec<String> = Vec::new();
    let mut in_define = false;
    for (n, line) in joined_lines(src) {
        if in_define {
            in_define = !line.trim_start().starts_with("endef");
            continue;
        }
        if let Some(body) = line.strip_prefix('\t') {
            if current.is_empty() || body.trim().is_empty() || body.trim_start().starts_with('#') {
                continue;
            }
            let (text, ignore, cut) = strip_prefixes(body);
            let column = 2 + cut as u32;
            let text = expand_vars(text, &f.vars);
            for t in &current {
                f.rule_mut(t).lines.push((n, column, text.clone(), ignore));
            }
            continue;
        }
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let first = t.split_whitespace().next().unwrap_or("");
        if first == "define" {
            in_define = true;
            current.clear();
            continue;
        }
        if matches!(
            first,
            "ifeq"
                | "ifneq"
                | "ifdef"
                | "ifndef"
                | "else"
                | "endif"
                | "include"
                | "-include"
                | "sinclude"
                | "vpath"
                | "unexport"
        ) {
            continue;
        }
        if let Some((name, value)) = assignment(t) {
            f.vars.insert(name, value);
            current.clear();
            continue;
        }
        if let Some((targets, rest)) = split_rule(t) {
            let (deps, inline) = match rest.split_once(';') {
                Some((d, r)) => (d, Some(r.trim())),
                None => (rest, None),
            };
            let deps: Vec<String> = expand_vars(deps.split('|').next().unwrap_or(""), &f.vars)
                .split_whitespace()
                .map(String::from)
                .collect();
            current = expand_vars(targets, &f.vars)
                .split_whitespace()
                .filter(|t| !t.contains('%'))
                .map(String::from)
                .collect();
            let inline = inline.filter(|i| !i.is_empty()).map(|i| {
                let column = super::column_of(src.line(n as usize), i).unwrap_or(1);
                (n, column, expand_vars(i, &f.vars), false)
            });
            for t in &current.clone() {
                let rule = f.rule_mut(t);
                rule.deps.extend(deps.iter().cloned());
                rule.lines.extend(inline.clone());
            }
            continue;
        }
        current.clear();
    }
    f
}

/// `NAME = value`, `NAME := value`, `NAME ?= value`, `export NAME = value`.
fn assignment(line: &str) -> Option<(String, String)> {
    let line = line
        .strip_prefix("export ")
        .or_else(|| line.strip_prefix("override "))
        .unwrap_or(line);
    let eq = line.find('=')?;
    let colon = line.find(':');
    if colon.is_some_and(|c| c < eq && !line[c..eq].chars().all(|x| x == ':')) {
        return None;
    }
    let name = line[..eq].trim_end_matches([':', '?', '+', '!', ' ', '\t']);
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    Some((name.to_string(), line[eq + 1..].trim().to_string()))
}

/// `targets: deps` (also `targets:: deps`); not `:=` assignments.
fn split_rule(line: &str) -> Option<(&str, &str)> {
    let c = line.find(':')?;
    let after = &line[c + 1..];
    if after.starts_with('=') {
        return None;
    }
    let after = after.strip_prefix(':').unwrap_or(after);
    Some((&line[..c], after))
}

/// Expands `$(NAME)` / `${NAME}` with the file's simple variables; `$$` becomes `$`.
fn expand_vars(text: &str, vars: &HashMap<String, String>) -> String {
    let mut s = text.replace("$$", "\u{0}");
    for _ in 0..5 {
        let mut changed = false;
        let mut out = String::with_capacity(s.len());
        let mut rest = s.as_str();
        while let Some(i) = rest.find('$') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let close = match after.chars().next() {
                Some('(') => ')',
                Some('{') => '}',
                _ => {
                    out.push('$');
                    rest = after;
                    continue;
                }
            };
            match after.find(close) {
                Some(end) if vars.contains_key(&after[1..end]) => {
                    out.push_str(&vars[&after[1..end]]);
                    rest = &after[end + 1..];
                    changed = true;
                }
                _ => {
                    out.push('$');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        s = out;
        if !changed {
            break;
        }
    }
    s.replace('\u{0}', "$")
}

fn parse_justfile(src: &SourceText) -> RuleFile {
    let mut f = RuleFile::default();
    let mut current: Option<String> = None;
    for (n, line) in src.lines() {
        let n = n as u32;
        let indented = line.starts_with(' ') || line.starts_with('\t');
        if indented {
            if let Some(name) = &current {
                let body = line.trim_start();
                if body.is_empty() {
                    continue;
                }
                let indent = line.len() - body.len();
                let rule = f.rules.get_mut(name).expect("current recipe exists");
                if rule.lines.is_empty() && body.starts_with("#!") {
                    rule.shebang = body.contains("sh") && !body.contains("python");
                    if !rule.shebang {
                        current = None;
                    }
                    continue;
                }
                if body.starts_with('#') && !rule.shebang {
                    continue;
                }
                let (text, ignore, cut) = strip_prefixes(body);
                let text = interpolate(text, &f.vars);
                let column = (indent + cut) as u32 + 1;
                rule.lines.push((n, column, text, ignore));
            }
            continue;
        }
        current = None;
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with('[') {
            continue;
        }
        if let Some(rest) = t.strip_prefix("alias ") {
            if let Some((a, target)) = rest.split_once(":=") {
                f.vars
                    .insert(format!("alias:{}", a.trim()), target.trim().to_string());
            }
            continue;
        }
        if t.starts_with("set ") || t.starts_with("import ") || t.starts_with("mod ") {
            continue;
        }
        if let Some((name, value)) = t.split_once(":=") {
            let name = name.trim().trim_start_matches("export ").trim();
            let value = value.trim().trim_matches(['"', '\'']).to_string();
            f.vars.insert(name.to_string(), value);
            continue;
        }
        let Some((head, deps)) = t.split_once(':') else {
            continue;
        };
        let name = head
            .trim_start_matches('@')
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_string();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            continue;
        }
        let deps: Vec<String> = deps
            .split_whitespace()
            .map(|d| {
                d.trim_start_matches('(')
                    .split('(')
                    .next()
                    .unwrap_or(d)
                    .to_string()
            })
            .filter(|d| !d.is_empty() && d != "&&")
            .collect();
        f.rule_mut(&name).deps = deps;
        current = Some(name);
    }
    f
}

/// `{{ var }}` with the justfile's variables.
fn interpolate(text: &str, vars: &HashMap<String, String>) -> String {
    let mut out = text.to_string();
    for (k, v) in vars {
        if k.starts_with("alias:") {
            continue;
        }
        for pat in [format!("{{{{{k}}}}}"), format!("{{{{ {k} }}}}")] {
            out = out.replace(&pat, v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makefile_rules_vars_and_prefixes() {
        let text = "PYTEST ?= poetry run pytest\n.PHONY: test lint\n\nall: lint test\n\nlint:\n\truff check .\n\t-mypy src\n\ntest: lint\n\t@$(PYTEST) --cov=app \\\n\t  --cov-fail-under=85\n";
        let src = SourceText::new("Makefile", text.to_string());
        let mf = parse_makefile(&src);
        assert_eq!(
            mf.order.iter().find(|t| !t.starts_with('.')).unwrap(),
            "all"
        );
        let test = &mf.rules["test"];
        assert_eq!(test.deps, vec!["lint"]);
        assert_eq!(test.lines[0].0, 11);
        assert_eq!(
            test.lines[0].2,
            "poetry run pytest --cov=app --cov-fail-under=85"
        );
        assert!(mf.rules["lint"].lines[1].3, "`-` ignores errors");
        assert_eq!(mf.rules["lint"].lines[1].2, "mypy src");
    }

    #[test]
    fn justfile_recipes() {
        let text = "set dotenv-load\nversion := \"1.2\"\n\ndefault: lint test\n\n# Lint\nlint:\n    cargo clippy -- -D warnings\n\n@test *args:\n    cargo nextest run {{args}}\n\nalias t := test\n";
        let src = SourceText::new("justfile", text.to_string());
        let jf = parse_justfile(&src);
        assert_eq!(jf.order[0], "default");
        assert_eq!(jf.rules["default"].deps, vec!["lint", "test"]);
        assert_eq!(jf.rules["lint"].lines[0].2, "cargo clippy -- -D warnings");
        assert_eq!(jf.rules["lint"].lines[0].1, 5);
        assert_eq!(jf.vars["alias:t"], "test");
    }
}
