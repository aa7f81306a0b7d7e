//! setuptools metadata: declarative `setup.cfg` and, best-effort, `setup.py`.

use super::{Dependency, Sink, is_dev_group, requirements};
use crate::classify::Ecosystem;
use crate::source::SourceText;
use regex::Regex;
use std::sync::LazyLock;

/// `[options] install_requires` / `tests_require` and `[options.extras_require]`.
/// A one-line value is split on `;` (setuptools' list-semi), a dangling list by lines.
pub(super) fn setup_cfg(src: &SourceText) -> Result<Vec<Dependency>, String> {
    let mut sink = Sink::new(src, Ecosystem::Python);
    let mut section = String::new();
    // Dev flag of the key whose value we are reading, None outside one.
    let mut reading: Option<bool> = None;
    for (n, raw) in src.lines() {
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        let continuation = raw.starts_with([' ', '\t']);
        if continuation {
            if let Some(dev) = reading {
                add_cfg_requirement(&mut sink, strip_inline_comment(trimmed), n, dev)?;
            }
            continue;
        }
        reading = None;
        if let Some(name) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            section = name.trim().to_ascii_lowercase();
            continue;
        }
        let Some((key, value)) = trimmed.split_once(['=', ':']) else {
            return Err(format!("line {n}: expected `key = value` or a [section]"));
        };
        let key = key.trim().to_ascii_lowercase();
        reading = match (section.as_str(), key.as_str()) {
            ("options", "install_requires") => Some(false),
            ("options", "tests_require") => Some(true),
            ("options.extras_require", extra) => Some(is_dev_group(extra)),
            _ => None,
        };
        let value = strip_inline_comment(value.trim());
        if let Some(dev) = reading {
            if value.starts_with("file:") {
                reading = None;
                continue;
            }
            for part in value.split(';') {
                add_cfg_requirement(&mut sink, part, n, dev)?;
            }
        }
    }
    Ok(sink.out)
}

fn strip_inline_comment(value: &str) -> &str {
    value.split(" #").next().unwrap_or(value).trim()
}

fn add_cfg_requirement(sink: &mut Sink, text: &str, line: usize, dev: bool) -> Result<(), String> {
    match requirements::requirement_line(text) {
        Ok(Some(r)) => sink.push(r.name, r.version, line, dev),
        Ok(None) => {}
        Err(e) => return Err(format!("line {line}: {e}")),
    }
    Ok(())
}

static LIST_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(install_requires|tests_require)\s*=\s*\[").expect("static regex")
});
static EXTRAS_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bextras_require\s*=\s*\{").expect("static regex"));

/// Literal lists in `setup(...)`: `install_requires=[...]`, `tests_require=[...]` and
/// `extras_require={"name": [...]}`. Lists built at run time (read from a file, computed)
/// cannot be known and yield nothing; invalid strings are skipped.
pub(super) fn setup_py(src: &SourceText) -> Vec<Dependency> {
    let mut sink = Sink::new(src, Ecosystem::Python);
    let text = src.text.as_str();
    for caps in LIST_START.captures_iter(text) {
        let dev = &caps[1] == "tests_require";
        let start = caps.get(0).map_or(0, |m| m.end());
        let mut scanner = PyScanner { text, pos: start };
        add_py_list(&mut sink, &mut scanner, dev);
    }
    for m in EXTRAS_START.find_iter(text) {
        let mut scanner = PyScanner { text, pos: m.end() };
        // `"name": [ ... ],` repeated until `}`.
        while let Some(Token::Str(extra, _)) = scanner.next() {
            if scanner.next() != Some(Token::Punct(':'))
                || scanner.next() != Some(Token::Punct('['))
            {
                break;
            }
            add_py_list(&mut sink, &mut scanner, is_dev_group(&extra));
            if scanner.next() != Some(Token::Punct(',')) {
                break;
            }
        }
    }
    sink.out
}

/// Reads string items up to the closing `]` (the scanner is just after the `[`).
fn add_py_list(sink: &mut Sink, scanner: &mut PyScanner, dev: bool) {
    while let Some(token) = scanner.next() {
        match token {
            Token::Str(s, offset) => {
                if let Ok(Some(r)) = requirements::requirement_line(&s) {
                    let line = sink.line_at(offset);
                    sink.push(r.name, r.version, line, dev);
                }
            }
            Token::Punct(']') => return,
            Token::Punct(_) | Token::Other => {}
        }
    }
}

#[derive(Debug, PartialEq)]
enum Token {
    /// A string literal's contents and its offset.
    Str(String, usize),
    Punct(char),
    Other,
}

/// Just enough of Python's lexer to walk literal lists: strings, comments, punctuation.
struct PyScanner<'a> {
    text: &'a str,
    pos: usize,
}

