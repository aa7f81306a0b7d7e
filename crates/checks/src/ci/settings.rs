//! Tool settings kept in configuration files rather than on the command line: coverage
//! thresholds (coverage.py `fail_under`, jest `coverageThreshold`, vitest `thresholds`, nyc
//! `check-coverage`, Codecov status targets, JaCoCo rules), JVM static-analysis plugins and
//! golangci-lint formatters. Each is the (path, line) that sets it. Built once per audit.

use regex::Regex;
use std::sync::LazyLock;
use vouch_workspace::{Node, Workspace};

#[derive(Debug, Default)]
pub struct Settings {
    pub py_fail_under: Option<(String, u32)>,
    pub pytest_addopts_fail_under: Option<(String, u32)>,
    pub jest_threshold: Option<(String, u32)>,
    pub jest_collects: bool,
    pub vitest_threshold: Option<(String, u32)>,
    pub vitest_collects: bool,
    pub nyc_check: Option<(String, u32)>,
    pub codecov_target: Option<(String, u32)>,
    pub jacoco_rule: Option<(String, u32)>,
    pub jvm_lint: Option<(String, u32)>,
    pub golangci_formats: Option<(String, u32)>,
}

fn re(s: &str) -> Regex {
    Regex::new(s).expect("static regex")
}

static FAIL_UNDER: LazyLock<Regex> = LazyLock::new(|| re(r"^\s*fail_under\s*=\s*([0-9.]+)"));
static ADDOPTS_FAIL_UNDER: LazyLock<Regex> =
    LazyLock::new(|| re(r"--cov-fail-under[= ]+([0-9.]+)"));
