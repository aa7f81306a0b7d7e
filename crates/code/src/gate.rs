//! Which source files are worth a parse. Parsing is the expensive part (~10 MB/s per core), and
//! most files of a service are plain business logic, so each family lists the words its
//! extractor acts on, in four groups:
//!
//! - `FACT_TRIGGERS` (exact case): a construct that can yield a route or a fact (framework
//!   imports, sinks, decorators, client libraries);
//! - `FACT_TRIGGERS_ANY_CASE`: the same, compared without case (`TODO: implement`, header names);
//! - `LITERAL_TRIGGERS` (any case): credential and signing-key names, which yield a fact only
//!   with a string literal beside them (`password = "…"`, `token == "…"`,
//!   `getenv("JWT_SECRET", "dev")`, `${jwt.secret:dev}`), so they count only on such a line
//!   (or when the assignment continues with the literal on the next line: `TOKEN = (`);
//! - `CONFIG_TRIGGERS` (exact case): environment reads and constants, which yield config values
//!   only (`os.getenv`, `process.env`, `static final`);
//! - `DEFAULT_IMPORT_TRIGGERS` (JavaScript, exact case): `from 'pino'`, a fact word only in a
//!   default import (`import createLogger from 'pino'`), not in `import { Logger } from 'pino'`.
//!
//! A file with a fact trigger (or a settings-module path) is parsed in the walk; a file with only
//! config triggers is deferred: its values are read only when a setting used by a fact cannot be
//! resolved otherwise (see [`crate::CodeIndex::build_lazy`]).

use crate::lang::{go, java, javascript, python, rust};
use crate::model::Language;
use std::ops::ControlFlow;
use std::sync::LazyLock;
use vouch_keywords::{Keywords, Match};

/// What the trigger words say about one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Parse it now: it may yield routes or facts.
    Facts,
    /// Only config values can come out of it: parse it when one of them is needed.
    Config,
    /// No word any extractor acts on: never parse it.
    Nothing,
}

/// One family's word lists.
struct Family {
    fact: &'static [&'static str],
    fact_any_case: &'static [&'static str],
    literal: &'static [&'static str],
    config: &'static [&'static str],
    default_import: &'static [&'static str],
    /// Whether `"name": "literal"` (a map or object key) can hold a credential. Python's
    /// extractor reads credentials from assignments, comparisons and keyword arguments only.
    keyed_literals: bool,
}

const FAMILIES: [Family; 5] = [
    Family {
        fact: python::FACT_TRIGGERS,
        fact_any_case: python::FACT_TRIGGERS_ANY_CASE,
        literal: python::LITERAL_TRIGGERS,
        config: python::CONFIG_TRIGGERS,
        default_import: &[],
        keyed_literals: false,
    },
    Family {
        fact: javascript::FACT_TRIGGERS,
        fact_any_case: javascript::FACT_TRIGGERS_ANY_CASE,
        literal: javascript::LITERAL_TRIGGERS,
        config: javascript::CONFIG_TRIGGERS,
        default_import: javascript::DEFAULT_IMPORT_TRIGGERS,
        keyed_literals: true,
    },
    Family {
        fact: go::FACT_TRIGGERS,
        fact_any_case: go::FACT_TRIGGERS_ANY_CASE,
        literal: go::LITERAL_TRIGGERS,
        config: go::CONFIG_TRIGGERS,
        default_import: &[],
        keyed_literals: true,
    },
    Family {
        fact: rust::FACT_TRIGGERS,
        fact_any_case: rust::FACT_TRIGGERS_ANY_CASE,
        literal: rust::LITERAL_TRIGGERS,
        config: rust::CONFIG_TRIGGERS,
        default_import: &[],
        keyed_literals: true,
    },
    Family {
        fact: java::FACT_TRIGGERS,
        fact_any_case: java::FACT_TRIGGERS_ANY_CASE,
        literal: java::LITERAL_TRIGGERS,
        config: java::CONFIG_TRIGGERS,
        default_import: &[],
        keyed_literals: true,
    },
];