impl PyScanner<'_> {
    fn next(&mut self) -> Option<Token> {
        let bytes = self.text.as_bytes();
        while self.pos < bytes.len() {
            let b = bytes[self.pos];
            if b.is_ascii_whitespace() {
                self.pos += 1;
            } else if b == b'#' {
                self.pos =
                    memchr::memchr(b'\n', &bytes[self.pos..]).map_or(bytes.len(), |i| self.pos + i);
            } else {
                break;
            }
        }
        let b = *bytes.get(self.pos)?;
        let start = self.pos;
        if b == b'"' || b == b'\'' {
            let triple = bytes[self.pos..].starts_with(&[b; 3]);
            let delim_len = if triple { 3 } else { 1 };
            let body_start = self.pos + delim_len;
            let mut i = body_start;
            while i < bytes.len() {
                if bytes[i] == b'\\' {
                    i += 2;
                    continue;
                }
                if bytes[i..].starts_with(&[b; 3][..delim_len]) {
                    self.pos = i + delim_len;
                    return Some(Token::Str(self.text[body_start..i].to_string(), start));
                }
                if !triple && bytes[i] == b'\n' {
                    break;
                }
                i += 1;
            }
            self.pos = bytes.len();
            return None;
        }
        if matches!(b, b'[' | b']' | b'{' | b'}' | b'(' | b')' | b',' | b':') {
            self.pos += 1;
            return Some(Token::Punct(b as char));
        }
        // An identifier, number or operator: skip one character (whole chars, UTF-8 safe).
        let len = self.text[self.pos..]
            .chars()
            .next()
            .map_or(1, char::len_utf8);
        self.pos += len;
        Some(Token::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Row = (String, Option<String>, u32, bool);

    fn rows(deps: Vec<Dependency>) -> Vec<Row> {
        deps.into_iter()
            .map(|d| (d.name, d.version, d.line, d.dev))
            .collect()
    }

    fn r(name: &str, v: Option<&str>, line: u32, dev: bool) -> Row {
        (name.into(), v.map(Into::into), line, dev)
    }

    #[test]
    fn setup_cfg_options() {
        let text = r#"[metadata]
name = inventory
version = attr: inventory.__version__

[options]
packages = find:
python_requires = >=3.9
install_requires =
    requests>=2.28
    # pinned for the legacy API
    pydantic<2 ; python_version < "3.12"
    click
tests_require = pytest; pytest-mock

[options.extras_require]
redis = redis>=5
docs =
    sphinx

[flake8]
max-line-length = 100
"#;
        let src = SourceText::new("setup.cfg", text.into());
        assert_eq!(
            rows(setup_cfg(&src).unwrap()),
            [
                r("requests", Some(">=2.28"), 9, false),
                r("pydantic", Some("<2"), 11, false),
                r("click", None, 12, false),
                r("pytest", None, 13, true),
                r("pytest-mock", None, 13, true),
                r("redis", Some(">=5"), 16, false),
                r("sphinx", None, 18, true),
            ]
        );
    }

    #[test]
    fn setup_cfg_file_reference_and_errors() {
        let src = SourceText::new(
            "setup.cfg",
            "[options]\ninstall_requires = file: requirements.txt\n".into(),
        );
        assert!(setup_cfg(&src).unwrap().is_empty());
        let src = SourceText::new(
            "setup.cfg",
            "[options]\ninstall_requires =\n    flask 2\n".into(),
        );
        assert!(setup_cfg(&src).unwrap_err().starts_with("line 3:"));
        let src = SourceText::new("setup.cfg", "[metadata]\nthis is not ini\n".into());
        assert!(setup_cfg(&src).unwrap_err().starts_with("line 2:"));
    }

    #[test]
    fn setup_py_literal_lists() {
        let text = r#"from setuptools import find_packages, setup

with open("README.md") as fh:
    long_description = fh.read()

setup(
    name="payments",
    version="2.1.0",
    packages=find_packages(exclude=["tests"]),
    install_requires=[
        "stripe>=7.0",  # card processing
        'boto3[crt]',
        "prometheus-client==0.19.0",
    ],
    tests_require=["pytest"],
    extras_require={
        "dev": ["black", "isort"],
        'sentry': ["sentry-sdk>=1.39"],
    },
)
"#;
        let src = SourceText::new("setup.py", text.into());
        assert_eq!(
            rows(setup_py(&src)),
            [
                r("stripe", Some(">=7.0"), 11, false),
                r("boto3", None, 12, false),
                r("prometheus-client", Some("==0.19.0"), 13, false),
                r("pytest", None, 15, true),
                r("black", None, 17, true),
                r("isort", None, 17, true),
                r("sentry-sdk", Some(">=1.39"), 18, false),
            ]
        );
    }

    #[test]
    fn setup_py_computed_lists_yield_nothing() {
        let text =
            "REQS = open('requirements.txt').read().splitlines()\nsetup(install_requires=REQS)\n";
        let src = SourceText::new("setup.py", text.into());
        assert!(setup_py(&src).is_empty());
        let src = SourceText::new("setup.py", "setup(install_requires=['unterminated\n".into());
        assert!(setup_py(&src).is_empty());
    }
}
