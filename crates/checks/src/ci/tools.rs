//! Which tool a command runs, per category (tests, lint, type check, format check, coverage
//! gate, dependency audit, SAST, image scan, dynamic/contract security tests), and for which
//! language stacks. Matchers see normalised commands (see `model::argv`), so `poetry run
//! python -m pytest` and `uses: golangci/golangci-lint-action` look like `pytest` and
//! `golangci-lint run`.

use super::model::Cmd;
use super::model::stacks::Stack;
use super::settings::Settings;

/// A command recognised as a tool of a category.
#[derive(Clone, Copy, Debug)]
pub struct Hit {
    pub tool: &'static str,
    /// Stacks the tool covers; empty = every stack.
    pub stacks: &'static [Stack],
}

pub const ALL: &[Stack] = &[];
const PY: &[Stack] = &[Stack::Python];
const NODE: &[Stack] = &[Stack::Node];
const GO: &[Stack] = &[Stack::Go];
const RUST: &[Stack] = &[Stack::Rust];
const JVM: &[Stack] = &[Stack::Jvm];
const RUBY: &[Stack] = &[Stack::Ruby];
const PHP: &[Stack] = &[Stack::Php];
const DOTNET: &[Stack] = &[Stack::Dotnet];

fn hit(tool: &'static str, stacks: &'static [Stack]) -> Option<Hit> {
    Some(Hit { tool, stacks })
}

/// Any operand equals one of `words`.
fn has_operand(c: &Cmd, words: &[&str]) -> bool {
    c.operands().any(|o| words.contains(&o))
}

fn any_arg(c: &Cmd, pred: impl Fn(&str) -> bool) -> bool {
    c.args().iter().any(|a| pred(a))
}

/// Maven goals that run the test phase, unless tests are skipped.
fn maven_runs_tests(c: &Cmd) -> bool {
    let skipped = any_arg(c, |a| {
        a == "-DskipTests"
            || a == "-DskipTests=true"
            || a == "-Dmaven.test.skip=true"
            || a == "-Dmaven.test.skip"
    });
    !skipped
        && has_operand(
            c,
            &[
                "test",
                "verify",
                "package",
                "install",
                "deploy",
                "integration-test",
                "surefire:test",
            ],
        )
}

/// Gradle tasks that run tests, unless `-x test`.
fn gradle_runs_tests(c: &Cmd) -> bool {
    let args = c.args();
    let excluded = args
        .windows(2)
        .any(|w| (w[0] == "-x" || w[0] == "--exclude-task") && w[1].ends_with("test"));
    !excluded
        && c.operands().any(|o| {
            let task = o.rsplit(':').next().unwrap_or(o);
            matches!(task, "test" | "check" | "build")
                || task.ends_with("Test")
                || task.ends_with("test")
        })
}

pub fn test_runner(c: &Cmd) -> Option<Hit> {
    let p = c.prog();
    if c.has_flag("--version") || c.has_flag("--help") {
        return None;
    }
    match p {
        "pytest" if !c.has_flag("--collect-only") && !c.has_flag("--co") => hit("pytest", PY),
        "unittest" | "nose2" | "nosetests" | "green" | "ward" => hit("unittest", PY),
        "python"
            if c.operands().nth(1) == Some("test")
                && c.sub().is_some_and(|s| s.ends_with("manage.py")) =>
        {
            hit("Django tests", PY)
        }
        "django-admin" if c.sub() == Some("test") => hit("Django tests", PY),
        "hatch" if c.sub() == Some("test") => hit("hatch test", PY),
        "jest" | "vitest" | "mocha" | "ava" | "tap" | "jasmine" | "uvu" | "karma" | "cypress"
        | "playwright" | "react-scripts" | "craco" | "ng" | "vue-cli-service" => {
            let ok = match p {
                "react-scripts" | "craco" | "ng" => c.sub() == Some("test"),
                "vue-cli-service" => c.sub().is_some_and(|s| s.starts_with("test")),
                "cypress" => c.sub() == Some("run"),
                "playwright" => c.sub() == Some("test"),
                "vitest" => !matches!(c.sub(), Some("bench" | "init" | "list")),
                _ => true,
            };
            ok.then_some(Hit {
                tool: "JavaScript tests",
                stacks: NODE,
            })
        }
        "nyc" | "c8"
            if c.operands()
                .any(|o| matches!(o, "mocha" | "ava" | "tap" | "jest" | "node" | "vitest")) =>
        {
            hit("JavaScript tests", NODE)
        }
        "node" if c.has_flag("--test") => hit("node --test", NODE),
        "bun" | "deno" if c.sub() == Some("test") => hit("JavaScript tests", NODE),
        "go" if c.sub() == Some("test") && !c.has_flag("-c") => hit("go test", GO),
        "gotestsum" | "ginkgo" => hit("go test", GO),
        "cargo" => match c.sub() {
            Some("test") if !c.has_flag("--no-run") => hit("cargo test", RUST),
            Some("nextest") if c.operands().nth(1) == Some("run") => hit("cargo nextest", RUST),
            Some("tarpaulin") => hit("cargo tarpaulin", RUST),
            Some("llvm-cov")
                if !matches!(c.operands().nth(1), Some("report" | "clean" | "show-env")) =>
            {
                hit("cargo llvm-cov", RUST)
            }
            _ => None,
        },
        "mvn" if maven_runs_tests(c) => hit("Maven tests", JVM),
        "gradle" if gradle_runs_tests(c) => hit("Gradle tests", JVM),
        "sbt" if has_operand(c, &["test", "testOnly"]) => hit("sbt test", JVM),
        "rspec" => hit("rspec", RUBY),
        "rake" | "rails" if has_operand(c, &["test", "spec"]) => hit("Ruby tests", RUBY),
        "phpunit" | "pest" | "paratest" => hit("phpunit", PHP),
        "composer" if has_operand(c, &["test"]) => hit("composer test", PHP),
        "dotnet" if c.sub() == Some("test") => hit("dotnet test", DOTNET),
        _ => None,
    }
}