/// How a trigger word counts when it is found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// A fact word, in exactly this case.
    Fact,
    /// A fact word, in any case.
    FactAnyCase,
    /// A credential name: a fact only with a string literal beside it.
    Literal,
    /// A config-only word, in exactly this case.
    Config,
    /// A module source, in exactly this case: a fact only in a default import.
    DefaultImport,
}

/// Per family: one case-insensitive automaton over every word (one pass over the file instead
/// of one per case mode: with this many words no prefilter applies, so the per-byte cost of
/// the automaton is the gate's cost). A hit on an exact-case word is then compared byte for
/// byte.
struct Automata {
    keyed_literals: bool,
    all: Keywords,
    /// The pattern list `all` was built from.
    keys: Vec<String>,
    /// For each pattern (one per distinct lower-cased word): the roles and spellings it has.
    roles: Vec<Vec<(Role, &'static str)>>,
}

static AUTOMATA: LazyLock<Vec<Automata>> = LazyLock::new(|| {
    FAMILIES
        .iter()
        .map(|f| {
            let mut keys: Vec<String> = Vec::new();
            let mut roles: Vec<Vec<(Role, &'static str)>> = Vec::new();
            let lists = [
                (Role::Fact, f.fact),
                (Role::FactAnyCase, f.fact_any_case),
                (Role::Literal, f.literal),
                (Role::Config, f.config),
                (Role::DefaultImport, f.default_import),
            ];
            for (role, words) in lists {
                for &word in words {
                    let key = word.to_ascii_lowercase();
                    match keys.iter().position(|k| *k == key) {
                        Some(i) => roles[i].push((role, word)),
                        None => {
                            keys.push(key);
                            roles.push(vec![(role, word)]);
                        }
                    }
                }
            }
            Automata {
                keyed_literals: f.keyed_literals,
                all: Keywords::new(&keys),
                keys,
                roles,
            }
        })
        .collect()
});

/// The number of word families (automata): one per group of languages sharing an extractor.
pub const FAMILIES_COUNT: usize = FAMILIES.len();

/// The family whose words decide for `language`.
pub fn family(language: Language) -> usize {
    match language {
        Language::Python => 0,
        Language::JavaScript | Language::TypeScript | Language::Tsx => 1,
        Language::Go => 2,
        Language::Rust => 3,
        Language::Java => 4,
    }
}

/// The lower-cased words of family `family`, in the pattern order [`GateJudge::hit`] expects:
/// a caller that searches a file for other words too can search once for both (ASCII case
/// insensitive, overlapping, in order of their end) and hand the gate its share.
pub fn family_words(family: usize) -> &'static [String] {
    &AUTOMATA[family].keys
}

/// Decides whether `src` (at `path`) is parsed now, deferred, or never parsed.
pub fn gate(language: Language, path: &str, src: &[u8]) -> Gate {
    if is_settings_path(path) {
        return Gate::Facts;
    }
    let automata = &AUTOMATA[family(language)];
    let mut verdict = Verdict::default();
    // Overlapping: a word in the wrong case must not hide another word it overlaps.
    automata
        .all
        .for_each(src, |m| verdict.judge(automata, src, m));
    verdict.gate()
}

/// [`gate`] from occurrences of [`family_words`] found by the caller's own search, taken as
/// the search reports them.
pub struct GateJudge {
    automata: &'static Automata,
    settings: bool,
    verdict: Verdict,
}

impl GateJudge {
    pub fn new(language: Language, path: &str) -> GateJudge {
        GateJudge {
            automata: &AUTOMATA[family(language)],
            settings: is_settings_path(path),
            verdict: Verdict::default(),
        }
    }

