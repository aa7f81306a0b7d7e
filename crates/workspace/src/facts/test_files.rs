//! Test files, inspected during the walk's single read: which language family they test,
//! where their first test case is, and which notable libraries they use (Testcontainers,
//! Playwright, Toxiproxy, ...). The testing controls read these facts instead of the files.

use super::paths::{file_name, is_fixture_path, is_vendored};
use crate::classify::{Lang, is_docs_or_example_path, is_test_path};
use aho_corasick::{AhoCorasick, AhoCorasickKind};
use std::sync::LazyLock;

/// Test file heads inspected (test cases and imports sit near the top).
pub const HEAD_BYTES: usize = 16 * 1024;

/// Language families whose tests cover each other (a TypeScript test covers JavaScript code).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    Python,
    JavaScript,
    Go,
    Rust,
    Jvm,
    Ruby,
    Php,
    CSharp,
}

const FAMILIES: [Family; 8] = [
    Family::Python,
    Family::JavaScript,
    Family::Go,
    Family::Rust,
    Family::Jvm,
    Family::Ruby,
    Family::Php,
    Family::CSharp,
];

impl Family {
    pub fn of(lang: Lang) -> Family {
        match lang {
            Lang::Python => Family::Python,
            Lang::JavaScript | Lang::TypeScript => Family::JavaScript,
            Lang::Go => Family::Go,
            Lang::Rust => Family::Rust,
            Lang::Java | Lang::Kotlin => Family::Jvm,
            Lang::Ruby => Family::Ruby,
            Lang::Php => Family::Php,
            Lang::CSharp => Family::CSharp,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Family::Python => "Python",
            Family::JavaScript => "JavaScript/TypeScript",
            Family::Go => "Go",
            Family::Rust => "Rust",
            Family::Jvm => "Java/Kotlin",
            Family::Ruby => "Ruby",
            Family::Php => "PHP",
            Family::CSharp => "C#",
        }
    }

    /// Markers of a test case in a file of this family.
    fn test_markers(self) -> &'static [&'static str] {
        match self {
            Family::Python => &[
                "def test",
                "class Test",
                "(unittest.TestCase)",
                "(TestCase)",
            ],
            Family::JavaScript => &[
                "describe(",
                "it(",
                "test(",
                "test.describe(",
                "Deno.test(",
                "it.each(",
                "test.each(",
                "context(",
            ],
            Family::Go => &["func Test", "func Benchmark", "func Fuzz", "func Example"],
            Family::Rust => &["#[test]", "#[tokio::test", "#[rstest", "#[test_case"],
            Family::Jvm => &[
                "@Test",
                "@ParameterizedTest",
                "StringSpec",
                "FunSpec",
                "DescribeSpec",
            ],
            Family::Ruby => &[
                "describe ",
                "it '",
                "it \"",
                "def test_",
                "< Minitest::Test",
            ],
            Family::Php => &["function test", "@test", "#[Test]", "it(", "test("],
            Family::CSharp => &["[Fact]", "[Theory]", "[Test]", "[TestMethod]", "[TestCase"],
        }
    }
}

