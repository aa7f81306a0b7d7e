//! What well-known actions, templates, orbs, pipes and tasks run, as the equivalent command
//! line, so one set of matchers sees `uses: golangci/golangci-lint-action` and `golangci-lint run`
//! alike. Unknown references stand for nothing.

type Inputs = [(String, String)];

fn input<'a>(inputs: &'a Inputs, key: &str) -> Option<&'a str> {
    inputs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// A literal `true` (an expression such as `${{ inputs.strict }}` is neither true nor false).
fn is_true(value: Option<&str>) -> bool {
    value.is_some_and(|v| v.trim_matches(['"', '\'']).eq_ignore_ascii_case("true"))
}

fn is_false(value: Option<&str>) -> bool {
    value.is_some_and(|v| v.trim_matches(['"', '\'']).eq_ignore_ascii_case("false"))
}

fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split_whitespace().map(String::from)
}

fn v(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// `owner/repo[/path]@ref` → lower-case `owner/repo[/path]`.
pub fn action_name(reference: &str) -> String {
    reference
        .split('@')
        .next()
        .unwrap_or(reference)
        .trim_end_matches('/')
        .to_ascii_lowercase()
}

/// The command a GitHub action (or remote reusable workflow) stands for.
pub fn action_argv(name: &str, inputs: &Inputs) -> Option<Vec<String>> {
    let owner_repo: String = name.split('/').take(2).collect::<Vec<_>>().join("/");
    let out = match name {
        "golangci/golangci-lint-action" | "reviewdog/action-golangci-lint" => {
            let mut a = v(&["golangci-lint", "run"]);
            a.extend(input(inputs, "args").into_iter().flat_map(words));
            a
        }
        "astral-sh/ruff-action" | "chartboost/ruff-action" | "reviewdog/action-ruff" => {
            let mut a = v(&["ruff"]);
            a.extend(words(input(inputs, "args").unwrap_or("check")));
            a
        }
        "psf/black" => {
            let mut a = v(&["black"]);
            a.extend(words(input(inputs, "options").unwrap_or("--check --diff")));
            a
        }
        "github/codeql-action/analyze" => v(&["codeql", "analyze"]),
        "github/codeql-action/upload-sarif" => v(&["upload-sarif"]),
        "aquasecurity/trivy-action" => {
            let scan = input(inputs, "scan-type").unwrap_or("image").to_string();
            let target = input(inputs, "image-ref")
                .or_else(|| input(inputs, "scan-ref"))
                .or_else(|| input(inputs, "input"))
                .unwrap_or(".");
            let mut a = vec!["trivy".into(), scan, target.to_string()];
            for (key, flag) in [
                ("exit-code", "--exit-code"),
                ("severity", "--severity"),
                ("format", "--format"),
            ] {
                if let Some(val) = input(inputs, key) {
                    a.extend([flag.to_string(), val.to_string()]);
                }
            }
            a
        }
        "anchore/scan-action" => {
            let mut a = match (input(inputs, "image"), input(inputs, "path")) {
                (Some(img), _) => v(&["grype", img]),
                (None, Some(p)) => vec!["grype".into(), format!("dir:{p}")],
                _ => v(&["grype", "dir:."]),
            };
            // `fail-build` defaults to true, at `severity-cutoff` (default medium).
            if !is_false(input(inputs, "fail-build")) {
                let cutoff = input(inputs, "severity-cutoff").unwrap_or("medium");
                a.extend(v(&["--fail-on", cutoff]));
            }
            a
        }
        // Fails on findings at `severity-threshold` and above (default HIGH).
        "azure/container-scan" => {
            let img = input(inputs, "image-name").unwrap_or("image");
            let severity = match input(inputs, "severity-threshold").map(str::to_ascii_uppercase) {
                Some(t) if t == "LOW" => "LOW,MEDIUM,HIGH,CRITICAL",
                Some(t) if t == "MEDIUM" => "MEDIUM,HIGH,CRITICAL",
                Some(t) if t == "CRITICAL" => "CRITICAL",
                _ => "HIGH,CRITICAL",
            };
            v(&[
                "trivy",
                "image",
                img,
                "--exit-code",
                "1",
                "--severity",
                severity,
            ])
        }
        // Fails only when `severity_threshold` is set.
        "crazy-max/ghaction-container-scan" => {
            let img = input(inputs, "image").unwrap_or("image");
            let mut a = v(&["trivy", "image", img]);
            if let Some(t) = input(inputs, "severity_threshold") {
                a.extend(v(&["--exit-code", "1", "--severity", t]));
            }
            a
        }
        "docker/scout-action" => {
            let cmd = input(inputs, "command").unwrap_or("cves");
            let img = input(inputs, "image").unwrap_or("image");
            let first = cmd.split(',').next().unwrap_or("cves").trim();
            let mut a = v(&["docker", "scout", first, img]);
            // `exit-code` defaults to false: the step passes whatever it finds.
            if is_true(input(inputs, "exit-code")) {
                a.push("--exit-code".into());
            }
            if input(inputs, "sarif-file").is_some() {
                a.extend(v(&["--format", "sarif"]));
            }
            a
        }
        "returntocorp/semgrep-action" | "semgrep/semgrep-action" => v(&["semgrep", "ci"]),
        "securego/gosec" => {
            let mut a = v(&["gosec"]);
            a.extend(input(inputs, "args").into_iter().flat_map(words));
            a
        }
        "pypa/gh-action-pip-audit" => v(&["pip-audit"]),
        "actions/dependency-review-action" => v(&["dependency-review"]),
        "golang/govulncheck-action" => v(&["govulncheck"]),
        "rustsec/audit-check" | "actions-rs/audit-check" => v(&["cargo", "audit"]),
        "embarkstudios/cargo-deny-action" => {
            let mut a = v(&["cargo", "deny"]);
            a.extend(words(input(inputs, "command").unwrap_or("check")));
            a
        }
        "actions-rs/cargo" => {
            let mut a = v(&["cargo"]);
            a.extend(input(inputs, "command").into_iter().flat_map(words));
            a.extend(input(inputs, "args").into_iter().flat_map(words));
            a
        }
        "actions-rs/clippy-check" | "giraffate/clippy-action" | "auguwu/clippy-action" => {
            v(&["cargo", "clippy"])
        }
        "actions-rust-lang/rustfmt" | "mbrobbel/rustfmt-check" => v(&["cargo", "fmt", "--check"]),
        "zaproxy/action-baseline" | "zaproxy/action-full-scan" | "zaproxy/action-api-scan" => {
            let script = match name {
                "zaproxy/action-baseline" => "zap-baseline.py",
                "zaproxy/action-full-scan" => "zap-full-scan.py",
                _ => "zap-api-scan.py",
            };
            let mut a = v(&[script, "-t", input(inputs, "target").unwrap_or("target")]);
            if let Some(rules) = input(inputs, "rules_file_name") {
                a.extend(v(&["-c", rules]));
            }
            a.extend(input(inputs, "cmd_options").into_iter().flat_map(words));
            a
        }
        "schemathesis/action" => v(&["schemathesis", "run"]),
        "projectdiscovery/nuclei-action" => v(&["nuclei"]),
        "stackhawk/hawkscan-action" => v(&["hawk", "scan"]),
        "grafana/k6-action" | "grafana/run-k6-action" => {
            let script = input(inputs, "filename")
                .or_else(|| input(inputs, "path"))
                .and_then(|p| p.lines().next())
                .unwrap_or("");
            let mut a = v(&["k6", "run"]);
            a.extend(input(inputs, "flags").into_iter().flat_map(words));
            if !script.is_empty() {
                a.push(script.trim().to_string());
            }
            a
        }
        "codecov/codecov-action" => v(&["codecov"]),
        "sonarsource/sonarcloud-github-action"
        | "sonarsource/sonarqube-scan-action"
        | "sonarsource/sonarqube-quality-gate-action" => v(&["sonar-scanner"]),
        "super-linter/super-linter" | "github/super-linter" => v(&["super-linter"]),
        "cypress-io/github-action" => v(&["cypress", "run"]),
        "dominikh/staticcheck-action" | "reviewdog/action-staticcheck" => v(&["staticcheck"]),
        "reviewdog/action-eslint" => v(&["eslint"]),
        "reviewdog/action-flake8" => v(&["flake8"]),
        "jakebailey/pyright-action" => v(&["pyright"]),
        "artiomtr/jest-coverage-report-action" => v(&["jest", "--coverage"]),
        "vladopajic/go-test-coverage" => v(&["go-test-coverage"]),
        "shiftleftsecurity/scan-action" | "appthreat/sast-scan-action" => v(&["sast-scan"]),
        "microsoft/security-devops-action" => v(&["msdo"]),
        "hadolint/hadolint-action" => v(&["hadolint"]),
        "gitleaks/gitleaks-action" => v(&["gitleaks"]),
        _ if owner_repo == "oxsecurity/megalinter" => v(&["megalinter"]),
        _ if owner_repo == "snyk/actions" => {
            let image = name.ends_with("/docker");
            let cmd = input(inputs, "command").unwrap_or("test");
            let mut a = v(&["snyk"]);
            if image && cmd == "test" {
                a.extend(v(&[
                    "container",
                    "test",
                    input(inputs, "image").unwrap_or("image"),
                ]));
            } else {
                a.extend(words(cmd));
            }
            a
        }
        _ if name.starts_with("google/osv-scanner-action") => v(&["osv-scanner"]),
        _ => return None,
    };
    Some(out)
}

/// GitLab CI templates and components: `Jobs/SAST.gitlab-ci.yml`,
/// `$CI_SERVER_FQDN/components/dependency-scanning/main@1`.
pub fn gitlab_template_argv(name: &str) -> Vec<Vec<String>> {
    let n = name.to_ascii_lowercase();
    let mut out = Vec::new();
    let has = |s: &str| n.contains(s);
    if has("sast") && !has("iac") || has("auto-devops") {
        out.push(v(&["gitlab-sast"]));
    }
    if has("dependency-scanning") || has("dependency_scanning") || has("auto-devops") {
        out.push(v(&["gitlab-dependency-scanning"]));
    }
    if has("container-scanning") || has("container_scanning") || has("auto-devops") {
        out.push(v(&["gitlab-container-scanning"]));
    }
    if has("dast") || has("api-fuzzing") || has("auto-devops") {
        out.push(v(&["gitlab-dast"]));
    }
    if has("code-quality") || has("code_quality") || has("auto-devops") {
        out.push(v(&["gitlab-code-quality"]));
    }
    out
}

/// CircleCI orb commands and jobs (`python/test`, `node/test`, `go/test`, `rust/clippy`).
pub fn orb_argv(orb: &str, command: &str, params: &Inputs) -> Option<Vec<String>> {
    let orb = orb.split('@').next().unwrap_or(orb).to_ascii_lowercase();
    let out = match (orb.as_str(), command) {
        ("circleci/python", "test") => match input(params, "test-tool") {
            Some("unittest") => v(&["unittest"]),
            _ => {
                let mut a = v(&["pytest"]);
                a.extend(input(params, "args").into_iter().flat_map(words));
                a
            }
        },
        ("circleci/node", "test") => {
            let pm = input(params, "pkg-manager").unwrap_or("npm");
            let script = input(params, "run-command").unwrap_or("test");
            v(&[pm, "run", script])
        }
        ("circleci/go", "test") => v(&["go", "test", "./..."]),
        ("circleci/rust", "test") => v(&["cargo", "test"]),
        ("circleci/rust", "clippy") => v(&["cargo", "clippy"]),
        ("circleci/rust", "format") => v(&["cargo", "fmt", "--check"]),
        ("snyk/snyk", "scan") => v(&["snyk", "test"]),
        ("circleci/docker", _) | ("circleci/aws-ecr", _) => return None,
        _ => return None,
    };
    Some(out)
}

/// Bitbucket pipes (`pipe: snyk/snyk-scan:1.0.0`).
pub fn pipe_argv(pipe: &str) -> Option<Vec<String>> {
    let name = pipe.split(':').next().unwrap_or(pipe).to_ascii_lowercase();
    let out = match name.as_str() {
        "snyk/snyk-scan" => v(&["snyk", "test"]),
        "sonarsource/sonarcloud-scan" | "sonarsource/sonarqube-scan" => v(&["sonar-scanner"]),
        "aquasecurity/trivy-pipe" => v(&["trivy", "fs", "."]),
        "atlassian/git-secrets-scan" => v(&["git-secrets"]),
        _ => return None,
    };
    Some(out)
}

/// Azure Pipelines tasks (`task: DotNetCoreCLI@2` with `command: test`).
pub fn azure_task_argv(task: &str, inputs: &Inputs) -> Option<Vec<String>> {
    let name = task.split('@').next().unwrap_or(task).to_ascii_lowercase();
    let cmd = input(inputs, "command").unwrap_or("");
    let out = match name.as_str() {
        "dotnetcorecli" => v(&["dotnet", cmd]),
        "npm" if cmd == "custom" => {
            let mut a = v(&["npm"]);
            a.extend(input(inputs, "customCommand").into_iter().flat_map(words));
            a
        }
        "npm" => v(&["npm", cmd]),
        "maven" => {
            let mut a = v(&["mvn"]);
            a.extend(words(input(inputs, "goals").unwrap_or("package")));
            a
        }
        "gradle" => {
            let mut a = v(&["gradle"]);
            a.extend(words(input(inputs, "tasks").unwrap_or("build")));
            a
        }
        "sonarqubeanalyze" | "sonarcloudanalyze" => v(&["sonar-scanner"]),
        "advancedsecurity-codeql-analyze" => v(&["codeql", "analyze"]),
        "advancedsecurity-dependency-scanning" => v(&["dependency-review"]),
        _ => return None,
    };
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_actions() {
        let i = vec![
            ("image-ref".to_string(), "app:ci".to_string()),
            ("exit-code".into(), "1".into()),
        ];
        assert_eq!(
            action_argv("aquasecurity/trivy-action", &i).unwrap(),
            vec!["trivy", "image", "app:ci", "--exit-code", "1"]
        );
        let i = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        // anchore/scan-action fails at `medium` unless told not to.
        assert_eq!(
            action_argv("anchore/scan-action", &i(&[("image", "app:ci")])).unwrap(),
            vec!["grype", "app:ci", "--fail-on", "medium"]
        );
        assert_eq!(
            action_argv(
                "anchore/scan-action",
                &i(&[("image", "app:ci"), ("fail-build", "false")])
            )
            .unwrap(),
            vec!["grype", "app:ci"]
        );
        assert_eq!(
            action_argv(
                "zaproxy/action-baseline",
                &i(&[
                    ("target", "http://localhost:8080"),
                    ("rules_file_name", ".zap/rules.tsv"),
                    ("cmd_options", "-a -j"),
                ])
            )
            .unwrap(),
            vec![
                "zap-baseline.py",
                "-t",
                "http://localhost:8080",
                "-c",
                ".zap/rules.tsv",
                "-a",
                "-j"
            ]
        );
        assert_eq!(
            action_argv(
                "docker/scout-action",
                &i(&[("image", "app:ci"), ("exit-code", "true")])
            )
            .unwrap(),
            vec!["docker", "scout", "cves", "app:ci", "--exit-code"]
        );
        assert_eq!(action_name("Actions/Checkout@v4"), "actions/checkout");
        assert!(action_argv("actions/checkout", &[]).is_none());
        assert_eq!(
            gitlab_template_argv("Jobs/SAST.gitlab-ci.yml"),
            vec![vec!["gitlab-sast"]]
        );
        assert!(gitlab_template_argv("Jobs/SAST-IaC.gitlab-ci.yml").is_empty());
    }
}
