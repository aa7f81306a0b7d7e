//! Whether `next build` type-checks: Next.js runs the TypeScript checker during the build
//! unless `next.config.*` sets `typescript: { ignoreBuildErrors: true }`.

use super::model::{Cmd, join_path};
use crate::prelude::*;
use vouch_workspace::SourceText;

/// Config file names Next.js loads, in its own order of precedence.
const CONFIG_NAMES: [&str; 5] = [
    "next.config.js",
    "next.config.mjs",
    "next.config.ts",
    "next.config.cjs",
    "next.config.mts",
];

/// What the Next.js configuration says about type checking during `next build`.
#[derive(Debug, PartialEq)]
pub enum BuildTypeCheck {
    /// No configuration, or one that leaves type checking on.
    Runs,
    /// `ignoreBuildErrors: true` at (path, line, column).
    Skipped(Setting),
    /// `ignoreBuildErrors` set from an expression vouch cannot evaluate.
    Unclear(Setting),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub line_text: String,
    /// The value as written (`true`, `process.env.SKIP_TYPES === "1"`).
    pub value: String,
}

impl Setting {
    pub fn at(&self) -> String {
        format!("{}:{}", self.path, self.line)
    }
}

/// Whether the `next build` command `c` type-checks the project it builds.
pub fn next_build_type_check(ws: &Workspace, c: &Cmd) -> BuildTypeCheck {
    // `next build [directory]`: the project directory, relative to where the command runs.
    let dir = match c.operands().nth(1) {
        Some(d) => join_path(&c.cwd, d),
        None => c.cwd.clone(),
    };
    let Some(src) = CONFIG_NAMES.iter().find_map(|name| {
        let rel = if dir.is_empty() {
            (*name).to_string()
        } else {
            format!("{dir}/{name}")
        };
        ws.text(&rel)
    }) else {
        return BuildTypeCheck::Runs;
    };
    ignore_build_errors(&src)
}

/// Reads `ignoreBuildErrors` from a Next.js configuration (comments ignored).
fn ignore_build_errors(src: &SourceText) -> BuildTypeCheck {
    let masked = mask_js_comments(&src.text);
    let key = "ignoreBuildErrors";
    let mut unclear = None;
    for (at, _) in masked.match_indices(key) {
        let before = masked[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = masked[at + key.len()..].trim_start_matches(['"', '\'']);
        let rest = rest.trim_start_matches([' ', '\t']);
        let value = if let Some(v) = rest.strip_prefix(':') {
            v
        } else if let Some(v) = rest.strip_prefix('=').filter(|v| !v.starts_with('=')) {
            v
        } else if rest.starts_with(',') || rest.starts_with('}') || rest.starts_with('\n') {
            // Shorthand property `{ ignoreBuildErrors }`: a variable vouch does not follow.
            ""
        } else {
            continue;
        };
        let value = value
            .trim_start()
            .split([',', '}', ';', '\n'])
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        let (line, column) = src.position(at);
        let setting = Setting {
            path: src.path.clone(),
            line: line as u32,
            column: column as u32,
            line_text: src.line(line).to_string(),
            value: if value.is_empty() {
                key.to_string()
            } else {
                value.clone()
            },
        };
        match value.as_str() {
            "true" | "!0" => return BuildTypeCheck::Skipped(setting),
            "false" | "!1" => {}
            _ => {
                unclear.get_or_insert(setting);
            }
        }
    }
    unclear.map_or(BuildTypeCheck::Runs, BuildTypeCheck::Unclear)
}

/// The text with `//` and `/* */` comments blanked (offsets and line breaks kept); the
/// contents of '...', "..." and `...` strings stay.
fn mask_js_comments(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(q) = quote {
            if b == b'\\' {
                i += 2;
                continue;
            }
            if b == q || (b == b'\n' && q != b'`') {
                quote = None;
            }
            i += 1;
            continue;
        }
        match b {
            b'\'' | b'"' | b'`' => quote = Some(b),
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    out[i] = b' ';
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |e| i + 2 + e + 2);
                for o in &mut out[i..end] {
                    if *o != b'\n' {
                        *o = b' ';
                    }
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    // Every byte of a comment is blanked (all bytes of a multi-byte character): still UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> BuildTypeCheck {
        ignore_build_errors(&SourceText::new("next.config.js", text.to_string()))
    }

    #[test]
    fn literal_true_skips_type_checking() {
        let r = check("module.exports = {\n  typescript: { ignoreBuildErrors: true },\n};\n");
        let BuildTypeCheck::Skipped(s) = r else {
            panic!("{r:?}")
        };
        assert_eq!((s.line, s.column), (2, 17));
        assert!(matches!(
            check("const c = {};\nc.typescript = { \"ignoreBuildErrors\": true };\n"),
            BuildTypeCheck::Skipped(_)
        ));
        assert!(matches!(
            check("const c = require('./base');\nc.typescript.ignoreBuildErrors = true;\n"),
            BuildTypeCheck::Skipped(_)
        ));
    }

    #[test]
    fn comments_false_and_other_keys_do_not_count() {
        for text in [
            "module.exports = {\n  // typescript: { ignoreBuildErrors: true },\n};\n",
            "module.exports = {\n  /*\n   typescript: { ignoreBuildErrors: true },\n  */\n};\n",
            "export default { typescript: { ignoreBuildErrors: false } };\n",
            "export default { eslint: { ignoreDuringBuilds: true } };\n",
            "const url = 'https://x.test/a//b'; export default { reactStrictMode: true };\n",
        ] {
            assert_eq!(check(text), BuildTypeCheck::Runs, "{text}");
        }
    }

    #[test]
    fn expressions_are_unclear() {
        let r = check(
            "module.exports = {\n  typescript: { ignoreBuildErrors: process.env.SKIP_TYPES === '1' },\n};\n",
        );
        let BuildTypeCheck::Unclear(s) = r else {
            panic!("{r:?}")
        };
        assert_eq!(s.value, "process.env.SKIP_TYPES === '1'");
        assert!(matches!(
            check(
                "const ignoreBuildErrors = !!process.env.CI;\nmodule.exports = { typescript: { ignoreBuildErrors } };\n"
            ),
            BuildTypeCheck::Unclear(_)
        ));
    }
}
