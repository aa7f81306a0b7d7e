//! Test files of the project, read once: which language family they test, whether they hold
//! test cases, and which notable libraries they use (Testcontainers, Playwright, Toxiproxy...).

use super::paths::{file_name, is_docs_or_example, is_fixture_path, is_vendored};
use super::text::{column_of, read_head};
use crate::prelude::*;
use std::sync::Arc;
use vouch_workspace::{FileKind, Lang, SourceText, is_test_path};

/// Test file heads read (test cases and imports sit near the top).
const HEAD_BYTES: u64 = 16 * 1024;

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

#[derive(Clone, Debug)]
pub struct TestFile {
    pub rel: String,
    pub family: Option<Family>,
    /// Line and column of the first test case.
    pub first_test: Option<(u32, u32)>,
    pub markers: Vec<(Marker, u32, u32)>,
    /// The text of the lines above (only those: test files are not kept in memory).
    snippets: Vec<(u32, String)>,
}

impl TestFile {
    pub fn finding(&self, line: u32, column: u32, message: impl Into<String>) -> Finding {
        let snippet = self
            .snippets
            .iter()
            .find(|(n, _)| *n == line)
            .map_or("", |(_, s)| s.as_str());
        Finding::new(Location::at(&self.rel, line, column.max(1)), message).with_snippet(snippet)
    }
}

pub struct TestFiles {
    pub files: Vec<TestFile>,
}

impl TestFiles {
    pub fn get(ws: &Workspace) -> Arc<TestFiles> {
        ws.cached(build)
    }

    /// Test files holding at least one test case.
    pub fn with_tests(&self) -> impl Iterator<Item = &TestFile> {
        self.files.iter().filter(|f| f.first_test.is_some())
    }
}

/// Whether a path is a test file (or a file under an end-to-end folder).
pub fn is_test_like(rel: &str) -> bool {
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
    (is_test_path(rel) && !prefix_only)
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

/// One automaton for every library needle in [`MARKERS`], so each line is searched once.
static MARKER_NEEDLES: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(MARKERS.iter().map(|(needle, _, _)| *needle))
            .expect("static needles")
    });

fn build(ws: &Workspace) -> TestFiles {
    use rayon::prelude::*;
    let candidates: Vec<(&str, Lang)> = ws
        .files
        .iter()
        .filter_map(|f| match f.kind {
            FileKind::Source(lang)
                if !f.binary
                    && !is_vendored(&f.rel)
                    && !is_fixture_path(&f.rel)
                    && !is_docs_or_example(&f.rel)
                    && is_test_like(&f.rel) =>
            {
                Some((f.rel.as_str(), lang))
            }
            _ => None,
        })
        .collect();
    let files = candidates
        .par_iter()
        .filter_map(|(rel, lang)| inspect(ws, rel, *lang))
        .collect();
    TestFiles { files }
}

/// Reads the head of one test file: its first test case and the libraries it uses.
fn inspect(ws: &Workspace, rel: &str, lang: Lang) -> Option<TestFile> {
    let f = ws.file(rel)?;
    {
        let head = read_head(ws, &f.rel, HEAD_BYTES)?;
        let src = SourceText::new(f.rel.clone(), head);
        let family = Family::of(lang);
        let name = file_name(&f.rel);
        let skip_tests = name == "conftest.py" || name == "__init__.py";
        // Whole-text searches; lines are located only around a hit.
        let is_comment = |line: &str| {
            let t = line.trim_start();
            t.starts_with("//") || t.starts_with('#') && !t.starts_with("#[")
        };
        let locate = |offset: usize| {
            let (n, _) = src.position(offset);
            let line_start = src.text[..offset].rfind('\n').map_or(0, |i| i + 1);
            (n as u32, src.line(n), offset - line_start)
        };
        let first_test = if skip_tests {
            None
        } else {
            family_markers(family)
                .find_overlapping_iter(&src.text)
                .find_map(|hit| {
                    let (n, line, at) = locate(hit.start());
                    (!is_comment(line) && at_word_start(line, at)).then(|| (n, column_of(line, at)))
                })
        };
        let mut markers: Vec<(Marker, u32, u32)> = Vec::new();
        // Most test files use none of the libraries: one fast search rules them out.
        let hits = if MARKER_NEEDLES.is_match(&src.text) {
            MARKER_NEEDLES.find_overlapping_iter(&src.text).collect()
        } else {
            Vec::new()
        };
        for hit in hits {
            let (_, import, marker) = &MARKERS[hit.pattern().as_usize()];
            if markers.iter().any(|(m, _, _)| m == marker) {
                continue;
            }
            let (n, line, at) = locate(hit.start());
            if is_comment(line) || *import && !is_import_line(line.trim_start()) {
                continue;
            }
            markers.push((*marker, n, column_of(line, at)));
        }
        markers.sort_by_key(|(_, n, c)| (*n, *c));
        let mut snippets: Vec<(u32, String)> = Vec::new();
        for n in first_test
            .iter()
            .map(|(n, _)| *n)
            .chain(markers.iter().map(|(_, n, _)| *n))
        {
            if !snippets.iter().any(|(m, _)| *m == n) {
                snippets.push((n, src.line(n as usize).to_string()));
            }
        }
        Some(TestFile {
            rel: f.rel.clone(),
            family: Some(family),
            first_test,
            markers,
            snippets,
        })
    }
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

/// One automaton per family over its test-case markers.
fn family_markers(family: Family) -> &'static aho_corasick::AhoCorasick {
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
    static AUTOMATA: std::sync::LazyLock<Vec<aho_corasick::AhoCorasick>> =
        std::sync::LazyLock::new(|| {
            FAMILIES
                .iter()
                .map(|f| {
                    // A DFA: the overlapping search over every test file head is hot.
                    aho_corasick::AhoCorasick::builder()
                        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
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
    }
}
