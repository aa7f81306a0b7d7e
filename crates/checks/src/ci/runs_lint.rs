use super::gate::{Gate, evaluate, settings};
use super::model::stacks::Stack;
use super::tools::linter;
use crate::prelude::*;

pub struct RunsLint;

static META: ControlMeta = ControlMeta {
    id: "CI004",
    slug: "runs_lint",
    title: "CI lints the code of every language stack",
    area: Area::Testing,
    severity: Severity::Low,
    remediation: "Run a linter for each stack in the pipeline: `ruff check` or `flake8` for Python, `eslint` or \
                  `biome check` for JavaScript/TypeScript, `golangci-lint run` or `go vet` for Go, \
                  `cargo clippy` for Rust, checkstyle/detekt/ktlint for the JVM.",
    references: &[
        "https://docs.astral.sh/ruff/integrations/",
        "https://golangci-lint.run/welcome/integrations/",
        "https://doc.rust-lang.org/clippy/continuous_integration/index.html",
        "https://eslint.org/docs/latest/use/command-line-interface",
    ],
    concepts: &[
        "lint",
        "linter",
        "static analysis",
        "code quality",
        "eslint",
        "clippy",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

For every language stack, some pipeline step runs a linter: `ruff check`, `flake8`, `pylint`
(Python); `eslint`, `next lint`, `biome check`/`lint`/`ci`, `oxlint` (JavaScript/TypeScript);
`golangci-lint`, `staticcheck`, `go vet`, `revive` (Go); `cargo clippy` (Rust); checkstyle, PMD,
SpotBugs, detekt, ktlint (JVM, also through `mvn verify`/`gradle check` when the build applies
one of them); `rubocop`; `phpcs`/`phpstan`. Multi-language linters (super-linter, MegaLinter,
`trunk check`, GitLab Code Quality) cover every stack. Hooks of `pre-commit run` and actions
such as `golangci/golangci-lint-action` count. `ruff format` is a formatter, not a linter.
.NET is not evaluated: its analyzers run inside the compiler.

## Why it matters in production

Linters catch the bugs that tests rarely exercise: unused results, shadowed errors, unchecked
`err` values, mutable default arguments, accidental `==` on floats. They are cheap to run and
stop whole classes of defects before review.

## Example

Bad (tests only):

```yaml
      - run: go test ./...
```

Good:

```yaml
      - uses: golangci/golangci-lint-action@4afd733a84b1f43292c63897423277bb7f4313a9 # v8.0.0
      - run: go test ./...
```

## References

- ruff, golangci-lint and clippy CI integration guides
- ESLint command line interface
"#,
};

impl Check for RunsLint {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let s = settings(ws);
        evaluate(
            ws,
            &Gate {
                applies: &|s| s.stack != Stack::Dotnet,
                not_applicable: ".NET only: analyzers run inside the compiler",
                matcher: &|c, _| linter(c, &s).map(|h| (h, None)),
                missing: &|s| {
                    format!(
                        "{} code is not linted in CI (no linter found in any pipeline)",
                        s.stack.name()
                    )
                },
                no_ci: "no CI pipeline, so no linter runs on changes",
                what: "linter",
            },
        )
    }
}