pub fn linter(c: &Cmd, s: &Settings) -> Option<Hit> {
    let p = c.prog();
    match p {
        "ruff" if c.sub() != Some("format") && !c.has_flag("--version") => hit("ruff", PY),
        "flake8" | "pylint" | "pyflakes" | "pycodestyle" | "prospector" | "pylama" => {
            hit("flake8/pylint", PY)
        }
        "eslint" | "oxlint" | "xo" | "standard" | "tslint" => hit("eslint", NODE),
        "next" | "ng" | "nuxt" if c.sub() == Some("lint") => hit("eslint", NODE),
        "vue-cli-service" if c.sub() == Some("lint") => hit("eslint", NODE),
        "biome" | "rome" if matches!(c.sub(), Some("check" | "lint" | "ci")) => hit("biome", NODE),
        "deno" if c.sub() == Some("lint") => hit("deno lint", NODE),
        "golangci-lint" if matches!(c.sub(), None | Some("run")) => hit("golangci-lint", GO),
        "staticcheck" | "revive" | "errcheck" | "golint" => hit("staticcheck", GO),
        "go" if c.sub() == Some("vet") => hit("go vet", GO),
        "cargo" if c.sub() == Some("clippy") => hit("cargo clippy", RUST),
        "checkstyle" | "pmd" | "ktlint" | "detekt" => hit("checkstyle/ktlint/detekt", JVM),
        "mvn"
            if c.operands().any(|o| {
                o.contains("checkstyle:") || o.contains("pmd:") || o.contains("spotbugs:")
            }) =>
        {
            hit("Maven static analysis", JVM)
        }
        "mvn" if s.jvm_lint.is_some() && has_operand(c, &["verify", "install", "deploy"]) => {
            hit("Maven static analysis", JVM)
        }
        "gradle"
            if c.operands().any(|o| {
                let t = o.rsplit(':').next().unwrap_or(o);
                t.starts_with("checkstyle")
                    || t.starts_with("ktlint")
                    || t.starts_with("detekt")
                    || t == "lint"
                    || t.starts_with("pmd")
                    || t.starts_with("spotbugs")
            }) =>
        {
            hit("Gradle static analysis", JVM)
        }
        "gradle" if s.jvm_lint.is_some() && has_operand(c, &["check", "build"]) => {
            hit("Gradle static analysis", JVM)
        }
        "rubocop" | "standardrb" => hit("rubocop", RUBY),
        "phpcs" | "phpstan" | "psalm" | "phpmd" => hit("phpcs/phpstan", PHP),
        "super-linter" | "megalinter" | "gitlab-code-quality" => hit(
            if p == "gitlab-code-quality" {
                "GitLab Code Quality"
            } else {
                "super-linter"
            },
            ALL,
        ),
        "trunk" if c.sub() == Some("check") => hit("trunk check", ALL),
        _ => None,
    }
}

