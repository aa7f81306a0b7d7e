use crate::data::support::migrations::Migrations;
use crate::data::support::paths::file_name;
use crate::data::support::test_files::{Family, TestFiles};
use crate::data::support::text::read_head;
use crate::prelude::*;
use std::collections::BTreeMap;
use vouch_workspace::{Ecosystem, FileKind};

pub struct TestsPerLanguage;

static META: ControlMeta = ControlMeta {
    id: "TST001",
    slug: "tests_per_language",
    title: "Every language of the code base has tests",
    area: Area::Testing,
    severity: Severity::High,
    remediation: "Add automated tests for each language the service is written in, following \
                  its conventions: `tests/test_*.py` (pytest), `*_test.go`, `*.test.ts` / \
                  `*.spec.ts`, `#[test]` functions or `tests/*.rs`, `src/test/java/**/*Test.java`, \
                  `spec/**/*_spec.rb`, `tests/**/*Test.php`, `*Tests.cs`. Run them in CI.",
    references: &[
        "https://martinfowler.com/articles/practical-test-pyramid.html",
        "https://docs.pytest.org/en/stable/explanation/goodpractices.html",
        "https://go.dev/doc/tutorial/add-a-test",
        "https://doc.rust-lang.org/book/ch11-01-writing-tests.html",
    ],
    concepts: &[
        "unit tests",
        "automated tests",
        "test suite",
        "test coverage",
        "tests exist",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

For every language family with at least three source files of production code (Python,
JavaScript/TypeScript, Go, Rust, Java/Kotlin, Ruby, PHP, C#), the repository must hold at least
one test file with an actual test case: `def test_*`/`class Test*` in Python test files,
`describe`/`it`/`test` in JavaScript/TypeScript test files, `func TestX` in `*_test.go`,
`#[test]` in Rust, `@Test` in Java/Kotlin, specs in Ruby, PHPUnit/Pest tests, xUnit/NUnit/MSTest
attributes in C#. A `tests/` folder holding only `__init__.py` or `conftest.py` has no tests.
Vendored code (`node_modules/`, `vendor/`), documentation, examples, migrations and build
configuration (`*.config.js`, `setup.py`, `build.rs`) are neither code that needs tests nor
tests. The finding points at the folder of the untested code: the module that holds most of
it (the folder of its `go.mod`, `package.json`, `pyproject.toml`...), narrowed to the deepest
folder holding all its files, and lists the other places when the code spans several modules.
NotApplicable without source code.

## Why it matters in production

Code without tests is changed by hope: every refactor, dependency bump and bug fix risks a
regression that only users discover. In a polyglot service the untested language is usually
the glue (a Go sidecar, a TypeScript front end, a Python job) that nobody dares to touch.

## Example

Bad: a Go API with tests and a Python worker with a `tests/` folder holding only
`__init__.py`.

Good:

```python
# worker/tests/test_invoices.py
def test_invoice_total_includes_vat():
    assert invoice_total(100, vat=0.2) == 120
```

## References

- Martin Fowler, "The Practical Test Pyramid"
- pytest good practices; Go "Add a test"; The Rust Book, chapter 11
"#,
};

/// Fewer production files than this in a language: incidental scripts, not a code base.
const MIN_FILES: usize = 3;

/// Build and tool configuration written in a programming language.
fn is_config_script(rel: &str) -> bool {
    let name = file_name(rel).to_ascii_lowercase();
    name.contains(".config.")
        || name.starts_with('.')
        || name.ends_with(".min.js")
        || name.ends_with(".bundle.js")
        || rel.split('/').any(|d| d == "dist")
        || name.ends_with(".d.ts")
        || matches!(
            name.as_str(),
            "setup.py"
                | "manage.py"
                | "noxfile.py"
                | "fabfile.py"
                | "build.rs"
                | "gulpfile.js"
                | "gruntfile.js"
                | "webpack.config.js"
                | "babel.config.js"
                | "karma.conf.js"
                | "protractor.conf.js"
        )
        || rel.contains("/migrations/")
        || rel.starts_with("migrations/")
}

impl Check for TestsPerLanguage {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let migrations = Migrations::get(ws);
        let migration_files: std::collections::HashSet<&str> = migrations
            .sets
            .iter()
            .flat_map(|s| s.files.iter().map(String::as_str))
            .collect();
        let mut code: BTreeMap<Family, Vec<&str>> = BTreeMap::new();
        for (f, class) in ws.files.iter().map(|f| (f, f.class)) {
            let FileKind::Source(lang) = f.kind else {
                continue;
            };
            if class.product()
                && !class.test_like()
                && !is_config_script(&f.rel)
                && !migration_files.contains(f.rel.as_str())
            {
                code.entry(Family::of(lang)).or_default().push(&f.rel);
            }
        }
        code.retain(|_, files| files.len() >= MIN_FILES);
        if code.is_empty() {
            return Outcome::not_applicable(format!(
                "no language has {MIN_FILES} or more source files of production code"
            ));
        }
        let tests = TestFiles::get(ws);
        let (mut findings, mut evidence) = (Vec::new(), Vec::new());
        for (family, files) in &code {
            let with_tests: Vec<_> = tests
                .with_tests()
                .filter(|t| t.family == Some(*family))
                .collect();
            if let Some(first) = with_tests.first() {
                let (line, col) = first.first_test.unwrap_or((1, 1));
                evidence.push(first.finding(
                    line,
                    col,
                    format!(
                        "{}: {} test file(s) for {} source files",
                        family.name(),
                        with_tests.len(),
                        files.len()
                    ),
                ));
                continue;
            }
            if *family == Family::Rust
                && let Some(f) = inline_rust_test(ws, files)
            {
                evidence.push(f);
                continue;
            }
            let empty_tests: Vec<&str> = tests
                .files
                .iter()
                .filter(|t| t.family == Some(*family))
                .map(|t| t.rel.as_str())
                .take(3)
                .collect();
            let places = places(ws, *family, files);
            let mut message = format!(
                "{}: {} source files and no test",
                family.name(),
                files.len()
            );
            if places.len() > 1 {
                let shown: Vec<String> = places
                    .iter()
                    .take(3)
                    .map(|(dir, n)| format!("{n} in {dir}"))
                    .collect();
                let more = if places.len() > 3 { ", ..." } else { "" };
                message.push_str(&format!(" ({}{more})", shown.join(", ")));
            }
            if !empty_tests.is_empty() {
                message.push_str(&format!(
                    " (test files without test cases: {})",
                    empty_tests.join(", ")
                ));
            }
            findings.push(finding_file(&places[0].0, message));
        }
        Outcome::from_findings(findings, evidence)
    }
}

/// Rust unit tests live next to the code, in `#[cfg(test)]` modules.
fn inline_rust_test(ws: &Workspace, files: &[&str]) -> Option<Finding> {
    files.iter().find_map(|rel| {
        let head = read_head(ws, rel, 256 * 1024)?;
        let (n, line) = head
            .lines()
            .enumerate()
            .find(|(_, l)| l.trim_start().starts_with("#[test]") || l.contains("#[tokio::test"))?;
        let src = ws.text(rel)?;
        let _ = line;
        Some(finding_at(
            &src,
            n as u32 + 1,
            1,
            "Rust: unit tests in #[cfg(test)] modules",
        ))
    })
}

/// Whether `rel` is a build manifest of the family (its folder is a module or package root).
fn is_manifest_of(family: Family, rel: &str, kind: FileKind) -> bool {
    match family {
        Family::Python => kind == FileKind::Manifest(Ecosystem::Python),
        Family::JavaScript => kind == FileKind::Manifest(Ecosystem::Npm),
        Family::Go => kind == FileKind::Manifest(Ecosystem::Go),
        Family::Rust => kind == FileKind::Manifest(Ecosystem::Cargo),
        Family::Jvm => matches!(
            kind,
            FileKind::Manifest(Ecosystem::Maven | Ecosystem::Gradle)
        ),
        // The name only where the kind does not tell (this runs for every file).
        Family::Ruby => file_name(rel) == "Gemfile",
        Family::Php => file_name(rel) == "composer.json",
        Family::CSharp => file_name(rel).ends_with(".csproj"),
    }
}

/// The folder of a path ("" for the root).
fn parent(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Where the untested files are, largest group first, as (folder, file count): files are
/// grouped by their module (the nearest folder with the family's manifest, such as the
/// `go.mod` of `services/worker`), and each group is named by the deepest folder holding all
/// its files (`.` for the root).
fn places(ws: &Workspace, family: Family, files: &[&str]) -> Vec<(String, usize)> {
    let roots: std::collections::HashSet<&str> = ws
        .files
        .iter()
        .filter(|f| f.class.product() && is_manifest_of(family, &f.rel, f.kind))
        .map(|f| parent(&f.rel))
        .collect();
    // The nearest enclosing module root: walk up the file's folders (no scan of all roots).
    let module = |rel: &str| {
        let mut dir = parent(rel);
        loop {
            if roots.contains(dir) {
                return Some(dir.to_string());
            }
            if dir.is_empty() {
                return None;
            }
            dir = parent(dir);
        }
    };
    let mut groups: BTreeMap<Option<String>, Vec<&str>> = BTreeMap::new();
    for f in files {
        groups.entry(module(f)).or_default().push(f);
    }
    let mut out: Vec<(String, usize)> = groups
        .values()
        .map(|members| {
            let dir = common_dir(members);
            (
                if dir.is_empty() { ".".to_string() } else { dir },
                members.len(),
            )
        })
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// The deepest folder that holds every file ("" when only the root does).
fn common_dir(files: &[&str]) -> String {
    let mut common: Vec<&str> = parent(files[0]).split('/').collect();
    for f in &files[1..] {
        let parts: Vec<&str> = parent(f).split('/').collect();
        let same = common
            .iter()
            .zip(&parts)
            .take_while(|(a, b)| a == b)
            .count();
        common.truncate(same);
    }
    common.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_folders() {
        assert_eq!(
            common_dir(&["services/worker/main.go", "services/worker/queue.go"]),
            "services/worker"
        );
        assert_eq!(common_dir(&["src/App.tsx", "src/cart/Cart.tsx"]), "src");
        assert_eq!(common_dir(&["main.go", "internal/x.go"]), "");
        assert_eq!(common_dir(&["a/b/c.py", "a/bc/d.py"]), "a");
    }
}
