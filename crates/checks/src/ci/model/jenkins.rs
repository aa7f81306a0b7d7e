//! Jenkinsfiles: the shell steps (`sh '...'`, `sh """..."""`, `sh(script: '...')`, `bat`,
//! `powershell`), comments ignored, `catchError(buildResult: 'SUCCESS')` blocks and un-checked
//! `returnStatus: true` calls as ignored failures, agent images, shared libraries.

use super::shell::ShellState;
use super::{Builder, Origin, Place, Tolerance, UsesKind};
use regex::Regex;
use std::sync::LazyLock;
use vouch_workspace::SourceText;

static STEP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(sh|bat|pwsh|powershell)\b\s*\(?").expect("static regex"));
static CATCH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\bcatchError\s*\(([^)]*)\)\s*\{"#).expect("static regex"));
static IMAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\bimage\s+['"]([^'"]+)['"]"#).expect("static regex"));
static STAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bstage\s*\(").expect("static regex"));

pub fn build(b: &mut Builder<'_>, file: usize, src: &SourceText) {
    let path = src.path.clone();
    let masked = mask_comments(&src.text);
    b.model.files[file].jobs = STAGE.find_iter(&masked).count().max(1);
    if masked.contains("@Library") || masked.contains("library(") {
        b.opaque(&path, 1, "shared-library steps cannot be read");
    }
    for c in IMAGE.captures_iter(&masked) {
        let m = c.get(1).expect("group");
        let (line, col) = src.position(m.start());
        b.add_uses(
            file,
            UsesKind::Image,
            m.as_str(),
            &path,
            line as u32,
            col as u32,
        );
    }
    let catches: Vec<(usize, usize, Tolerance)> = CATCH
        .captures_iter(&masked)
        .filter(|c| {
            let args = &c[1];
            args.contains("buildResult")
                && (args.contains("'SUCCESS'") || args.contains("\"SUCCESS\""))
        })
        .filter_map(|c| {
            let whole = c.get(0).expect("match");
            let end = block_end(&masked, whole.end())?;
            let (line, col) = src.position(whole.start());
            Some((
                whole.start(),
                end,
                Tolerance {
                    path: path.clone(),
                    line: line as u32,
                    column: col as u32,
                    what: "catchError(buildResult: 'SUCCESS')".to_string(),
                },
            ))
        })
        .collect();
    for m in STEP.find_iter(&masked) {
        let Some(call) = parse_call(&src.text, &masked, m.end()) else {
            continue;
        };
        let (line, col) = src.position(call.content_start);
        let (sline, scol) = src.position(m.start());
        let mut tolerated = catches
            .iter()
            .find(|(s, e, _)| *s < m.start() && m.start() < *e)
            .map(|(_, _, t)| t.clone());
        if tolerated.is_none() && call.return_status {
            let line_start = masked[..m.start()].rfind('\n').map_or(0, |i| i + 1);
            let before = &masked[line_start..m.start()];
            let checked =
                before.contains('=') || before.contains("if") || before.contains("return");
            if !checked {
                tolerated = Some(Tolerance {
                    path: path.clone(),
                    line: sline as u32,
                    column: scol as u32,
                    what: "returnStatus: true (exit code not checked)".to_string(),
                });
            }
        }
        let s = b.add_step(file, sline as u32, None);
        let mut origin = Origin::new(file, &path, Some(s));
        origin.tolerated = tolerated;
        let block = b.new_block();
        let mut cwd = String::new();
        let mut state = ShellState::default();
        let place = Place::Exact {
            line: line as u32,
            column: col as u32,
        };
        b.script(
            &origin,
            src,
            place,
            &call.content,
            &mut cwd,
            &mut state,
            block,
        );
    }
}

struct Call {
    content: String,
    content_start: usize,
    return_status: bool,
}

/// The script string of a step call starting at `at` (just after `sh` / `sh(`).
fn parse_call(text: &str, masked: &str, at: usize) -> Option<Call> {
    let rest = &masked[at..];
    let trimmed = rest.trim_start();
    let start = at + (rest.len() - trimmed.len());
    let (lit_at, return_status) = if trimmed.starts_with(['\'', '"']) {
        (start, false)
    } else {
        // Named arguments: find `script:` before the closing parenthesis.
        let mut end = trimmed.find(')').unwrap_or(trimmed.len()).min(2000);
        while !trimmed.is_char_boundary(end) {
            end -= 1;
        }
        let args = &trimmed[..end];
        let key = args.find("script")?;
        let colon = args[key..].find(':')? + key;
        let after = &args[colon + 1..];
        let lit = colon + 1 + (after.len() - after.trim_start().len());
        let rs = args.contains("returnStatus") && {
            let r = &args[args.find("returnStatus")?..];
            r.split(',').next().unwrap_or("").contains("true")
        };
        (start + lit, rs)
    };
    let (content, content_start) = string_literal(text, lit_at)?;
    Some(Call {
        content,
        content_start,
        return_status,
    })
}

/// A Groovy string literal at byte `at`: its content and the byte offset where it starts.
fn string_literal(text: &str, at: usize) -> Option<(String, usize)> {
    let rest = text.get(at..)?;
    for delim in ["'''", "\"\"\"", "'", "\""] {
        if let Some(body) = rest.strip_prefix(delim) {
            let start = at + delim.len();
            if delim.len() == 3 {
                let end = body.find(delim)?;
                return Some((body[..end].to_string(), start));
            }
            let mut out = String::new();
            let mut chars = body.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            out.push(n);
                        }
                    }
                    c if c.to_string() == delim => return Some((out, start)),
                    '\n' => return None,
                    c => out.push(c),
                }
            }
            return None;
        }
    }
    None
}