    /// One occurrence in `src` (`pattern` indexes [`family_words`]).
    pub fn hit(&mut self, src: &[u8], m: Match) {
        if !self.settings && !self.verdict.facts {
            let _ = self.verdict.judge(self.automata, src, m);
        }
    }

    pub fn verdict(&self) -> Gate {
        if self.settings {
            Gate::Facts
        } else {
            self.verdict.gate()
        }
    }
}

/// What the words seen so far say.
#[derive(Default)]
struct Verdict {
    config: bool,
    facts: bool,
}

impl Verdict {
    /// Takes one occurrence into account; breaks once the file is known to hold a fact.
    fn judge(&mut self, automata: &Automata, src: &[u8], m: Match) -> ControlFlow<()> {
        let found = &src[m.start..m.end];
        for &(role, word) in &automata.roles[m.pattern] {
            let fact = match role {
                Role::Fact => found == word.as_bytes(),
                Role::FactAnyCase => true,
                Role::Literal => beside_literal(src, m.start, m.end, automata.keyed_literals),
                Role::Config => {
                    self.config |= found == word.as_bytes();
                    false
                }
                Role::DefaultImport => {
                    found == word.as_bytes() && default_import_before(src, m.start)
                }
            };
            if fact {
                self.facts = true;
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    }

    fn gate(&self) -> Gate {
        if self.facts {
            Gate::Facts
        } else if self.config {
            Gate::Config
        } else {
            Gate::Nothing
        }
    }
}

/// Whether the line up to `at` is a default import (`import name from`, `import name, { a }
/// from`), not only named, namespace or type imports.
fn default_import_before(src: &[u8], at: usize) -> bool {
    let line = String::from_utf8_lossy(&src[line_start_within(src, at)..at]);
    let Some(rest) = line.trim_start().strip_prefix("import") else {
        return false;
    };
    if !rest.starts_with(char::is_whitespace) {
        return false;
    }
    let rest = rest.trim_start();
    let name_len = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .unwrap_or(rest.len());
    let (name, after) = rest.split_at(name_len);
    let after = after.trim();
    !name.is_empty() && name != "type" && (after.is_empty() || after.starts_with(','))
}

/// Settings and constants modules define the values other files refer to: always parsed.
pub fn is_settings_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or("").as_bytes();
    // Asked of every source file: compared without allocating a lower-case copy.
    let eq = |a: &[u8], b: &str| a.eq_ignore_ascii_case(b.as_bytes());
    [
        "settings",
        "config",
        "constants",
        "conf",
        "env",
        "environment",
    ]
    .iter()
    .any(|s| {
        let n = s.len();
        eq(stem, s)
            || stem.len() > n
                && (eq(&stem[stem.len() - n..], s) && stem[stem.len() - n - 1] == b'_'
                    || eq(&stem[..n], s) && stem[n] == b'_')
    })
}

/// Whether the name at `start..end` has a non-empty string literal as its value: assigned,
/// compared, given as a default (`getenv("JWT_SECRET", "dev")`, `${jwt.secret:dev}`), or
/// compared from the left (`"abc" == token`), on the same line; or assigned with the literal
/// at the start of the next line (`API_TOKEN = (` / `apiKey:` then `"…"`).
fn beside_literal(src: &[u8], start: usize, end: usize, keyed: bool) -> bool {
    // Bounded views: a minified line holding a credential name a million times must not be
    // re-read for every occurrence.
    let line_start = line_start_within(src, start);
    let ceil = (end + LINE_CONTEXT).min(src.len());
    let line_end = memchr::memchr(b'\n', &src[end..ceil]).map_or(ceil, |i| end + i);
    let next = match src.get(line_end) {
        Some(b'\n') => {
            let from = line_end + 1;
            let to = (from + LINE_CONTEXT).min(src.len());
            &src[from..memchr::memchr(b'\n', &src[from..to]).map_or(to, |i| from + i)]
        }
        _ => &[][..],
    };
    let before = &src[line_start..start];
    let line = Line {
        text: &src[start..line_end],
        before,
        next,
    };
    value_follows(&line, end - start, keyed) || literal_compared_before(before)
}

/// Bytes of a line looked at on either side of a trigger word.
const LINE_CONTEXT: usize = 1024;

/// The start of the line holding `at`, or [`LINE_CONTEXT`] bytes before `at` on a longer line.
fn line_start_within(src: &[u8], at: usize) -> usize {
    let floor = at.saturating_sub(LINE_CONTEXT);
    memchr::memrchr(b'\n', &src[floor..at]).map_or(floor, |i| floor + i + 1)
}

/// The line a credential name starts, what precedes the name on it, and the line after.
struct Line<'a> {
    text: &'a [u8],
    before: &'a [u8],
    next: &'a [u8],
}

impl Line<'_> {
    /// `after` (the rest of the line past an operator) holds a literal, or holds nothing but
    /// an opening parenthesis or a line continuation and the next line starts with one.
    fn literal_after(&self, after: &[u8]) -> bool {
        if starts_with_literal(after) {
            return true;
        }
        let open = after
            .iter()
            .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'(' | b'\\'));
        open && starts_with_literal(self.next)
    }
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_quote(b: u8) -> bool {
    matches!(b, b'"' | b'\'' | b'`')
}