static COVERAGE_THRESHOLD: LazyLock<Regex> =
    LazyLock::new(|| re(r#"["']?coverageThreshold["']?\s*:"#));
static COLLECT: LazyLock<Regex> = LazyLock::new(|| re(r#"["']?collectCoverage["']?\s*:\s*true"#));
static VITEST_THRESHOLD: LazyLock<Regex> =
    LazyLock::new(|| re(r"\bthresholds\s*:|^\s*(lines|statements|branches|functions)\s*:\s*\d+"));
static VITEST_ENABLED: LazyLock<Regex> = LazyLock::new(|| re(r"\benabled\s*:\s*true"));
static CHECK_COVERAGE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"["']?check-coverage["']?\s*:\s*true"#));
static JACOCO_MIN: LazyLock<Regex> =
    LazyLock::new(|| re(r"<minimum>|\bminimum\s*=|\bminValue\b|\bminBound\("));
static JVM_LINT: LazyLock<Regex> =
    LazyLock::new(|| re(r"checkstyle|spotbugs|maven-pmd-plugin|\bpmd\b|detekt|ktlint|errorprone"));

/// First (path, line) of a line matching `pattern` in files whose name satisfies `names`.
fn first_match(
    ws: &Workspace,
    names: impl Fn(&str) -> bool,
    pattern: &Regex,
    accept: impl Fn(&str, &regex::Captures<'_>) -> bool,
) -> Option<(String, u32)> {
    for f in &ws.files {
        if !names(f.name())
            || f.class.test()
            || f.class.docs_or_example()
            || f.rel.contains("node_modules/")
        {
            continue;
        }
        let Some(text) = ws.text(&f.rel) else {
            continue;
        };
        for (n, line) in text.lines() {
            let t = line.trim_start();
            if t.starts_with('#') || t.starts_with("//") || t.starts_with(';') {
                continue;
            }
            if let Some(caps) = pattern.captures(line)
                && accept(&text.text, &caps)
            {
                return Some((f.rel.clone(), n as u32));
            }
        }
    }
    None
}

fn positive(caps: &regex::Captures<'_>) -> bool {
    caps.get(1)
        .and_then(|m| m.as_str().parse::<f64>().ok())
        .is_some_and(|v| v > 0.0)
}

fn is_js_config(name: &str, stem: &str) -> bool {
    name.starts_with(stem)
        && [".js", ".ts", ".mjs", ".cjs", ".mts", ".cts", ".json"]
            .iter()
            .any(|e| name.ends_with(e))
}

impl Settings {
    pub fn build(ws: &Workspace) -> Settings {
        let py_cfg = |n: &str| {
            matches!(
                n,
                ".coveragerc" | "pyproject.toml" | "setup.cfg" | "tox.ini"
            )
        };
        let pytest_cfg =
            |n: &str| matches!(n, "pytest.ini" | "pyproject.toml" | "setup.cfg" | "tox.ini");
        let jest_cfg = |n: &str| n == "package.json" || is_js_config(n, "jest.config");
        let vitest_cfg = |n: &str| {
            is_js_config(n, "vitest.config")
                || is_js_config(n, "vite.config")
                || is_js_config(n, "vitest.workspace")
        };
        let nyc_cfg =
            |n: &str| n.starts_with(".nycrc") || n.starts_with(".c8rc") || n == "package.json";
        let any = |_: &str, _: &regex::Captures<'_>| true;
        let build_files =
            |n: &str| n == "pom.xml" || n == "build.gradle" || n == "build.gradle.kts";
        Settings {
            py_fail_under: first_match(ws, py_cfg, &FAIL_UNDER, |_, c| positive(c)),
            pytest_addopts_fail_under: first_match(ws, pytest_cfg, &ADDOPTS_FAIL_UNDER, |_, c| {
                positive(c)
            }),
            jest_threshold: first_match(ws, jest_cfg, &COVERAGE_THRESHOLD, any),
            jest_collects: first_match(ws, jest_cfg, &COLLECT, any).is_some(),
            vitest_threshold: first_match(ws, vitest_cfg, &VITEST_THRESHOLD, |text, _| {
                text.contains("coverage")
            }),
            vitest_collects: first_match(ws, vitest_cfg, &VITEST_ENABLED, |text, _| {
                text.contains("coverage")
            })
            .is_some(),
            nyc_check: first_match(ws, nyc_cfg, &CHECK_COVERAGE, any),
            codecov_target: codecov_target(ws),
            jacoco_rule: first_match(ws, build_files, &JACOCO_MIN, |text, _| {
                text.contains("jacoco")
                    && (text.contains("<goal>check</goal>")
                        || text.contains("jacocoTestCoverageVerification")
                            && text.contains("dependsOn"))
            }),
            jvm_lint: first_match(ws, build_files, &JVM_LINT, any),
            golangci_formats: golangci_formats(ws),
        }
    }
}

/// A Codecov status with a numeric `target` that is not informational.
fn codecov_target(ws: &Workspace) -> Option<(String, u32)> {
    for name in [
        "codecov.yml",
        ".codecov.yml",
        "codecov.yaml",
        ".codecov.yaml",
        ".github/codecov.yml",
        ".github/.codecov.yml",
    ] {
        let Some(text) = ws.text(name) else {
            continue;
        };
        let Ok(docs) = vouch_workspace::yaml::parse_str(&text.text) else {
            continue;
        };
        for doc in &docs {
            for kind in ["project", "patch"] {
                let Some(status) = doc.root.path(&["coverage", "status", kind]) else {
                    continue;
                };
                for (_, cfg) in status.entries() {
                    let Some(target) = cfg.get("target") else {
                        continue;
                    };
                    let numeric = target
                        .as_str()
                        .map(|t| t.trim_end_matches('%'))
                        .and_then(|t| t.parse::<f64>().ok())
                        .is_some_and(|v| v > 0.0);
                    let informational =
                        cfg.get("informational").and_then(Node::as_bool) == Some(true);
                    if numeric && !informational {
                        return Some((name.to_string(), target.line));
                    }
                }
            }
        }
    }
    None
}

/// golangci-lint configured to run a formatter (v1 `linters.enable`, v2 `formatters.enable`).
fn golangci_formats(ws: &Workspace) -> Option<(String, u32)> {
    const FORMATTERS: [&str; 5] = ["gofmt", "gofumpt", "goimports", "gci", "golines"];
    for name in [".golangci.yml", ".golangci.yaml"] {
        let Some(text) = ws.text(name) else {
            continue;
        };
        let Ok(docs) = vouch_workspace::yaml::parse_str(&text.text) else {
            continue;
        };
        for doc in &docs {
            for path in [["linters", "enable"], ["formatters", "enable"]] {
                if let Some(n) = doc.root.path(&path).and_then(|l| {
                    l.items()
                        .iter()
                        .find(|i| i.as_str().is_some_and(|s| FORMATTERS.contains(&s)))
                }) {
                    return Some((name.to_string(), n.line));
                }
            }
        }
    }
    None
}