/// Notable things a test file uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    /// Starts real services (Testcontainers, dockertest, gnomock, pytest-docker, ...).
    RealServices(&'static str),
    /// Drives a browser or the deployed API end to end.
    EndToEnd(&'static str),
    /// Injects faults (Toxiproxy, failpoints).
    Fault(&'static str),
}

/// `(needle, needs an import-like line, marker)`: library names only count on import lines
/// (`import`, `from`, `use`, `require`, a Go import path), not in strings or comments.
const MARKERS: &[(&str, bool, Marker)] = &[
    (
        "testcontainers",
        true,
        Marker::RealServices("Testcontainers"),
    ),
    (
        "Testcontainers",
        true,
        Marker::RealServices("Testcontainers"),
    ),
    (
        "github.com/ory/dockertest",
        true,
        Marker::RealServices("dockertest"),
    ),
    (
        "github.com/orlangure/gnomock",
        true,
        Marker::RealServices("gnomock"),
    ),
    (
        "docker_services",
        false,
        Marker::RealServices("pytest-docker"),
    ),
    (
        "pytest_postgresql",
        true,
        Marker::RealServices("pytest-postgresql"),
    ),
    (
        "EmbeddedPostgres",
        true,
        Marker::RealServices("embedded-postgres"),
    ),
    ("@playwright/test", true, Marker::EndToEnd("Playwright")),
    ("from playwright", true, Marker::EndToEnd("Playwright")),
    ("cy.visit(", false, Marker::EndToEnd("Cypress")),
    ("cy.request(", false, Marker::EndToEnd("Cypress")),
    ("from selenium", true, Marker::EndToEnd("Selenium")),
    ("org.openqa.selenium", true, Marker::EndToEnd("Selenium")),
    ("selenium-webdriver", true, Marker::EndToEnd("Selenium")),
    ("puppeteer", true, Marker::EndToEnd("Puppeteer")),
    ("@wdio/", true, Marker::EndToEnd("WebdriverIO")),
    ("toxiproxy", true, Marker::Fault("Toxiproxy")),
    ("Toxiproxy", true, Marker::Fault("Toxiproxy")),
    ("pingcap/failpoint", true, Marker::Fault("failpoint")),
    ("fail_point!", false, Marker::Fault("fail crate failpoints")),
];

/// What the walk learnt about one test file.
#[derive(Clone, Debug)]
pub struct TestFileFacts {
    pub rel: String,
    pub family: Family,
    /// Line and column of the first test case.
    pub first_test: Option<(u32, u32)>,
    pub markers: Vec<(Marker, u32, u32)>,
    /// The text of the lines above (only those: test files are not kept in memory).
    pub snippets: Vec<(u32, String)>,
}

/// Whether a path is a test file (or a file under an end-to-end folder).
pub fn is_test_like(rel: &str) -> bool {
    is_test_like_given(rel, is_test_path(rel))
}

/// [`is_test_like`] when `is_test_path(rel)` is already known.
pub fn is_test_like_given(rel: &str, test_path: bool) -> bool {
    let lower = rel.to_ascii_lowercase();
    let name = file_name(&lower);
    // `test_*.py` is pytest's convention; `test_helpers.go` or `test_files.rs` are code.
    let prefix_only = name.starts_with("test_")
        && !name.ends_with(".py")
        && !lower
            .split('/')
            .rev()
            .skip(1)
            .any(|d| matches!(d, "test" | "tests" | "spec" | "__tests__"));
    (test_path && !prefix_only)
        || lower.split('/').any(|d| {
            matches!(
                d,
                "e2e" | "end-to-end" | "e2e-tests" | "acceptance" | "cypress" | "playwright"
            )
        })
        || name.contains(".cy.")
        || name.ends_with("tests.cs")
        || name.ends_with("test.cs")
        || name.ends_with("_spec.rb")
        || name.ends_with("test.php")
}

/// Source files the testing controls look at: test-like, and not vendored, test data,
/// documentation or examples.
pub fn is_candidate(rel: &str) -> bool {
    !is_vendored(rel) && !is_fixture_path(rel) && !is_docs_or_example_path(rel) && is_test_like(rel)
}

/// One automaton for every library needle in [`MARKERS`], so each file is searched once.
static MARKER_NEEDLES: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::DFA))
        .build(MARKERS.iter().map(|(needle, _, _)| *needle))
        .expect("static needles")
});

/// SIMD (Teddy) search for the same needles: most test files contain none, and this rules
/// them out several times faster than the DFA (None where the CPU lacks the instructions).
static MARKER_PREFILTER: LazyLock<Option<aho_corasick::packed::Searcher>> = LazyLock::new(|| {
    aho_corasick::packed::Searcher::new(MARKERS.iter().map(|(needle, _, _)| *needle))
});

fn may_have_markers(text: &[u8]) -> bool {
    match &*MARKER_PREFILTER {
        Some(searcher) => searcher.find(text).is_some(),
        None => MARKER_NEEDLES.is_match(text),
    }
}