/// Static type checking. For compiled languages the compiler is the type checker, so building,
/// vetting or testing the code counts.
pub fn type_checker(c: &Cmd) -> Option<Hit> {
    let p = c.prog();
    if c.has_flag("--version") || c.has_flag("--help") {
        return None;
    }
    match p {
        "mypy" | "pyright" | "basedpyright" | "pytype" | "pyre" | "dmypy" => {
            hit("mypy/pyright", PY)
        }
        "ty" if c.sub() == Some("check") => hit("ty", PY),
        "tsc" if !c.has_flag("--init") && !c.has_flag("--watch") && !c.has_flag("-w") => {
            hit("tsc", NODE)
        }
        "vue-tsc" | "svelte-check" | "tsgo" => hit("tsc", NODE),
        "nuxi" | "nuxt" if c.sub() == Some("typecheck") => hit("nuxi typecheck", NODE),
        "astro" if c.sub() == Some("check") => hit("astro check", NODE),
        "next" | "ng" if c.sub() == Some("build") => hit("framework build (type-checks)", NODE),
        "deno" if c.sub() == Some("check") => hit("deno check", NODE),
        "go" if matches!(c.sub(), Some("build" | "vet" | "test" | "install")) => {
            hit("Go compiler", GO)
        }
        "golangci-lint" | "staticcheck" | "gotestsum" => hit("Go compiler", GO),
        "cargo"
            if matches!(
                c.sub(),
                Some(
                    "build"
                        | "check"
                        | "test"
                        | "clippy"
                        | "nextest"
                        | "llvm-cov"
                        | "tarpaulin"
                        | "doc"
                )
            ) =>
        {
            hit("Rust compiler", RUST)
        }
        "mvn"
            if has_operand(
                c,
                &[
                    "compile",
                    "test-compile",
                    "test",
                    "verify",
                    "package",
                    "install",
                    "deploy",
                ],
            ) =>
        {
            hit("Java/Kotlin compiler", JVM)
        }
        "gradle"
            if c.operands().any(|o| {
                let t = o.rsplit(':').next().unwrap_or(o);
                matches!(
                    t,
                    "build"
                        | "check"
                        | "test"
                        | "assemble"
                        | "compileJava"
                        | "compileKotlin"
                        | "compileTestJava"
                        | "compileTestKotlin"
                        | "classes"
                )
            }) =>
        {
            hit("Java/Kotlin compiler", JVM)
        }
        "dotnet" if matches!(c.sub(), Some("build" | "test" | "publish")) => {
            hit(".NET compiler", DOTNET)
        }
        "phpstan" | "psalm" => hit("phpstan/psalm", PHP),
        "srb" | "steep" => hit("sorbet/steep", RUBY),
        _ => None,
    }
}

