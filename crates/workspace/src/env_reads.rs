//! Environment variables read by literal name in source code: `os.environ["X"]`,
//! `os.getenv("X")`, `process.env.X`, `os.Getenv("X")`, `env::var("X")`, `System.getenv("X")`,
//! `ENV["X"]`, `ENV.fetch("X")`, `Deno.env.get("X")`. Extracted in the walk's single read of
//! each source file that reads the environment, so checks never read those files again.
//! Writes (`os.environ["X"] = ...`, `process.env.X = ...`) and commented-out lines are not reads.

use crate::{is_docs_or_example_path, is_test_path};
use regex::bytes::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// One read of an environment variable by literal name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvRead {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub name: String,
    /// The read expression as written (`os.getenv("DB_URL"`), safe to quote: no values.
    pub expr: String,
    /// The code supplies a fallback (`os.getenv("X", "info")`, `process.env.X || 3000`) or
    /// only checks presence (`env::var("NO_COLOR").is_ok()`, `os.LookupEnv`): optional.
    pub has_default: bool,
}

const NAME: &str = r"([A-Za-z_][A-Za-z0-9_]*)";

/// Read patterns per language, chosen by file extension: a Python-looking string inside a Rust
/// or JavaScript file is not a read. Each language's patterns form one alternation, so a file
/// is searched once (leftmost match, the first listed pattern winning at one position).
static PATTERNS: LazyLock<Vec<(&'static [&'static str], Regex)>> = LazyLock::new(|| {
    let q = r#"["']"#;
    const PY: &[&str] = &["py"];
    const JS: &[&str] = &["js", "mjs", "cjs", "jsx", "ts", "tsx", "mts", "cts"];
    const GO: &[&str] = &["go"];
    const RS: &[&str] = &["rs"];
    const JVM: &[&str] = &["java", "kt", "kts", "scala", "groovy"];
    const RB: &[&str] = &["rb"];
    let languages: [(&'static [&'static str], Vec<String>); 6] = [
        (
            PY,
            vec![
                format!(r"\bos\.environ[ \t]*\[[ \t]*{q}{NAME}{q}[ \t]*\]"),
                format!(r"\b(?:os\.)?environ\.get\([ \t]*{q}{NAME}{q}"),
                format!(r"\b(?:os\.)?getenv\([ \t]*{q}{NAME}{q}"),
            ],
        ),
        (
            JS,
            vec![
                format!(r"\bprocess\.env\.{NAME}"),
                format!(r"\bprocess\.env\[[ \t]*{q}{NAME}{q}[ \t]*\]"),
                format!(r"\bDeno\.env\.get\([ \t]*{q}{NAME}{q}"),
            ],
        ),
        (
            GO,
            vec![format!(r#"\bos\.(?:Getenv|LookupEnv)\([ \t]*"{NAME}""#)],
        ),
        (
            RS,
            vec![format!(r#"\benv::var(?:_os)?\([ \t]*"{NAME}"[ \t]*\)"#)],
        ),
        (JVM, vec![format!(r#"\bSystem\.getenv\([ \t]*"{NAME}""#)]),
        (
            RB,
            vec![
                format!(r"\bENV\[[ \t]*{q}{NAME}{q}[ \t]*\]"),
                format!(r"\bENV\.fetch\([ \t]*{q}{NAME}{q}"),
            ],
        ),
    ];
    languages
        .into_iter()
        // ASCII classes: names and code around them are ASCII, and the byte search stays a DFA.
        .map(|(exts, patterns)| {
            let alternation = patterns
                .iter()
                .map(|p| format!("(?:{p})"))
                .collect::<Vec<_>>()
                .join("|");
            (
                exts,
                Regex::new(&format!("(?-u){alternation}")).expect("static regex"),
            )
        })
        .collect()
});

/// Reads in one file's text.
pub fn extract(path: &str, text: &str) -> Vec<EnvRead> {
    extract_bytes(path, text.as_bytes())
}

/// As [`extract`], on raw bytes (invalid UTF-8 is decoded lossily where it is quoted).
pub fn extract_bytes(path: &str, bytes: &[u8]) -> Vec<EnvRead> {
    let mut out = Vec::new();
    for_each_read(path, bytes, |found| out.push(found.into_read(path)));
    out
}

/// A read as found in a file's bytes, borrowing them: an [`EnvRead`] once its path is added.
#[derive(Debug)]
pub struct Found<'a> {
    pub line: u32,
    pub column: u32,
    pub name: &'a str,
    pub expr: Cow<'a, str>,
    pub has_default: bool,
}

impl Found<'_> {
    pub fn into_read(self, path: &str) -> EnvRead {
        EnvRead {
            path: path.to_string(),
            line: self.line,
            column: self.column,
            name: self.name.to_string(),
            expr: self.expr.into_owned(),
            has_default: self.has_default,
        }
    }

    /// The order of [`represents_better`] for this read once it is in `path`.
    pub fn rank<'p>(&self, path: &'p str) -> Rank<'p> {
        (self.has_default, path, self.line, self.column)
    }
}

/// Calls `found` for each read in one file's bytes, in the order of the file.
pub fn for_each_read<'a>(path: &str, bytes: &'a [u8], mut found: impl FnMut(Found<'a>)) {
    let ext = path
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    let Some(pattern) = PATTERNS
        .iter()
        .find(|(exts, _)| exts.contains(&ext.as_str()))
        .map(|(_, re)| re)
    else {
        return;
    };
    // Rust unit tests sit at the end of the file they test.
    let bytes = match ext.as_str() {
        "rs" => rust_test_module_start(bytes).map_or(bytes, |cut| &bytes[..cut]),
        _ => bytes,
    };
    // One search of the whole file (its literal prefixes are a SIMD search); the name is read
    // from the match, which costs less than asking the regex for its capture groups.
    let matches = pattern.find_iter(bytes).map(|m| {
        let name = name_in(m.as_bytes());
        (
            m.start(),
            m.end(),
            m.start() + name.start..m.start() + name.end,
        )
    });
    let (mut counted_to, mut line_no) = (0usize, 1u32);
    let mut covered_until = 0;
    for (start, end, name) in matches {
        // A read is one expression on one line.
        if start < covered_until || memchr::memchr(b'\n', &bytes[start..end]).is_some() {
            continue;
        }
        let line_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |i| i + 1);
        line_no += memchr::memchr_iter(b'\n', &bytes[counted_to..line_start]).count() as u32;
        counted_to = line_start;
        let line_end = memchr::memchr(b'\n', &bytes[end..]).map_or(bytes.len(), |i| end + i);
        let head = bytes[line_start..start].trim_ascii_start();
        if head.starts_with(b"#") || head.starts_with(b"//") || head.starts_with(b"*") {
            continue;
        }
        covered_until = end;
        let after = String::from_utf8_lossy(&bytes[end..line_end]);
        let after = after.trim();
        if is_write(after) {
            continue;
        }
        let expr = String::from_utf8_lossy(&bytes[start..end]);
        // The patterns' names are ASCII.
        let Ok(name) = std::str::from_utf8(&bytes[name]) else {
            continue;
        };
        found(Found {
            line: line_no,
            column: String::from_utf8_lossy(&bytes[line_start..start])
                .chars()
                .count() as u32
                + 1,
            name,
            has_default: has_default(&expr, after),
            expr,
        });
    }
}

/// The variable's name in a match of [`PATTERNS`]: the identifier after the first quote
/// (`os.getenv("NAME"`, `ENV['NAME']`), or, where the name is not quoted (`process.env.NAME`),
/// the identifier the match ends with. No pattern holds a quote before the name's own.
fn name_in(matched: &[u8]) -> std::ops::Range<usize> {
    let ident = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    match memchr::memchr2(b'"', b'\'', matched) {
        Some(quote) => {
            let len = matched[quote + 1..].iter().take_while(|b| ident(b)).count();
            quote + 1..quote + 1 + len
        }
        None => {
            let len = matched.iter().rev().take_while(|b| ident(b)).count();
            matched.len() - len..matched.len()
        }
    }
}

/// Offset of a `#[cfg(test)]` at the start of a line.
fn rust_test_module_start(bytes: &[u8]) -> Option<usize> {
    memchr::memmem::find_iter(bytes, b"#[cfg(test)]").find(|&at| {
        let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        bytes[line_start..at]
            .iter()
            .all(|b| b.is_ascii_whitespace())
    })
}

/// Every read on one line; overlapping matches (`System.getenv` also contains `getenv`) keep
/// the one that starts first.
/// `= value` (but not `==`/`=>`) after the expression: an assignment.
fn is_write(after: &str) -> bool {
    after.starts_with('=') && !after.starts_with("==") && !after.starts_with("=>")
}

fn has_default(expr: &str, after: &str) -> bool {
    // Lookup calls whose match ends at the name's closing quote: `os.getenv("X"` ...
    let open_call = expr.ends_with(['"', '\'']);
    // ... take a fallback as a second argument (Go's os.Getenv and Java's getenv take none).
    let second_argument = open_call
        && !expr.contains("Getenv")
        && !expr.contains("LookupEnv")
        && !expr.contains("System.getenv")
        && after.starts_with(',');
    let rest = if open_call {
        after.strip_prefix(')').unwrap_or(after).trim_start()
    } else {
        after
    };
    let fallback_operator = ["||", "??", "?:", ".unwrap_or", ".or_else", ".map_or", "or "]
        .iter()
        .any(|d| rest.starts_with(d));
    // Presence checks (`env::var("NO_COLOR").is_ok()`, Go's LookupEnv) read optional toggles.
    let presence_check = expr.contains("LookupEnv")
        || [".is_ok", ".is_err", ".ok()", ".is_some", ".is_none"]
            .iter()
            .any(|d| rest.starts_with(d));
    let ruby_block = expr.starts_with("ENV.fetch") && rest.starts_with('{');
    // Rust returns a Result: the variable is required only when the error propagates or
    // panics; `match`, `if let`, `.is_ok_and(...)` handle its absence.
    let rust_optional = expr.contains("env::var")
        && ![
            "?",
            ".unwrap()",
            ".expect(",
            ".context(",
            ".with_context(",
            ".map_err(",
        ]
        .iter()
        .any(|d| rest.starts_with(d));
    second_argument || fallback_operator || presence_check || ruby_block || rust_optional
}

/// Code that runs in production: not tests, docs, examples, developer scripts or build
/// configuration (`webpack.config.js` reading `NODE_ENV` is not service configuration).
pub fn is_application_code(rel: &str) -> bool {
    if is_test_path(rel) || is_docs_or_example_path(rel) {
        return false;
    }
    // Asked of every source file: a copy only for a path with upper-case letters.
    let lower = crate::facts::paths::lowercase(rel);
    let (folders, name) = lower.rsplit_once('/').unwrap_or(("", &lower));
    let tooling_dir = folders.split('/').any(|p| {
        matches!(
            p,
            "scripts"
                | "script"
                | "tools"
                | "hack"
                | ".github"
                | "benchmarks"
                | "bench"
                | "benches"
                | "xtask"
        )
    });
    let build_config = name.contains(".config.")
        || matches!(
            name,
            "setup.py"
                | "noxfile.py"
                | "fabfile.py"
                | "tasks.py"
                | "gulpfile.js"
                | "gruntfile.js"
                | "build.rs"
        );
    !tooling_dir && !build_config
}

/// Of two reads of the same variable, the one that represents it: a read without fallback
/// (it makes the variable required) before one with, then the earliest by path and line.
pub fn represents_better(candidate: &EnvRead, current: &EnvRead) -> bool {
    candidate.rank() < current.rank()
}

/// What [`represents_better`] compares: fallback, path, line, column.
pub type Rank<'a> = (bool, &'a str, u32, u32);

