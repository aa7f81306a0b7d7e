use super::gate::{Gate, evaluate};
use super::model::Cmd;
use super::model::stacks::Stack;
use super::next_config::{BuildTypeCheck, Setting, next_build_type_check};
use super::tools::type_checker;
use crate::prelude::*;
use std::cell::RefCell;

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
`next build` does not count when the project's `next.config.js`/`.mjs`/`.ts` sets
`typescript: { ignoreBuildErrors: true }` (the build then checks nothing; the finding points at
that setting), and makes the result Unknown when `ignoreBuildErrors` is an expression vouch
cannot evaluate (`process.env.SKIP_TYPES === "1"`).

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
        // `next build` runs that were not counted because of the Next.js configuration.
        let skipped: RefCell<Vec<(String, BuildTypeCheck)>> = RefCell::new(Vec::new());
        let matcher = |c: &Cmd, _: &[&Cmd]| {
            let hit = type_checker(c)?;
            if c.is("next", &["build"]) {
                let verdict = next_build_type_check(ws, c);
                if verdict != BuildTypeCheck::Runs {
                    skipped.borrow_mut().push((c.describe(), verdict));
                    return None;
                }
            }
            Some((hit, None))
        };
        let outcome = evaluate(
            ws,
            &Gate {
                applies: &|s| match s.stack {
                    Stack::Node => s.typescript,
                    Stack::Ruby | Stack::Php => false,
                    _ => true,
                },
                not_applicable: "only JavaScript, Ruby or PHP code, which has no standard static type checker",
                matcher: &matcher,
                missing: &|s| match s.stack {
                    Stack::Python => {
                        "Python code is not type-checked in CI (no mypy, pyright or pytype step)"
                            .to_string()
                    }
                    Stack::Node => TS_MISSING.to_string(),
                    other => format!(
                        "{} code is never compiled in CI, so type errors are not caught",
                        other.name()
                    ),
                },
                no_ci: "no CI pipeline, so no type check runs on changes",
                what: "type check",
            },
        );
        explain_skipped_next_builds(outcome, &skipped.into_inner())
    }
}

const TS_MISSING: &str =
    "TypeScript code is not type-checked in CI (no `tsc` step or type-checking build)";

/// When TypeScript is reported unchecked although `next build` runs, says why at the Next.js
/// setting that turns its type check off, or answers Unknown (for TypeScript) when that
/// setting is an expression.
fn explain_skipped_next_builds(outcome: Outcome, skipped: &[(String, BuildTypeCheck)]) -> Outcome {
    let Outcome::Fail { mut findings } = outcome else {
        return outcome;
    };
    let Some(ts) = findings.iter().position(|f| f.message == TS_MISSING) else {
        return Outcome::Fail { findings };
    };
    let first = |want_skipped: bool| {
        skipped.iter().find_map(|(cmd, v)| match v {
            BuildTypeCheck::Skipped(s) if want_skipped => Some((cmd, s)),
            BuildTypeCheck::Unclear(s) if !want_skipped => Some((cmd, s)),
            _ => None,
        })
    };
    if let Some((cmd, s)) = first(true) {
        findings[ts] = at_setting(
            s,
            format!(
                "TypeScript code is not type-checked in CI: {cmd} skips type checking because `typescript.ignoreBuildErrors` is `true`, and no `tsc` step runs"
            ),
        );
        return Outcome::Fail { findings };
    }
    let Some((cmd, s)) = first(false) else {
        return Outcome::Fail { findings };
    };
    findings.remove(ts);
    if !findings.is_empty() {
        return Outcome::Fail { findings };
    }
    Outcome::unknown(format!(
        "TypeScript is type-checked only by {cmd}, which skips type checking when `ignoreBuildErrors` is true; {} sets it to `{}`, which vouch cannot evaluate",
        s.at(),
        s.value
    ))
}

fn at_setting(s: &Setting, message: String) -> Finding {
    Finding::new(Location::at(&s.path, s.line, s.column), message).with_snippet(s.line_text.clone())
}