/// Inspects the head of one test file (the caller checked [`is_candidate`]). Works on the
/// bytes: only the lines of hits are decoded (most of a test file is never looked at twice).
pub fn inspect(rel: &str, lang: Lang, bytes: &[u8]) -> TestFileFacts {
    let head = &bytes[..bytes.len().min(HEAD_BYTES)];
    let family = Family::of(lang);
    let name = file_name(rel);
    let skip_tests = name == "conftest.py" || name == "__init__.py";
    let is_comment = |line: &str| {
        let t = line.trim_start();
        t.starts_with("//") || t.starts_with('#') && !t.starts_with("#[")
    };
    let first_test = if skip_tests {
        None
    } else {
        first_test_case(family, head, |line, at| {
            !is_comment(line) && at_word_start(line, at)
        })
    };
    let mut markers: Vec<(Marker, u32, u32)> = Vec::new();
    // Most test files use none of the libraries: one fast search rules them out.
    let hits = if may_have_markers(head) {
        MARKER_NEEDLES.find_overlapping_iter(head).collect()
    } else {
        Vec::new()
    };
    for hit in hits {
        let (_, import, marker) = &MARKERS[hit.pattern().as_usize()];
        if markers.iter().any(|(m, _, _)| m == marker) {
            continue;
        }
        let found = HeadLine::at(head, hit.start());
        let line = found.text();
        if is_comment(&line) || *import && !is_import_line(line.trim_start()) {
            continue;
        }
        markers.push((*marker, found.number, found.column()));
    }
    markers.sort_by_key(|(_, n, c)| (*n, *c));
    let mut snippets: Vec<(u32, String)> = Vec::new();
    for n in first_test
        .iter()
        .map(|(n, _)| *n)
        .chain(markers.iter().map(|(_, n, _)| *n))
    {
        if !snippets.iter().any(|(m, _)| *m == n) {
            snippets.push((n, nth_line(head, n)));
        }
    }
    TestFileFacts {
        rel: rel.to_string(),
        family,
        first_test,
        markers,
        snippets,
    }
}

/// Line and column of the leftmost test-case marker that `accept(line, byte offset in the
/// line)` takes. After a rejected hit the search resumes one byte later, so a marker that
/// overlaps a rejected one (`it(` inside `split(`) is still seen.
fn first_test_case(
    family: Family,
    head: &[u8],
    accept: impl Fn(&str, usize) -> bool,
) -> Option<(u32, u32)> {
    let markers = family_markers(family);
    let mut from = 0;
    while from < head.len() {
        let hit = markers.find(aho_corasick::Input::new(head).range(from..))?;
        let found = HeadLine::at(head, hit.start());
        let line = found.text();
        if accept(&line, found.offset) {
            return Some((found.number, found.column()));
        }
        from = hit.start() + 1;
    }
    None
}

/// The line of a file head that holds a byte offset.
struct HeadLine<'a> {
    /// 1-based.
    number: u32,
    bytes: &'a [u8],
    /// The offset's position in `bytes`.
    offset: usize,
}

