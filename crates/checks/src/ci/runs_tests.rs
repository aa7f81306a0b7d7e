use super::gate::{Gate, evaluate};
use super::model::stacks::{Stack, is_vendored, lang_stack};
use super::tools::test_runner;
use crate::prelude::*;
use vouch_workspace::{FileKind, Lang};

pub struct RunsTests;

static META: ControlMeta = ControlMeta {
    id: "CI003",
    slug: "runs_tests",
    title: "CI runs the test suite of every language stack",
    area: Area::Testing,
    severity: Severity::High,
    remediation: "Add a pipeline step that runs the tests of each stack on every push and pull request \
                  (`pytest`, `go test ./...`, `cargo test`, `npm test` with a real test script, `mvn verify`...).",
    references: &[
        "https://docs.github.com/en/actions/use-cases-and-examples/building-and-testing",
        "https://docs.gitlab.com/ee/ci/testing/",
        "https://martinfowler.com/articles/continuousIntegration.html",
    ],
    concepts: &[
        "tests run in CI",
        "automated tests",
        "unit tests",
        "continuous integration",
        "test suite",
        "CI pipeline runs tests",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

For every language stack of the repository (a manifest such as `pyproject.toml`, `package.json`,
`go.mod`, `Cargo.toml`, `pom.xml` with source code beside it), some pipeline step runs its test
runner: `pytest`, `python -m unittest`, `manage.py test`, `jest`, `vitest`, `mocha`,
`node --test`, `go test`, `gotestsum`, `cargo test`, `cargo nextest run`, `mvn verify`/`test`
(not with `-DskipTests`), `gradle test`/`check`/`build` (not with `-x test`), `rspec`,
`phpunit`, `dotnet test`. A stack that has no tests at all fails too: nothing tests it in CI,
and the finding says so ("has no tests") instead of pointing at tests that never run.

Task runners are followed one level into the file that defines them, so `make test` counts
when the Makefile's `test` target runs `pytest`, and `npm test` counts when `scripts.test` in
`package.json` runs a test runner (npm's placeholder `echo "Error: no test specified"` does
not). Commands in comments, `echo "run pytest later"`, steps with `if: false`, manual GitLab
jobs and documentation-only workflows do not count. When part of the pipeline cannot be read
(a file that does not parse, a remote include, a missing Makefile target) the result is
Unknown rather than a failure.

## Why it matters in production

Tests that only run on a developer's laptop do not protect the main branch: a change that
breaks them merges, deploys, and is found by users. Running them on every change is the
minimum bar for continuous delivery.

## Example

Bad (the workflow only builds):

```yaml
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pip install -r requirements.txt
      # - run: pytest
```

Good:

```yaml
      - run: pip install -r requirements.txt
      - run: pytest -q
```

## References

- GitHub Actions: building and testing
- GitLab CI: testing
- Martin Fowler, Continuous Integration
"#,
};

impl Check for RunsTests {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        evaluate(
            ws,
            &Gate {
                applies: &|_| true,
                not_applicable: "no source code",
                matcher: &|c, _| test_runner(c).map(|h| (h, None)),
                missing: &|s| {
                    if has_tests(ws, s.stack) {
                        format!(
                            "{} code has tests that no CI step runs (no test runner found in any pipeline)",
                            s.stack.name()
                        )
                    } else {
                        format!(
                            "{} code has no tests, and no CI step runs a test runner for it",
                            s.stack.name()
                        )
                    }
                },
                no_ci: "no CI pipeline, so no tests run on changes",
                what: "test runner",
            },
        )
    }
}

/// Folders of test data and doubles: code there is not a test of the stack.
fn is_test_data(rel: &str) -> bool {
    rel.split('/').any(|d| {
        matches!(
            d,
            "testdata"
                | "test-data"
                | "test_data"
                | "fixtures"
                | "__fixtures__"
                | "__mocks__"
                | "mocks"
        )
    })
}

/// Whether the stack has any test (a test file; for Rust also `#[test]` in the sources).
fn has_tests(ws: &Workspace, stack: Stack) -> bool {
    let sources = || {
        ws.files.iter().filter(move |f| {
            matches!(f.kind, FileKind::Source(l) if lang_stack(l) == Some(stack))
                && !is_vendored(&f.rel)
                && !f.class.docs_or_example()
        })
    };
    if sources().any(|f| f.class.test() && !is_test_data(&f.rel)) {
        return true;
    }
    // Rust unit tests live in `#[cfg(test)]` modules beside the code.
    stack == Stack::Rust
        && sources()
            .filter(|f| f.kind == FileKind::Source(Lang::Rust))
            .take(500)
            .any(|f| {
                ws.text(&f.rel)
                    .is_some_and(|t| t.text.contains("#[test]") || t.text.contains("#[cfg(test)]"))
            })
}
