//! Compose variable interpolation (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
//! `${VAR:?err}`, `${VAR:+alt}`, `$$`) and the `.env` file format it reads values from.
//!
//! Only the repository is known, not the shell of whoever runs `docker compose`: a variable
//! is resolved from the project's `.env` file or the expression's default, and otherwise kept
//! as written (`${VAR}`), so later checks can tell a reference from a literal.

use std::sync::Arc;
use vouch_workspace::SourceText;

/// One `NAME=value` line of an env file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
    pub line: u32,
}

/// A parsed env file (`.env`, or a service's `env_file`).
#[derive(Clone, Debug)]
pub struct EnvFile {
    pub src: Arc<SourceText>,
    pub vars: Vec<EnvVar>,
}

impl EnvFile {
    pub fn parse(src: Arc<SourceText>) -> EnvFile {
        let vars = parse_env_lines(&src);
        EnvFile { src, vars }
    }

    /// The last assignment of `name` (later lines win, as in compose).
    pub fn get(&self, name: &str) -> Option<&EnvVar> {
        self.vars.iter().rev().find(|v| v.name == name)
    }
}

fn parse_env_lines(src: &SourceText) -> Vec<EnvVar> {
    let mut vars = Vec::new();
    for (n, line) in src.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let body = trimmed.strip_prefix("export ").unwrap_or(trimmed);
        let Some((name, raw)) = body.split_once('=') else {
            continue;
        };
        let name = name.trim();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            continue;
        }
        vars.push(EnvVar {
            name: name.to_string(),
            value: env_value(raw.trim()),
            line: n as u32,
        });
    }
    vars
}

/// Quoted values keep their content (double quotes understand `\n`, `\"`, `\\`); unquoted
/// values lose a trailing ` # comment`.
fn env_value(raw: &str) -> String {
    if let Some(inner) = raw.strip_prefix('\'') {
        return inner.split('\'').next().unwrap_or("").to_string();
    }
    if let Some(inner) = raw.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => {}
                },
                c => out.push(c),
            }
        }
        return out;
    }
    match raw.find(" #") {
        Some(i) => raw[..i].trim_end().to_string(),
        None => raw.to_string(),
    }
}

/// How a reference got (or did not get) its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// From the project's `.env`, at this line.
    DotEnv(u32),
    /// From the default written in the expression (`${VAR:-default}`).
    Default,
    /// Not known here: the shell of whoever deploys sets it (or compose fails for `:?`).
    Unresolved,
}

/// A variable reference found in a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    /// The literal default of `${VAR:-default}` / `${VAR-default}`, as written.
    pub default: Option<String>,
    pub resolution: Resolution,
}

/// A value after interpolation. Unresolved references stay in `text` as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interpolated {
    pub text: String,
    pub refs: Vec<VarRef>,
}

impl Interpolated {
    /// Some reference has no value here (it comes from the deploying shell).
    pub fn has_unresolved(&self) -> bool {
        self.refs
            .iter()
            .any(|r| r.resolution == Resolution::Unresolved)
    }
}

/// Interpolates `raw` with the variables of `dotenv` (when the project has one).
pub fn interpolate(raw: &str, dotenv: Option<&EnvFile>) -> Interpolated {
    let mut out = Interpolated {
        text: String::new(),
        refs: Vec::new(),
    };
    if !raw.contains('$') {
        out.text = raw.to_string();
        return out;
    }
    expand(raw, dotenv, &mut out, 0);
    out
}

const MAX_NESTING: usize = 8;

fn expand(raw: &str, dotenv: Option<&EnvFile>, out: &mut Interpolated, depth: usize) {
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if bytes[i] != b'$' {
            let next = raw[i..].find('$').map_or(raw.len(), |p| i + p);
            out.text.push_str(&raw[i..next]);
            i = next;
            continue;
        }
        match bytes.get(i + 1) {
            Some(b'$') => {
                out.text.push('$');
                i += 2;
            }
            Some(b'{') => match matching_brace(raw, i + 1) {
                Some(end) if depth < MAX_NESTING => {
                    braced(&raw[i + 2..end], &raw[i..=end], dotenv, out, depth);
                    i = end + 1;
                }
                _ => {
                    out.text.push_str(&raw[i..]);
                    i = raw.len();
                }
            },
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                let len = raw[i + 1..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(raw.len() - i - 1);
                let name = &raw[i + 1..i + 1 + len];
                let written = &raw[i..i + 1 + len];
                lookup(name, None, Op::Plain, written, dotenv, out, depth);
                i += 1 + len;
            }
            _ => {
                out.text.push('$');
                i += 1;
            }
        }
    }
}

/// Index of the `}` closing the `{` at `open`, counting nested `${`.
fn matching_brace(raw: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (off, c) in raw[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + off);
                }
            }
            _ => {}
        }
    }
    None
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Plain,
    /// `:-` (unset or empty) / `-` (unset): use the default.
    Default {
        empty_counts: bool,
    },
    /// `:?` / `?`: compose refuses to start when unset.
    Required,
    /// `:+` / `+`: the alternative when set.
    Alternative,
}