/// A coverage measurement that fails below a threshold. `block` holds the commands of the same
/// script block (for `go tool cover` followed by a comparison).
pub fn coverage_gate(c: &Cmd, s: &Settings, block: &[&Cmd]) -> Option<(Hit, Option<String>)> {
    let p = c.prog();
    let threshold = |flag: &str| {
        c.flag_value(flag)
            .and_then(|v| v.trim_end_matches('%').parse::<f64>().ok())
            .filter(|v| *v > 0.0)
    };
    let config = |loc: &Option<(String, u32)>| loc.as_ref().map(|(p, l)| format!("{p}:{l}"));
    match p {
        "pytest" if threshold("--cov-fail-under").is_some() => Some((
            Hit {
                tool: "pytest --cov-fail-under",
                stacks: PY,
            },
            None,
        )),
        "pytest" if s.pytest_addopts_fail_under.is_some() => Some((
            Hit {
                tool: "pytest --cov-fail-under (addopts)",
                stacks: PY,
            },
            config(&s.pytest_addopts_fail_under),
        )),
        "pytest" if any_arg(c, |a| a.starts_with("--cov")) && s.py_fail_under.is_some() => Some((
            Hit {
                tool: "pytest-cov with fail_under",
                stacks: PY,
            },
            config(&s.py_fail_under),
        )),
        "coverage"
            if c.sub() == Some("report") || c.sub() == Some("xml") || c.sub() == Some("html") =>
        {
            if threshold("--fail-under").is_some() {
                Some((
                    Hit {
                        tool: "coverage --fail-under",
                        stacks: PY,
                    },
                    None,
                ))
            } else if s.py_fail_under.is_some() {
                Some((
                    Hit {
                        tool: "coverage fail_under",
                        stacks: PY,
                    },
                    config(&s.py_fail_under),
                ))
            } else {
                None
            }
        }
        "diff-cover" if threshold("--fail-under").is_some() => Some((
            Hit {
                tool: "diff-cover --fail-under",
                stacks: ALL,
            },
            None,
        )),
        "jest" => {
            let collects = c.has_flag("--coverage") || s.jest_collects;
            let cli = c.has_flag("--coverageThreshold");
            (collects && (cli || s.jest_threshold.is_some())).then(|| {
                (
                    Hit {
                        tool: "jest coverageThreshold",
                        stacks: NODE,
                    },
                    if cli { None } else { config(&s.jest_threshold) },
                )
            })
        }
        "vitest" => {
            let collects = any_arg(c, |a| a.starts_with("--coverage")) || s.vitest_collects;
            let cli = any_arg(c, |a| a.starts_with("--coverage.thresholds"));
            (collects && (cli || s.vitest_threshold.is_some())).then(|| {
                (
                    Hit {
                        tool: "vitest coverage thresholds",
                        stacks: NODE,
                    },
                    if cli {
                        None
                    } else {
                        config(&s.vitest_threshold)
                    },
                )
            })
        }
        "nyc" | "c8" => {
            let check = c.has_flag("--check-coverage") || c.sub() == Some("check-coverage");
            (check || s.nyc_check.is_some()).then(|| {
                (
                    Hit {
                        tool: "nyc/c8 --check-coverage",
                        stacks: NODE,
                    },
                    if check { None } else { config(&s.nyc_check) },
                )
            })
        }
        "go-test-coverage" => Some((
            Hit {
                tool: "go-test-coverage",
                stacks: GO,
            },
            None,
        )),
        "go" if c.is("go", &["tool", "cover"]) => {
            let compared = block.iter().any(|b| {
                let t = &b.line_text;
                (matches!(
                    b.prog(),
                    "awk" | "bc" | "[" | "[[" | "test" | "python" | "jq"
                ) || t.contains("(( "))
                    && (t.contains(" -lt ")
                        || t.contains(" < ")
                        || t.contains("<")
                        || t.contains(" -ge "))
            });
            compared.then_some((
                Hit {
                    tool: "go tool cover with a threshold check",
                    stacks: GO,
                },
                None,
            ))
        }
        "cargo"
            if c.sub() == Some("llvm-cov")
                && any_arg(c, |a| {
                    a.starts_with("--fail-under") || a.starts_with("--fail-uncovered")
                }) =>
        {
            Some((
                Hit {
                    tool: "cargo llvm-cov --fail-under",
                    stacks: RUST,
                },
                None,
            ))
        }
        "cargo" if c.sub() == Some("tarpaulin") && threshold("--fail-under").is_some() => Some((
            Hit {
                tool: "cargo tarpaulin --fail-under",
                stacks: RUST,
            },
            None,
        )),
        "mvn"
            if s.jacoco_rule.is_some()
                && (has_operand(c, &["verify", "install", "deploy"])
                    || c.operands().any(|o| o.contains("jacoco:check"))) =>
        {
            Some((
                Hit {
                    tool: "JaCoCo coverage rule",
                    stacks: JVM,
                },
                config(&s.jacoco_rule),
            ))
        }
        "gradle"
            if c.operands().any(|o| {
                o.ends_with("jacocoTestCoverageVerification") || o.ends_with("koverVerify")
            }) || (s.jacoco_rule.is_some() && has_operand(c, &["check", "build"])) =>
        {
            Some((
                Hit {
                    tool: "JaCoCo/Kover verification",
                    stacks: JVM,
                },
                config(&s.jacoco_rule),
            ))
        }
        "dotnet" if c.sub() == Some("test") && any_arg(c, |a| a.contains("Threshold=")) => Some((
            Hit {
                tool: "coverlet threshold",
                stacks: DOTNET,
            },
            None,
        )),
        "codecov" | "codecovcli" if s.codecov_target.is_some() => Some((
            Hit {
                tool: "Codecov status target",
                stacks: ALL,
            },
            config(&s.codecov_target),
        )),
        _ if s.codecov_target.is_some() && c.line_text.contains("codecov.io/bash") => Some((
            Hit {
                tool: "Codecov status target",
                stacks: ALL,
            },
            config(&s.codecov_target),
        )),
        _ => None,
    }
}

/// The label of a Go formatter run as seen (`gofumpt -d`, `goimports -l`, `gofmt -w`).
fn go_formatter(prog: &str, mode: &str) -> &'static str {
    match (prog, mode) {
        ("gofumpt", "-l") => "gofumpt -l",
        ("gofumpt", "-d") => "gofumpt -d",
        ("gofumpt", _) => "gofumpt -w + git diff",
        ("goimports", "-l") => "goimports -l",
        ("goimports", "-d") => "goimports -d",
        ("goimports", _) => "goimports -w + git diff",
        (_, "-l") => "gofmt -l",
        (_, "-d") => "gofmt -d",
        _ => "gofmt -w + git diff",
    }
}

