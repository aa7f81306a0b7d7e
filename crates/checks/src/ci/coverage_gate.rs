use super::gate::{Gate, evaluate, settings};
use super::model::stacks::Stack;
use super::tools::coverage_gate;
use crate::prelude::*;

pub struct CoverageGate;

static META: ControlMeta = ControlMeta {
    id: "CI006",
    slug: "coverage_gate",
    title: "CI fails when test coverage drops below a threshold",
    area: Area::Testing,
    severity: Severity::Medium,
    remediation: "Make coverage a gate: `pytest --cov --cov-fail-under=80` (or `fail_under` in the coverage \
                  config), jest `coverageThreshold`, vitest `coverage.thresholds`, `cargo llvm-cov \
                  --fail-under-lines 80`, a JaCoCo `check` rule, or a Codecov status `target`.",
    references: &[
        "https://pytest-cov.readthedocs.io/en/latest/config.html",
        "https://jestjs.io/docs/configuration#coveragethreshold-object",
        "https://vitest.dev/config/#coverage-thresholds",
        "https://docs.codecov.com/docs/commit-status",
    ],
    concepts: &[
        "coverage",
        "code coverage",
        "coverage threshold",
        "coverage gate",
        "minimum coverage",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

For every stack among Python, JavaScript/TypeScript, Go, Rust, JVM and .NET, CI measures test
coverage with a threshold that fails the build:

- Python: `pytest --cov-fail-under=N`, `--cov-fail-under` in pytest `addopts`, `pytest --cov`
  or `coverage report` with `fail_under` in `.coveragerc`/`pyproject.toml`/`setup.cfg`/`tox.ini`;
  `diff-cover --fail-under`.
- JavaScript/TypeScript: jest with coverage collected and `coverageThreshold` (CLI or config),
  vitest with `--coverage` and `coverage.thresholds`, `nyc`/`c8 --check-coverage`.
- Go: `go-test-coverage`, or `go tool cover -func` followed by a numeric comparison in the same
  script.
- Rust: `cargo llvm-cov --fail-under-lines`, `cargo tarpaulin --fail-under`.
- JVM: a JaCoCo `check` rule with a `minimum` run by `mvn verify`, `jacocoTestCoverageVerification`,
  `koverVerify`. .NET: coverlet `/p:Threshold=`.
- Any stack: a Codecov upload with a numeric, non-informational status `target` in `codecov.yml`.

Measuring coverage without a threshold (`pytest --cov`, `go test -cover`) does not count.

## Why it matters in production

Without a gate, coverage only ever goes down: each change that adds untested code passes review
because the report is advisory. A threshold keeps the safety net from eroding silently.

## Example

Bad:

```yaml
      - run: pytest --cov=app
```

Good:

```yaml
      - run: pytest --cov=app --cov-fail-under=85
```

## References

- pytest-cov configuration
- jest `coverageThreshold`, vitest coverage thresholds
- Codecov commit status
"#,
};

impl Check for CoverageGate {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let s = settings(ws);
        evaluate(
            ws,
            &Gate {
                applies: &|s| !matches!(s.stack, Stack::Ruby | Stack::Php),
                not_applicable: "only Ruby or PHP code (coverage gates are not evaluated for them)",
                matcher: &|c, block| coverage_gate(c, &s, block),
                missing: &|s| {
                    format!(
                        "{} test coverage has no threshold that fails CI",
                        s.stack.name()
                    )
                },
                no_ci: "no CI pipeline, so no coverage threshold is enforced",
                what: "coverage threshold",
            },
        )
    }
}
