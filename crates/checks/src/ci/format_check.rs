use super::gate::{Gate, evaluate, settings};
use super::tools::format_check;
use crate::prelude::*;

pub struct FormatCheck;

static META: ControlMeta = ControlMeta {
    id: "CI009",
    slug: "format_check",
    title: "CI checks that the code is formatted",
    area: Area::Testing,
    severity: Severity::Low,
    remediation: "Run the formatter in check mode in CI: `ruff format --check` or `black --check`, `prettier \
                  --check .`, `test -z \"$(gofmt -l .)\"`, `cargo fmt --check`, `spotless:check`; or run the \
                  formatter and then `git diff --exit-code`.",
    references: &[
        "https://docs.astral.sh/ruff/formatter/",
        "https://prettier.io/docs/en/cli.html#--check",
        "https://github.com/rust-lang/rustfmt#checking-style-on-a-ci-server",
        "https://pkg.go.dev/cmd/gofmt",
    ],
    concepts: &[
        "format check",
        "code formatting",
        "code style",
        "prettier",
        "black",
        "gofmt",
        "rustfmt",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

For every language stack, CI runs a formatter in a mode that fails on unformatted code:
`ruff format --check`/`--diff`, `black --check`/`--diff` (Python); `prettier --check`/
`--list-different`, `biome ci`/`check`/`format` without `--write`, `dprint check` (JS/TS);
`gofmt -l` or `goimports -l` whose output is tested (`test -z "$(gofmt -l .)"`, `| grep`),
golangci-lint with a formatter enabled in `.golangci.yml` (Go); `cargo fmt --check` (Rust);
`spotless:check`, `ktlint`, `google-java-format --set-exit-if-changed` (JVM); `rubocop`;
`php-cs-fixer --dry-run`; `dotnet format --verify-no-changes`. A formatter in write mode
(`black .`, `prettier --write`, `go fmt ./...`) counts only when `git diff --exit-code` follows
it in the same script. Formatter hooks of `pre-commit run` count (a hook that changes files
fails the run).

`gofmt -l .` alone always exits 0 and does not count.

## Why it matters in production

Formatting drift buries real changes in noise: reviews get slower and riskier, and merges
conflict on whitespace. A check keeps the history readable and the review focused.

## Example

Bad (rewrites but never fails):

```yaml
      - run: black .
```

Good:

```yaml
      - run: black --check .
```

## References

- ruff formatter, prettier `--check`
- rustfmt on CI, gofmt
"#,
};

impl Check for FormatCheck {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let s = settings(ws);
        evaluate(
            ws,
            &Gate {
                applies: &|_| true,
                not_applicable: "no source code",
                matcher: &|c, block| format_check(c, &s, block).map(|h| (h, None)),
                missing: &|s| {
                    format!(
                        "{} formatting is not checked in CI (no formatter in check mode)",
                        s.stack.name()
                    )
                },
                no_ci: "no CI pipeline, so formatting is never checked",
                what: "format check",
            },
        )
    }
}