/// `test -z "$(gofmt -s -l .)"`: the Go formatter whose output the test examines.
fn go_formatter_tested(c: &Cmd) -> Option<&'static str> {
    let joined = c.args().join(" ");
    let words: Vec<&str> = joined
        .split(|ch: char| ch.is_whitespace() || matches!(ch, '(' | ')' | '"' | '\''))
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().enumerate().find_map(|(i, w)| {
        let prog = ["gofmt", "gofumpt", "goimports"]
            .into_iter()
            .find(|p| w == p || w.ends_with(&format!("/{p}")))?;
        let mut rest = words[i + 1..]
            .iter()
            .take_while(|f| !matches!(**f, "]" | "]]" | "|" | "||" | "&&" | ";"));
        let mode = rest.find_map(|f| ["-l", "-d"].into_iter().find(|m| f == m))?;
        Some(go_formatter(prog, mode))
    })
}

/// `gofmt -l` prints the unformatted files and exits 0: it only checks when its output is tested.
fn output_tested(line: &str) -> bool {
    [
        "| grep",
        "|grep",
        "| wc",
        "| read",
        "| (! read)",
        "test -z",
        "[ -z",
        "[ -n",
        "[[ -z",
        "[[ -n",
        "exit 1",
        "diff -u",
    ]
    .iter()
    .any(|t| line.contains(t))
}

/// `out=$(gofmt -l .)` followed by `[ -n "$out" ]` / `test -z "$out"` in the same block.
fn captured_and_tested(c: &Cmd, block: &[&Cmd]) -> bool {
    let Some((var, _)) = c.line_text.split_once("=$(") else {
        return false;
    };
    let var = var.trim().trim_start_matches("export ").trim();
    if var.is_empty()
        || !var
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
    {
        return false;
    }
    let at = block.iter().position(|b| std::ptr::eq(*b, c)).unwrap_or(0);
    block[at..].iter().any(|b| {
        matches!(b.prog(), "[" | "[[" | "test")
            && (b.has_flag("-n") || b.has_flag("-z"))
            && b.args()
                .iter()
                .any(|a| a == &format!("${var}") || a == &format!("${{{var}}}"))
    })
}

/// A rewriting formatter followed by `git diff --exit-code` (or `--quiet`) in the same block.
fn diff_after(c: &Cmd, block: &[&Cmd]) -> bool {
    let at = block.iter().position(|b| std::ptr::eq(*b, c)).unwrap_or(0);
    block[at..].iter().any(|b| {
        b.prog() == "git"
            && b.sub() == Some("diff")
            && (b.has_flag("--exit-code") || b.has_flag("--quiet"))
    })
}

pub fn format_check(c: &Cmd, s: &Settings, block: &[&Cmd]) -> Option<Hit> {
    let p = c.prog();
    let checks = |flags: &[&str]| flags.iter().any(|f| c.has_flag(f));
    let sub = c.sub();
    match p {
        "ruff"
            if sub == Some("format")
                && (checks(&["--check", "--diff"]) || diff_after(c, block)) =>
        {
            hit("ruff format --check", PY)
        }
        "black" | "blue" if checks(&["--check", "--diff"]) || diff_after(c, block) => {
            hit("black --check", PY)
        }
        "yapf" if checks(&["--diff", "-d"]) => hit("yapf --diff", PY),
        "prettier"
            if checks(&["--check", "-c", "--list-different", "-l"])
                || (checks(&["--write", "-w"]) && diff_after(c, block)) =>
        {
            hit("prettier --check", NODE)
        }
        "biome" | "rome"
            if sub == Some("ci")
                || (matches!(sub, Some("format" | "check"))
                    && !checks(&["--write", "--apply", "--fix", "--apply-unsafe"])) =>
        {
            hit("biome", NODE)
        }
        "dprint" if sub == Some("check") => hit("dprint check", ALL),
        "deno" if sub == Some("fmt") && checks(&["--check"]) => hit("deno fmt --check", NODE),
        "gofmt" | "gofumpt" | "goimports"
            if checks(&["-l", "-d"])
                && (checks(&["--fail-on-output"])
                    || output_tested(&c.line_text)
                    || captured_and_tested(c, block)) =>
        {
            let mode = if checks(&["-l"]) { "-l" } else { "-d" };
            hit(go_formatter(p, mode), GO)
        }
        "gofmt" | "gofumpt" | "goimports" if checks(&["-w"]) && diff_after(c, block) => {
            hit(go_formatter(p, "-w"), GO)
        }
        "[" | "[[" | "test" if go_formatter_tested(c).is_some() => hit(go_formatter_tested(c)?, GO),
        "go" if sub == Some("fmt") && diff_after(c, block) => hit("go fmt + git diff", GO),
        "golangci-lint" if sub == Some("fmt") && checks(&["--diff", "-d"]) => {
            hit("golangci-lint fmt --diff", GO)
        }
        "golangci-lint" if matches!(sub, None | Some("run")) && s.golangci_formats.is_some() => {
            hit("golangci-lint formatters", GO)
        }
        "cargo" if sub == Some("fmt") && (checks(&["--check"]) || diff_after(c, block)) => {
            hit("cargo fmt --check", RUST)
        }
        "rustfmt" if checks(&["--check"]) => hit("rustfmt --check", RUST),
        "mvn"
            if c.operands().any(|o| {
                o.contains("spotless:check")
                    || o.contains("fmt:check")
                    || o.contains("formatter:validate")
            }) =>
        {
            hit("spotless/fmt check", JVM)
        }
        "gradle"
            if c.operands().any(|o| {
                o.ends_with("spotlessCheck")
                    || o.ends_with("ktlintCheck")
                    || o.ends_with("ktfmtCheck")
            }) =>
        {
            hit("spotlessCheck", JVM)
        }
        "ktlint" => hit("ktlint", JVM),
        "google-java-format" | "ktfmt" if checks(&["--set-exit-if-changed"]) => {
            hit("google-java-format", JVM)
        }
        "rubocop" | "standardrb" => hit("rubocop", RUBY),
        "php-cs-fixer" if sub == Some("check") || checks(&["--dry-run"]) => {
            hit("php-cs-fixer --dry-run", PHP)
        }
        "phpcs" => hit("phpcs", PHP),
        "dotnet" if sub == Some("format") && checks(&["--verify-no-changes"]) => {
            hit("dotnet format --verify-no-changes", DOTNET)
        }
        "dotnet" if sub == Some("csharpier") && checks(&["--check"]) => {
            hit("csharpier --check", DOTNET)
        }
        "super-linter" | "megalinter" => hit("super-linter", ALL),
        "trunk" if sub == Some("check") => hit("trunk check", ALL),
        _ => None,
    }
}