/// Operators between a name and its value, longest first.
const OPERATORS: &[&str] = &[
    ".equalsIgnoreCase(",
    ".equals(",
    "===",
    "!==",
    "==",
    "!=",
    ".unwrap_or_else(|| ",
    ".unwrap_or(",
    " or ",
    ":=",
    "??",
    "||",
    "=",
    ":",
    ",",
];

/// `line.text` starts with the matched word (`word_len` bytes).
fn value_follows(line_parts: &Line<'_>, word_len: usize, keyed: bool) -> bool {
    let (line, before) = (line_parts.text, line_parts.before);
    let mut i = word_len;
    while i < line.len() && is_ident(line[i]) {
        i += 1;
    }
    // The name may sit in a string or an index: `"JWT_SECRET", "dev"`, `config["SECRET_KEY"] =`.
    let mut quoted = false;
    while i < line.len()
        && matches!(line[i], b'"' | b'\'' | b']' | b')' | b'-' | b'.')
        && !OPERATORS
            .iter()
            .any(|op| line[i..].starts_with(op.as_bytes()))
    {
        quoted |= is_quote(line[i]);
        i += 1;
        while i < line.len() && is_ident(line[i]) {
            i += 1;
        }
    }
    // Then maybe a type (`: str =`, `string =`, `: Optional[str] =`), a few words at most.
    let limit = (i + 48).min(line.len());
    let mut typed = false;
    while i < limit {
        let rest = &line[i..];
        if let Some(op) = OPERATORS.iter().find(|op| rest.starts_with(op.as_bytes())) {
            let after = &rest[op.len()..];
            if typed {
                // After `name: Type` only an assignment can follow.
                return *op == "=" && line_parts.literal_after(after);
            }
            if *op == "," && !quoted || *op == ":" && quoted && !keyed {
                return false;
            }
            if *op == ":" && is_default_in_placeholder(after, before) {
                return true;
            }
            if line_parts.literal_after(after) {
                return true;
            }
            if *op != ":" {
                return false;
            }
            // `: str = "..."`: the colon introduced a type; look for the `=`.
            typed = true;
            i += 1;
            continue;
        }
        if !(is_ident(rest[0]) || matches!(rest[0], b' ' | b'\t' | b'[' | b']' | b'<' | b'>')) {
            return false;
        }
        i += 1;
    }
    false
}

/// `${jwt.secret:dev}` (Spring `@Value`): a literal default after the colon.
fn is_default_in_placeholder(after: &[u8], before: &[u8]) -> bool {
    after
        .first()
        .is_some_and(|&b| b != b'}' && !b.is_ascii_whitespace() && !is_quote(b))
        && before.windows(2).any(|w| w == b"${")
}