fn braced(
    inner: &str,
    written: &str,
    dotenv: Option<&EnvFile>,
    out: &mut Interpolated,
    depth: usize,
) {
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let (name, rest) = inner.split_at(name_len);
    let (op, word) = if let Some(w) = rest.strip_prefix(":-") {
        (Op::Default { empty_counts: true }, Some(w))
    } else if let Some(w) = rest.strip_prefix('-') {
        (
            Op::Default {
                empty_counts: false,
            },
            Some(w),
        )
    } else if let Some(w) = rest.strip_prefix(":?").or_else(|| rest.strip_prefix('?')) {
        (Op::Required, Some(w))
    } else if let Some(w) = rest.strip_prefix(":+").or_else(|| rest.strip_prefix('+')) {
        (Op::Alternative, Some(w))
    } else {
        (Op::Plain, None)
    };
    lookup(name, word, op, written, dotenv, out, depth);
}

fn lookup(
    name: &str,
    word: Option<&str>,
    op: Op,
    written: &str,
    dotenv: Option<&EnvFile>,
    out: &mut Interpolated,
    depth: usize,
) {
    let found = dotenv.and_then(|d| d.get(name));
    let default = match op {
        Op::Default { .. } => word.map(str::to_string),
        _ => None,
    };
    let mut push_ref = |resolution| {
        out.refs.push(VarRef {
            name: name.to_string(),
            default: default.clone(),
            resolution,
        })
    };
    match (op, found) {
        (Op::Default { empty_counts: true }, Some(v)) if v.value.is_empty() => {
            push_ref(Resolution::Default);
            expand(word.unwrap_or(""), dotenv, out, depth + 1);
        }
        (Op::Alternative, Some(v)) => {
            push_ref(Resolution::DotEnv(v.line));
            expand(word.unwrap_or(""), dotenv, out, depth + 1);
        }
        (_, Some(v)) => {
            push_ref(Resolution::DotEnv(v.line));
            out.text.push_str(&v.value);
        }
        (Op::Default { .. }, None) => {
            push_ref(Resolution::Default);
            expand(word.unwrap_or(""), dotenv, out, depth + 1);
        }
        (Op::Plain | Op::Required | Op::Alternative, None) => {
            push_ref(Resolution::Unresolved);
            out.text.push_str(written);
        }
    }
}

/// Stands for an unresolved reference in [`mask_unresolved`]'s output.
pub const OPAQUE: char = '\u{1}';

/// Replaces every unresolved `${...}` left in an interpolated text by [`OPAQUE`], so that the
/// `:` and `-` inside it do not confuse parsers of ports or image references.
pub fn mask_unresolved(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match matching_brace(rest, start + 1) {
            Some(end) => {
                out.push(OPAQUE);
                rest = &rest[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(text: &str) -> EnvFile {
        EnvFile::parse(SourceText::new(".env", text.to_string()))
    }

    #[test]
    fn env_file_lines() {
        let e = env(
            "# comment\nexport A=1\nB=\"two words\" \nC='lit $X'\nD=plain # note\nbad line\nE=\n",
        );
        let got: Vec<_> = e
            .vars
            .iter()
            .map(|v| (v.name.as_str(), v.value.as_str(), v.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("A", "1", 2),
                ("B", "two words", 3),
                ("C", "lit $X", 4),
                ("D", "plain", 5),
                ("E", "", 7)
            ]
        );
    }

    #[test]
    fn resolves_from_dotenv_and_defaults() {
        let e = env("PG_VERSION=16\nEMPTY=\n");
        let r = interpolate("postgres:${PG_VERSION}-alpine", Some(&e));
        assert_eq!(r.text, "postgres:16-alpine");
        assert_eq!(r.refs[0].resolution, Resolution::DotEnv(1));

        let r = interpolate("${PORT:-5432}:5432", Some(&e));
        assert_eq!(r.text, "5432:5432");
        assert_eq!(r.refs[0].resolution, Resolution::Default);
        assert_eq!(r.refs[0].default.as_deref(), Some("5432"));

        assert_eq!(interpolate("${EMPTY:-x}", Some(&e)).text, "x");
        assert_eq!(interpolate("${EMPTY-x}", Some(&e)).text, "");
    }

    #[test]
    fn unresolved_references_stay_as_written() {
        let r = interpolate("${POSTGRES_PASSWORD}", None);
        assert_eq!(r.text, "${POSTGRES_PASSWORD}");
        assert!(r.has_unresolved());
        let r = interpolate("${TOKEN:?set TOKEN}", None);
        assert_eq!(r.text, "${TOKEN:?set TOKEN}");
        assert!(r.has_unresolved());
        let r = interpolate("$HOME/data", None);
        assert_eq!(r.text, "$HOME/data");
    }

    #[test]
    fn escapes_nesting_and_alternatives() {
        assert_eq!(interpolate("pa$$word", None).text, "pa$word");
        assert!(interpolate("pa$$word", None).refs.is_empty());
        let e = env("B=inner\n");
        assert_eq!(interpolate("${A:-${B}}", Some(&e)).text, "inner");
        assert_eq!(interpolate("${B:+on}", Some(&e)).text, "on");
        assert_eq!(interpolate("cost $5", None).text, "cost $5");
        assert_eq!(interpolate("${unclosed", None).text, "${unclosed");
    }
}