impl EnvRead {
    pub fn rank(&self) -> Rank<'_> {
        (self.has_default, self.path.as_str(), self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(path: &str, text: &str) -> Vec<(String, u32, bool)> {
        extract(path, text)
            .into_iter()
            .map(|r| (r.name, r.line, r.has_default))
            .collect()
    }

    fn n(name: &str, line: u32, default: bool) -> (String, u32, bool) {
        (name.into(), line, default)
    }

    #[test]
    fn python_reads_writes_and_defaults() {
        let text = r#"import os
DATABASE_URL = os.environ["DATABASE_URL"]
LOG_LEVEL = os.getenv("LOG_LEVEL", "info")
SENTRY_DSN = os.environ.get('SENTRY_DSN')
os.environ["PROMETHEUS_MULTIPROC_DIR"] = "/tmp/metrics"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings")
# OLD = os.getenv("LEGACY_TOKEN")
if os.environ["MODE"] == "prod": pass
"#;
        assert_eq!(
            names("app/settings.py", text),
            [
                n("DATABASE_URL", 2, false),
                n("LOG_LEVEL", 3, true),
                n("SENTRY_DSN", 4, false),
                n("MODE", 8, false),
            ]
        );
    }

    #[test]
    fn javascript_go_rust_java_ruby() {
        let js = "const port = process.env.PORT || 3000;\nconst url = process.env['REDIS_URL'];\nprocess.env.TZ = 'UTC';\nconst k = process.env.API_KEY ?? '';\n";
        assert_eq!(
            names("src/server.ts", js),
            [
                n("PORT", 1, true),
                n("REDIS_URL", 2, false),
                n("API_KEY", 4, true)
            ]
        );
        let go = "dsn := os.Getenv(\"PG_DSN\")\nif v, ok := os.LookupEnv(\"FEATURE_X\"); ok {}\n";
        assert_eq!(
            names("main.go", go),
            [n("PG_DSN", 1, false), n("FEATURE_X", 2, true)]
        );
        let rs = "let url = std::env::var(\"AMQP_URL\")?;\nlet lvl = env::var(\"LOG\").unwrap_or_default();\nif env::var_os(\"NO_COLOR\").is_some() {}\nmatch env::var(\"TERM\") { _ => {} }\nlet k = env::var(\"JWT_KEY\").expect(\"JWT_KEY must be set\");\n";
        assert_eq!(
            names("src/main.rs", rs),
            [
                n("AMQP_URL", 1, false),
                n("LOG", 2, true),
                n("NO_COLOR", 3, true),
                n("TERM", 4, true),
                n("JWT_KEY", 5, false)
            ]
        );
        let java = "String key = System.getenv(\"STRIPE_KEY\");\n";
        assert_eq!(
            names("src/main/java/App.java", java),
            [n("STRIPE_KEY", 1, false)]
        );
        let rb = "ENV['SECRET_KEY_BASE']\nENV.fetch('WEB_CONCURRENCY', 2)\nENV.fetch(\"RAILS_MAX_THREADS\") { 5 }\n";
        assert_eq!(
            names("config/puma.rb", rb),
            [
                n("SECRET_KEY_BASE", 1, false),
                n("WEB_CONCURRENCY", 2, true),
                n("RAILS_MAX_THREADS", 3, true)
            ]
        );
    }

    #[test]
    fn patterns_follow_the_language_of_the_file() {
        let rust = "let s = \"os.environ['DATABASE_URL']\";\nlet v = std::env::var(\"APP_MODE\")?;\n#[cfg(test)]\nmod tests { fn t() { std::env::var(\"TEST_ONLY\"); } }\n";
        assert_eq!(names("src/lib.rs", rust), [n("APP_MODE", 2, false)]);
        assert!(names("README.txt", "os.environ['X']").is_empty());
        assert!(names("app.py", "const x = process.env.SECRET;").is_empty());
    }

    #[test]
    fn positions_comments_and_invalid_utf8() {
        let mut bytes = b"# os.getenv('COMMENTED')\n".to_vec();
        bytes.extend_from_slice(b"label = '\xff\xfe'; url = os.getenv('DB_URL')\n");
        bytes.extend_from_slice(b"x = os.environ[\n  'SPLIT']\n");
        bytes.extend_from_slice(
            b"    // os.getenv('ALSO_COMMENTED')\nlevel = os.getenv('LEVEL', 'info')\n",
        );
        let reads = extract_bytes("app/settings.py", &bytes);
        let got: Vec<_> = reads
            .iter()
            .map(|r| (r.name.as_str(), r.line, r.column, r.has_default))
            .collect();
        // The invalid bytes count as one character each (decoded lossily); a read split
        // across lines is not one expression.
        assert_eq!(got, [("DB_URL", 2, 21, false), ("LEVEL", 6, 9, true)]);
        assert_eq!(reads[0].expr, "os.getenv('DB_URL'");
    }
}