/// Optional spaces, an optional string prefix (`f`, `rb`), then a non-empty string literal.
fn starts_with_literal(after: &[u8]) -> bool {
    let mut i = 0;
    while i < after.len() && matches!(after[i], b' ' | b'\t') {
        i += 1;
    }
    let prefix_start = i;
    while i < after.len() && i - prefix_start < 2 && b"rRbBfFuU".contains(&after[i]) {
        i += 1;
    }
    match (after.get(i), after.get(i + 1)) {
        (Some(&q), Some(&next)) => is_quote(q) && next != q,
        _ => false,
    }
}

/// `"hunter2" == password`, `"abc".equals(token)`: the literal is on the left.
fn literal_compared_before(before: &[u8]) -> bool {
    let mut end = before.len();
    while end > 0 && (is_ident(before[end - 1]) || before[end - 1] == b'.') {
        end -= 1;
    }
    let s = trim_end(&before[..end]);
    let Some(op) = ["===", "!==", "==", "!=", ".equals(", ".equalsIgnoreCase("]
        .iter()
        .find(|op| s.ends_with(op.as_bytes()))
    else {
        return false;
    };
    let s = trim_end(&s[..s.len() - op.len()]);
    let n = s.len();
    n >= 2 && is_quote(s[n - 1]) && s[n - 2] != s[n - 1]
}