/// Byte offset of the `}` closing the block opened just before `from`.
fn block_end(masked: &str, from: usize) -> Option<usize> {
    let mut depth = 1;
    for (i, c) in masked[from..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(from + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The text with `//` and `/* */` comments blanked (offsets kept); string contents stay.
fn mask_comments(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut i = 0;
    let mut quote: Option<&[u8]> = None;
    while i < bytes.len() {
        if let Some(q) = quote {
            if bytes[i] == b'\\' {
                i += 2;
                continue;
            }
            if bytes[i..].starts_with(q) {
                i += q.len();
                quote = None;
                continue;
            }
            i += 1;
            continue;
        }
        if bytes[i..].starts_with(b"'''") || bytes[i..].starts_with(b"\"\"\"") {
            quote = Some(&bytes[i..i + 3]);
            i += 3;
            continue;
        }
        if bytes[i] == b'\'' || bytes[i] == b'"' {
            quote = Some(&bytes[i..i + 1]);
            i += 1;
            continue;
        }
        if bytes[i..].starts_with(b"//") {
            while i < bytes.len() && bytes[i] != b'\n' {
                out[i] = b' ';
                i += 1;
            }
            continue;
        }
        if bytes[i..].starts_with(b"/*") {
            while i < bytes.len() && !bytes[i..].starts_with(b"*/") {
                if bytes[i] != b'\n' {
                    out[i] = b' ';
                }
                i += 1;
            }
            for _ in 0..2 {
                if i < bytes.len() {
                    out[i] = b' ';
                    i += 1;
                }
            }
            continue;
        }
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_masked_but_strings_kept() {
        let m = mask_comments("sh 'a // b'\n// sh 'pytest'\n/* sh 'x' */ sh \"y\"\n");
        assert!(m.contains("sh 'a // b'"));
        assert!(!m.contains("pytest"));
        assert!(!m.contains("'x'"));
        assert!(m.contains("sh \"y\""));
    }

    #[test]
    fn long_non_ascii_arguments_do_not_panic() {
        let text = format!("sh(label: '{}'", "é".repeat(1500));
        assert!(parse_call(&text, &text, 3).is_none());
    }

    #[test]
    fn calls() {
        let text = "sh(returnStatus: true, script: 'trivy fs .')\n";
        let c = parse_call(text, text, 3).unwrap();
        assert_eq!(c.content, "trivy fs .");
        assert!(c.return_status);
        let text = "sh '''\n  pytest -q\n'''\n";
        let c = parse_call(text, text, 2).unwrap();
        assert_eq!(c.content, "\n  pytest -q\n");
    }
}