impl<'a> HeadLine<'a> {
    fn at(head: &'a [u8], offset: usize) -> HeadLine<'a> {
        let start = memchr::memrchr(b'\n', &head[..offset]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &head[offset..]).map_or(head.len(), |i| offset + i);
        let bytes = &head[start..end];
        HeadLine {
            number: memchr::memchr_iter(b'\n', &head[..start]).count() as u32 + 1,
            bytes: bytes.strip_suffix(b"\r").unwrap_or(bytes),
            offset: offset - start,
        }
    }

    /// The line, decoded (lossily: a test file is not always valid UTF-8).
    fn text(&self) -> String {
        String::from_utf8_lossy(self.bytes).into_owned()
    }

    /// 1-based character column of the offset.
    fn column(&self) -> u32 {
        let before = &self.bytes[..self.offset.min(self.bytes.len())];
        String::from_utf8_lossy(before).chars().count() as u32 + 1
    }
}

/// Line `n` (1-based) of a file head, decoded, without its line ending.
fn nth_line(head: &[u8], n: u32) -> String {
    let line = head
        .split(|b| *b == b'\n')
        .nth(n.saturating_sub(1) as usize)
        .unwrap_or_default();
    String::from_utf8_lossy(line.strip_suffix(b"\r").unwrap_or(line)).into_owned()
}

/// Lines that bring a library in: `import`, `from x import`, `use`, `using`, `require(...)`,
/// annotations and Go import paths.
fn is_import_line(t: &str) -> bool {
    let go_import_path = t.starts_with('"')
        && t.trim_end_matches(',').ends_with('"')
        && t.contains('/')
        && !t.contains(' ')
        && !t.contains(':');
    go_import_path
        || [
            "import ", "from ", "use ", "using ", "require", "@", "const ", "let ", "var ", "val ",
        ]
        .iter()
        .any(|p| t.starts_with(p))
}

/// One automaton per family over its test-case markers, leftmost first: with a handful of
/// markers its search is a SIMD prefilter, and most bytes of a test head are skipped.
fn family_markers(family: Family) -> &'static AhoCorasick {
    static AUTOMATA: LazyLock<Vec<AhoCorasick>> = LazyLock::new(|| {
        FAMILIES
            .iter()
            .map(|f| {
                AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                    .build(f.test_markers())
                    .expect("static markers")
            })
            .collect()
    });
    let index = FAMILIES.iter().position(|f| *f == family).unwrap_or(0);
    &AUTOMATA[index]
}

/// Whether byte `at` of `line` starts a word (`it(` but not `split(`).
fn at_word_start(line: &str, at: usize) -> bool {
    at == 0
        || !line[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_at_word_starts() {
        assert!(at_word_start("  it('works', () => {", 2));
        assert!(!at_word_start("const parts = s.split(',')", 19));
        assert!(at_word_start("def test_create_order(client):", 0));
        assert!(is_test_like("web/cypress/e2e/checkout.cy.ts"));
        assert!(is_test_like("e2e/login.spec.ts"));
        assert!(!is_test_like("src/app.ts"));
        assert!(!is_test_like("crates/checks/src/support/test_files.rs"));
        assert!(is_import_line(
            "\"github.com/testcontainers/testcontainers-go/modules/postgres\""
        ));
        assert!(!is_import_line("\"https://testcontainers.com/guides/\","));
        assert!(is_import_line(
            "from testcontainers.postgres import PostgresContainer"
        ));
        assert!(is_test_like("tests/test_api.py"));
        for text in [
            "import { test } from '@playwright/test';",
            "x = 1",
            "fail_point!(\"a\")",
        ] {
            assert_eq!(
                may_have_markers(text.as_bytes()),
                MARKER_NEEDLES.is_match(text),
                "{text}"
            );
        }
    }

    #[test]
    fn first_test_and_markers() {
        let text = b"import pytest\nfrom testcontainers.postgres import PostgresContainer\n\n# def test_not\ndef test_orders(db):\n    assert db\n";
        let f = inspect("tests/test_orders.py", Lang::Python, text);
        assert_eq!(f.first_test, Some((5, 1)));
        assert_eq!(
            f.markers,
            vec![(Marker::RealServices("Testcontainers"), 2, 6)]
        );
        assert_eq!(f.snippets.len(), 2);
    }

    #[test]
    fn first_test_skips_rejected_markers_and_counts_characters() {
        // `it(` inside `split(` and `test(` after a dot are not test cases; the real one
        // follows on the same line, after a non-ASCII string and invalid UTF-8.
        let text = b"const parts = s.split(','); re.test(x);\n// it('old')\nconst \xc3\xa9 = '\xff'; it('works', () => {})\r\n";
        let f = inspect("web/src/orders.test.ts", Lang::TypeScript, text);
        assert_eq!(f.first_test, Some((3, 16)));
        assert_eq!(
            f.snippets,
            vec![(
                3,
                "const \u{e9} = '\u{fffd}'; it('works', () => {})".to_string()
            )]
        );
        let none = inspect("web/src/util.test.ts", Lang::TypeScript, b"s.split(',')\n");
        assert_eq!(none.first_test, None);
    }
}
