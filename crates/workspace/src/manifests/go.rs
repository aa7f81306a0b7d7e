//! `go.mod`: `require` lines and blocks. Requirements marked `// indirect` are left out: the
//! module does not import them itself, so they say nothing about what the service uses.

use super::{Dependency, Sink};
use crate::classify::Ecosystem;
use crate::source::SourceText;

pub(super) fn go_mod(src: &SourceText) -> Result<Vec<Dependency>, String> {
    let mut sink = Sink::new(src, Ecosystem::Go);
    // The directive of the open `( ... )` block, with the line that opened it.
    let mut block: Option<(String, usize)> = None;
    for (n, raw) in src.lines() {
        let (code, comment) = split_comment(raw);
        let code = code.trim();
        if code.is_empty() {
            continue;
        }
        if let Some((directive, _)) = &block {
            if code == ")" {
                block = None;
            } else if directive == "require" {
                require(&mut sink, code, comment, n)?;
            }
            continue;
        }
        let (directive, rest) = code.split_once(char::is_whitespace).unwrap_or((code, ""));
        let rest = rest.trim();
        if rest == "(" {
            block = Some((directive.to_string(), n));
        } else if directive == "require" {
            require(&mut sink, rest, comment, n)?;
        } else if !is_known_directive(directive) {
            return Err(format!("line {n}: unknown directive `{directive}`"));
        }
    }
    if let Some((directive, line)) = block {
        return Err(format!("line {line}: `{directive} (` block is not closed"));
    }
    Ok(sink.out)
}

fn is_known_directive(d: &str) -> bool {
    matches!(
        d,
        "module" | "go" | "toolchain" | "godebug" | "replace" | "exclude" | "retract" | "tool"
    )
}

/// `path version` with an optional `// indirect` comment.
fn require(sink: &mut Sink, code: &str, comment: &str, line: usize) -> Result<(), String> {
    let mut parts = code.split_whitespace();
    let (Some(path), Some(version), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!(
            "line {line}: expected `module/path version`, found `{code}`"
        ));
    };
    let path = path.trim_matches(|c| c == '"' || c == '`');
    if path.is_empty() || !version.starts_with('v') {
        return Err(format!(
            "line {line}: expected `module/path version`, found `{code}`"
        ));
    }
    let indirect = comment.split(';').any(|c| c.trim() == "indirect");
    if !indirect {
        sink.push(
            path.to_ascii_lowercase(),
            Some(version.to_string()),
            line,
            false,
        );
    }
    Ok(())
}

/// Splits `code // comment` (go.mod has no `//` inside module paths or versions).
fn split_comment(line: &str) -> (&str, &str) {
    match line.find("//") {
        Some(i) => (&line[..i], line[i + 2..].trim()),
        None => (line, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn realistic_go_mod() {
        let text = r#"module github.com/acme/orders

go 1.22.1

toolchain go1.22.3

require github.com/prometheus/client_golang v1.19.0

require (
	github.com/jackc/pgx/v5 v5.5.5
	github.com/BurntSushi/toml v1.3.2 // pinned for the config loader
	go.opentelemetry.io/otel v1.24.0
	golang.org/x/time v0.5.0 // indirect
)

replace github.com/acme/shared => ../shared

exclude (
	github.com/old/thing v1.0.0
)
"#;
        let src = SourceText::new("go.mod", text.into());
        let got: Vec<_> = go_mod(&src)
            .unwrap()
            .into_iter()
            .map(|d| (d.name, d.version.unwrap_or_default(), d.line))
            .collect();
        let want = [
            ("github.com/prometheus/client_golang", "v1.19.0", 7),
            ("github.com/jackc/pgx/v5", "v5.5.5", 10),
            ("github.com/burntsushi/toml", "v1.3.2", 11),
            ("go.opentelemetry.io/otel", "v1.24.0", 12),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|(n, v, l)| (n.to_string(), v.to_string(), *l))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn malformed_go_mod() {
        let src = SourceText::new(
            "go.mod",
            "module x\n\nrequire (\n\tgithub.com/a/b v1.0.0\n".into(),
        );
        assert!(go_mod(&src).unwrap_err().starts_with("line 3:"));
        let src = SourceText::new("go.mod", "module x\nrequire github.com/a/b\n".into());
        assert!(go_mod(&src).unwrap_err().starts_with("line 2:"));
        let src = SourceText::new("go.mod", "module x\n<<<<<<< HEAD\n".into());
        assert!(go_mod(&src).unwrap_err().starts_with("line 2:"));
    }
}