pub fn dependency_audit(c: &Cmd) -> Option<Hit> {
    let p = c.prog();
    match p {
        "pip-audit" | "safety" | "jake" => hit(p_name(p), PY),
        "pipenv" if c.sub() == Some("check") => hit("pipenv check", PY),
        "npm" | "pnpm" | "bun"
            if c.sub() == Some("audit") && c.operands().nth(1) != Some("signatures") =>
        {
            hit("npm audit", NODE)
        }
        "yarn" if c.sub() == Some("audit") || c.is("yarn", &["npm", "audit"]) => {
            hit("yarn audit", NODE)
        }
        "audit-ci" | "better-npm-audit" | "retire" | "improved-yarn-audit" => {
            hit("npm audit", NODE)
        }
        "govulncheck" | "nancy" => hit("govulncheck", GO),
        "cargo" if c.sub() == Some("audit") => hit("cargo audit", RUST),
        "cargo"
            if c.sub() == Some("deny")
                && c.operands().nth(1).is_none_or(|x| x == "check")
                && c.operands().nth(2).is_none_or(|x| x == "advisories") =>
        {
            hit("cargo deny", RUST)
        }
        "mvn" if c.operands().any(|o| o.contains("dependency-check")) => {
            hit("OWASP dependency-check", JVM)
        }
        "gradle" if c.operands().any(|o| o.starts_with("dependencyCheck")) => {
            hit("OWASP dependency-check", JVM)
        }
        "bundle-audit" | "bundler-audit" => hit("bundler-audit", RUBY),
        "bundle" if c.sub() == Some("audit") => hit("bundler-audit", RUBY),
        "composer" if c.sub() == Some("audit") => hit("composer audit", PHP),
        "dotnet" if c.is("dotnet", &["list", "package"]) && c.has_flag("--vulnerable") => {
            hit("dotnet list package --vulnerable", DOTNET)
        }
        "osv-scanner" => hit("osv-scanner", ALL),
        "trivy"
            if matches!(
                c.sub(),
                Some("fs" | "filesystem" | "repo" | "repository" | "rootfs")
            ) && c
                .flag_value("--scanners")
                .is_none_or(|v| v.contains("vuln"))
                && !c
                    .flag_value("--format")
                    .or_else(|| c.flag_value("-f"))
                    .is_some_and(|f| {
                        f.starts_with("cyclonedx") || f.starts_with("spdx") || f == "github"
                    }) =>
        {
            hit("trivy fs", ALL)
        }
        "grype"
            if c.sub().is_some_and(|t| {
                t.starts_with("dir:")
                    || t == "."
                    || t.starts_with("./")
                    || t.starts_with("sbom:")
                    || t.starts_with("file:")
            }) =>
        {
            hit("grype", ALL)
        }
        "snyk" if c.sub() == Some("test") => hit("snyk test", ALL),
        "dependency-review" => hit("dependency-review-action", ALL),
        "gitlab-dependency-scanning" => hit("GitLab Dependency Scanning", ALL),
        "dependency-check" | "dependency-check.sh" => hit("OWASP dependency-check", ALL),
        "jf" | "jfrog" if c.sub() == Some("audit") => hit("JFrog audit", ALL),
        _ => None,
    }
}

