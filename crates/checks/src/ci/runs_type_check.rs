use super::gate::{Gate, evaluate};
use super::model::stacks::Stack;
use super::tools::type_checker;
use crate::prelude::*;

pub struct RunsTypeCheck;

static META: ControlMeta = ControlMeta {
    id: "CI005",
    slug: "runs_type_check",
    title: "CI type-checks the code (or compiles it, for compiled languages)",
    area: Area::Testing,
    severity: Severity::Medium,
    remediation: "Run the type checker in the pipeline: `mypy` or `pyright` for Python, `tsc --noEmit` for \
                  TypeScript. For Go, Rust, Java/Kotlin and .NET make sure CI compiles the code \
                  (`go build`/`go vet`/`go test`, `cargo check`/`clippy`/`test`, `mvn verify`, `dotnet build`).",
    references: &[
        "https://mypy.readthedocs.io/en/stable/running_mypy.html",
        "https://www.typescriptlang.org/docs/handbook/compiler-options.html",
        "https://microsoft.github.io/pyright/#/ci-integration",
    ],
    concepts: &[
        "type check",
        "type checking",
        "mypy",
        "tsc",
        "static typing",
        "compile",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Python code is checked by `mypy`, `pyright`, `basedpyright`, `pytype`, `pyre` or `ty check`;
TypeScript by `tsc` (for example `tsc --noEmit`), `vue-tsc`, `svelte-check`, `astro check`,
`nuxi typecheck`, or a framework build that type-checks (`next build`, `ng build`).

Decision for compiled, statically typed languages (Go, Rust, Java/Kotlin, .NET): the compiler
is the type checker, so the control passes when CI compiles the code: `go build`, `go vet`,
`go test`, `golangci-lint` (Go); `cargo check`/`build`/`test`/`clippy` (Rust); `mvn compile`/
`test`/`verify`, `gradle build`/`check` (JVM); `dotnet build`/`test`.

JavaScript without TypeScript, Ruby and PHP are not evaluated (no standard type checker; a
repository with only those stacks is NotApplicable), though `phpstan`/`psalm` and
sorbet/steep are recognised.

## Why it matters in production

Type errors in dynamic code surface as `AttributeError`/`TypeError` in production, usually
on the error paths nobody tested. A type checker in CI finds them on every change, at the line
that introduced them.

## Example

Bad (TypeScript service, only unit tests):

```yaml
      - run: npm ci
      - run: npx vitest run
```

Good:

```yaml
      - run: npm ci
      - run: npx tsc --noEmit
      - run: npx vitest run
```

## References

- mypy: running mypy
- TypeScript compiler options (`noEmit`)
- pyright CI integration
"#,
};

impl Check for RunsTypeCheck {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        evaluate(
            ws,
            &Gate {
                applies: &|s| match s.stack {
                    Stack::Node => s.typescript,
                    Stack::Ruby | Stack::Php => false,
                    _ => true,
                },
                not_applicable: "only JavaScript, Ruby or PHP code, which has no standard static type checker",
                matcher: &|c, _| type_checker(c).map(|h| (h, None)),
                missing: &|s| {
                    match s.stack {
                    Stack::Python => "Python code is not type-checked in CI (no mypy, pyright or pytype step)".to_string(),
                    Stack::Node => "TypeScript code is not type-checked in CI (no `tsc` step or type-checking build)".to_string(),
                    other => format!("{} code is never compiled in CI, so type errors are not caught", other.name()),
                }
                },
                no_ci: "no CI pipeline, so no type check runs on changes",
                what: "type check",
            },
        )
    }
}