fn trim_end(s: &[u8]) -> &[u8] {
    let mut n = s.len();
    while n > 0 && matches!(s[n - 1], b' ' | b'\t') {
        n -= 1;
    }
    &s[..n]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether any occurrence of `word` in `line` has a literal beside it (map keys count).
    fn literal(line: &str, word: &str) -> bool {
        assert!(line.contains(word), "word in line");
        line.match_indices(word)
            .any(|(start, _)| beside_literal(line.as_bytes(), start, start + word.len(), true))
    }

    #[test]
    fn credential_names_count_only_beside_a_literal() {
        assert!(literal("ADMIN_PASSWORD = \"s3cret!\"", "PASSWORD"));
        assert!(literal("    api_token: str = \"tok_live_1\"", "token"));
        assert!(literal("if token == \"static-token\":", "token"));
        assert!(literal("if \"static-token\" != token {", "token"));
        assert!(literal("connect(password=\"admin123\")", "password"));
        assert!(literal(
            "secret := getEnv(\"JWT_SECRET\", \"dev\")",
            "SECRET"
        ));
        assert!(literal(
            "viper.SetDefault(\"jwt.secret\", \"dev\")",
            "secret"
        ));
        assert!(literal("@Value(\"${jwt.secret:changeme}\")", "secret"));
        assert!(literal("if (\"abc\".equals(token)) {", "token"));
        assert!(literal(
            "const secret = process.env.JWT_SECRET ?? 'dev';",
            "SECRET"
        ));
        assert!(literal(
            "let s = env::var(\"JWT_SECRET\").unwrap_or(\"dev\".into());",
            "SECRET"
        ));
        assert!(literal(
            "key = os.environ.get(\"JWT_SECRET\") or \"dev\"",
            "SECRET"
        ));
        assert!(literal(
            "  JWTSecret string `envconfig:\"JWT_SECRET\" default:\"dev\"`",
            "SECRET\""
        ));

        assert!(!literal(
            "token = os.environ.get(\"TOKEN_USER\", \"\")",
            "token"
        ));
        assert!(!literal(
            "String tokenUrl = System.getenv(\"TOKEN_ORDER\");",
            "token"
        ));
        assert!(!literal(
            "logger.info(\"refresh token\", extra={\"token\": token})",
            "token"
        ));
        assert!(!literal("x = {\"token\": 12, \"cart\": 3}", "token"));
        assert!(!literal("token, err := s.fetchToken(ctx, id)", "token"));
        assert!(!literal("log.info(\"saved {}\", token);", "token"));
        assert!(!literal("# secrets are injected at runtime", "secret"));

        // `from 'pino'` only in a default import.
        let js = |src: &str| gate(Language::TypeScript, "src/log.ts", src.as_bytes());
        assert_eq!(js("import createLogger from 'pino';\n"), Gate::Facts);
        assert_eq!(js("import pino, { Logger } from \"pino\";\n"), Gate::Facts);
        assert_eq!(js("import { Logger } from 'pino';\n"), Gate::Nothing);
        assert_eq!(js("import type Logger from 'pino';\n"), Gate::Nothing);
        assert_eq!(js("import * as p from 'pino';\n"), Gate::Nothing);
        assert_eq!(js("import {\n  Logger,\n} from 'pino';\n"), Gate::Nothing);

        // The literal on the next line.
        assert!(literal("API_TOKEN = (\n    \"tok_live_4f9a\"\n)", "TOKEN"));
        assert!(literal("  apiKey:\n    'sk_live_51Hx',", "Key"));
        assert!(literal("String password =\n    \"hunter2!\";", "password"));
        assert!(!literal("token = (\n    fetch_token(user)\n)", "token"));
        assert!(!literal("apiKey:\n    process.env.API_KEY,", "Key"));
        assert!(!literal("password = x\n\"unrelated text\"", "password"));

        let dict = "client = {\"cursor\": 3740, \"token\": \"document\"}";
        let at = dict.find("token").expect("word");
        assert!(
            beside_literal(dict.as_bytes(), at, at + 5, true),
            "a JS/Go key"
        );
        assert!(
            !beside_literal(dict.as_bytes(), at, at + 5, false),
            "a Python dict key"
        );
    }

    #[test]
    fn config_reads_alone_defer_the_file() {
        let src = b"import os\n\nclass Orders:\n    def load(self):\n        url = os.environ.get(\"ORDERS_URL\", \"\")\n";
        assert_eq!(
            gate(Language::Python, "app/orders/service.py", src),
            Gate::Config
        );
        assert_eq!(
            gate(Language::Python, "app/settings.py", src),
            Gate::Facts,
            "settings modules are parsed eagerly"
        );
        assert_eq!(
            gate(
                Language::Python,
                "app/orders/model.py",
                b"class Order:\n    pass\n"
            ),
            Gate::Nothing
        );
        assert_eq!(
            gate(
                Language::Python,
                "app/main.py",
                b"from fastapi import FastAPI\n"
            ),
            Gate::Facts
        );
    }

    #[test]
    fn a_long_line_of_trigger_words_is_judged_in_linear_time() {
        // 2.2 MB on one line: each occurrence looks at a bounded part of the line (before,
        // every one re-read the whole line, and this took minutes).
        let src = format!("x = \"{}\"\n", "token akia ".repeat(200_000));
        assert_eq!(
            gate(Language::Python, "app/blob.py", src.as_bytes()),
            Gate::Nothing
        );
        let js = format!("const s = '{}';\n", "from 'pino' ".repeat(200_000));
        assert_eq!(
            gate(Language::TypeScript, "src/blob.ts", js.as_bytes()),
            Gate::Nothing
        );
    }

    #[test]
    fn settings_modules_by_name_in_any_case() {
        for path in [
            "app/settings.py",
            "src/Config.ts",
            "pkg/app_config.go",
            "cfg/CONSTANTS.java",
            "svc/env_prod.py",
            "conf.rs",
            "deploy/Environment.d.ts",
            "_env.py",
            "conf_",
        ] {
            assert!(is_settings_path(path), "{path}");
        }
        for path in [
            "app/settingsx.py",
            "src/reconfig.ts",
            "pkg/_config_.go",
            "envoy.py",
            "a/b.env/main.py",
            "config.settings/main.py",
        ] {
            assert!(!is_settings_path(path), "{path}");
        }
    }
}