fn p_name(p: &str) -> &'static str {
    match p {
        "safety" => "safety",
        "jake" => "jake",
        _ => "pip-audit",
    }
}

pub fn sast(c: &Cmd) -> Option<Hit> {
    let p = c.prog();
    match p {
        "bandit" => hit("bandit", PY),
        "gosec" => hit("gosec", GO),
        "njsscan" => hit("njsscan", NODE),
        "brakeman" => hit("brakeman", RUBY),
        "psalm" if c.has_flag("--taint-analysis") => hit("psalm taint analysis", PHP),
        "semgrep" | "opengrep" if !c.has_flag("--version") && c.sub() != Some("login") => {
            hit("semgrep", ALL)
        }
        "codeql" if c.operands().any(|o| o == "analyze") => hit("CodeQL", ALL),
        "sonar-scanner" | "sonar" => hit("SonarQube", ALL),
        "mvn"
            if c.operands()
                .any(|o| o.contains("sonar:sonar") || o == "sonar") =>
        {
            hit("SonarQube", ALL)
        }
        "gradle" if has_operand(c, &["sonar", "sonarqube"]) => hit("SonarQube", ALL),
        "dotnet" if c.operands().any(|o| o.starts_with("sonarscanner")) => hit("SonarQube", ALL),
        "snyk" if c.is("snyk", &["code", "test"]) => hit("Snyk Code", ALL),
        "gitlab-sast" => hit("GitLab SAST", ALL),
        "sast-scan" | "msdo" | "horusec" | "bearer" | "sourceanalyzer" => hit("SAST scanner", ALL),
        "cx" if c.sub() == Some("scan") => hit("Checkmarx", ALL),
        _ => None,
    }
}

pub fn image_scan(c: &Cmd) -> Option<Hit> {
    const TRIVY_NON_IMAGE: [&str; 18] = [
        "fs",
        "filesystem",
        "repo",
        "repository",
        "config",
        "conf",
        "k8s",
        "kubernetes",
        "sbom",
        "rootfs",
        "vm",
        "aws",
        "plugin",
        "server",
        "client",
        "module",
        "version",
        "clean",
    ];
    let p = c.prog();
    match p {
        "trivy" if matches!(c.sub(), Some("image" | "i")) => hit("trivy image", ALL),
        "trivy"
            if c.sub()
                .is_some_and(|s| !TRIVY_NON_IMAGE.contains(&s) && s.contains(':')) =>
        {
            hit("trivy image", ALL)
        }
        "grype"
            if c.sub().is_some_and(|t| {
                !(t.starts_with("dir:")
                    || t == "."
                    || t.starts_with("./")
                    || t.starts_with("sbom:")
                    || t.starts_with("file:")
                    || t == "db"
                    || t == "version")
            }) =>
        {
            hit("grype", ALL)
        }
        "docker"
            if c.sub() == Some("scout")
                && c.operands().nth(1).is_some_and(|s| {
                    matches!(
                        s,
                        "cves" | "quickview" | "qv" | "recommendations" | "compare"
                    )
                }) =>
        {
            hit("docker scout", ALL)
        }
        "docker-scout" => hit("docker scout", ALL),
        "snyk" if c.is("snyk", &["container", "test"]) => hit("snyk container test", ALL),
        "gitlab-container-scanning" => hit("GitLab Container Scanning", ALL),
        "clair-scanner" | "clairctl" | "twistcli" => hit("image scanner", ALL),
        "wizcli" if c.operands().any(|o| o == "docker") => hit("wiz image scan", ALL),
        "jf" | "jfrog" if c.is(p, &["docker", "scan"]) => hit("JFrog Xray", ALL),
        _ => None,
    }
}

pub fn dynamic_security(c: &Cmd) -> Option<Hit> {
    let p = c.prog();
    let zap = c.argv.iter().any(|a| {
        matches!(
            a.as_str(),
            "zap-baseline.py"
                | "zap-full-scan.py"
                | "zap-api-scan.py"
                | "zap-baseline"
                | "zap-api-scan"
        )
    });
    if zap {
        return hit("OWASP ZAP", ALL);
    }
    match p {
        "zap.sh" | "zap-cli"
            if c.has_flag("-cmd") || c.sub().is_some_and(|s| s.contains("scan")) =>
        {
            hit("OWASP ZAP", ALL)
        }
        "schemathesis" | "st" if c.sub() == Some("run") => hit("schemathesis", ALL),
        "dredd" => hit("dredd", ALL),
        "pact-provider-verifier" | "pact_verifier_cli" => hit("Pact provider verification", ALL),
        "pact-broker" if c.sub() == Some("can-i-deploy") => hit("Pact can-i-deploy", ALL),
        "pact" | "pactflow"
            if c.operands()
                .any(|o| o.contains("verify") || o == "can-i-deploy") =>
        {
            hit("Pact", ALL)
        }
        "specmatic" if c.operands().any(|o| o == "test") => hit("specmatic contract tests", ALL),
        "nuclei" => hit("nuclei", ALL),
        "hawk" if c.sub() == Some("scan") => hit("StackHawk", ALL),
        "gitlab-dast" => hit("GitLab DAST", ALL),
        "restler" | "wapiti" | "nikto" | "nikto.pl" | "arachni" => hit("DAST scanner", ALL),
        _ => None,
    }
}

/// Test and security tools: the steps whose failure must fail the pipeline.
pub fn guarded(c: &Cmd) -> Option<&'static str> {
    test_runner(c)
        .or_else(|| dependency_audit(c))
        .or_else(|| sast(c))
        .or_else(|| image_scan(c))
        .or_else(|| dynamic_security(c))
        .map(|h| h.tool)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(s: &str) -> Cmd {
        let words: Vec<String> = s.split_whitespace().map(String::from).collect();
        Cmd {
            argv: words,
            text: s.to_string(),
            line_text: s.to_string(),
            path: "ci.yml".into(),
            line: 1,
            column: 1,
            block: 0,
            step: None,
            file: 0,
            via: Vec::new(),
            tolerated: None,
            synthetic: false,
            inputs: Vec::new(),
            cwd: String::new(),
            invocation: false,
        }
    }

    #[test]
    fn tests_and_skips() {
        assert!(test_runner(&cmd("pytest -q")).is_some());
        assert!(test_runner(&cmd("pytest --collect-only")).is_none());
        assert!(test_runner(&cmd("mvn -B verify")).is_some());
        assert!(test_runner(&cmd("mvn -B package -DskipTests")).is_none());
        assert!(test_runner(&cmd("gradle build -x test")).is_none());
        assert!(test_runner(&cmd("go build ./...")).is_none());
        assert!(test_runner(&cmd("cargo test --no-run")).is_none());
        assert!(test_runner(&cmd("python manage.py test")).is_some());
        assert!(test_runner(&cmd("echo pytest")).is_none());
    }

    #[test]
    fn go_formatter_labels_name_what_runs() {
        let s = Settings::default();
        let label = |line: &str| {
            let c = cmd(line);
            format_check(&c, &s, &[&c]).map(|h| h.tool)
        };
        assert_eq!(label("test -z $(gofmt -s -l .)"), Some("gofmt -l"));
        assert_eq!(label("[ -z $(gofumpt -d .) ]"), Some("gofumpt -d"));
        assert_eq!(
            label("[ -z $(goimports -local example.com -l .) ]"),
            Some("goimports -l")
        );
        assert_eq!(label("[ -z $(goimports -local example.com .) ]"), None);
        assert_eq!(label("gofmt -d . || exit 1"), Some("gofmt -d"));
        assert_eq!(label("gofmt -l . | grep ."), Some("gofmt -l"));
    }

    #[test]
    fn security_tools() {
        assert!(dependency_audit(&cmd("trivy fs --scanners vuln .")).is_some());
        assert!(dependency_audit(&cmd("trivy fs --scanners secret .")).is_none());
        assert!(image_scan(&cmd("trivy image --exit-code 1 app:ci")).is_some());
        assert!(image_scan(&cmd("trivy fs .")).is_none());
        assert!(image_scan(&cmd("grype app:latest")).is_some());
        assert!(image_scan(&cmd("grype dir:.")).is_none());
        assert!(sast(&cmd("snyk code test")).is_some());
        assert!(dependency_audit(&cmd("snyk code test")).is_none());
        assert!(
            dynamic_security(&cmd("zaproxy zap-baseline.py -t http://localhost:8080")).is_some()
        );
        assert!(dependency_audit(&cmd("npm audit signatures")).is_none());
        assert!(dependency_audit(&cmd("cargo deny check licenses")).is_none());
        assert!(dependency_audit(&cmd("cargo deny check")).is_some());
    }
}
