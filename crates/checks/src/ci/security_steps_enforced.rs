use super::gate::{at_cmd, model};
use super::model::Cmd;
use super::tools::guarded;
use crate::prelude::*;
use std::collections::BTreeMap;

pub struct SecurityStepsEnforced;

static META: ControlMeta = ControlMeta {
    id: "CI012",
    slug: "security_steps_enforced",
    title: "Test and security steps can fail the pipeline",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Remove `|| true`, `continue-on-error: true`, `allow_failure: true`, `soft_fail`, `set +e`, \
                  `--exit-code 0` and `--exit-zero` from test and security steps, and make scanners that pass \
                  by default fail (`trivy --exit-code 1`, ZAP `fail_action: true`, `semgrep --error`). To accept a known finding, \
                  suppress that finding in the tool's own ignore file with a reason and an expiry date.",
    references: &[
        "https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idstepscontinue-on-error",
        "https://docs.gitlab.com/ee/ci/yaml/#allow_failure",
        "https://aquasecurity.github.io/trivy/latest/docs/configuration/others/#exit-code",
        "https://github.com/zaproxy/action-baseline#inputs",
        "https://semgrep.dev/docs/cli-reference",
        "https://owasp.org/www-project-devsecops-guideline/",
    ],
    concepts: &[
        "security gate",
        "failing build",
        "quality gate",
        "continue-on-error",
        "allow_failure",
        "blocking scan",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

No test runner and no security tool (dependency audit, SAST, image scan, DAST/contract test) has
its failure ignored:

- at step or job level: GitHub `continue-on-error: true`, GitLab `allow_failure: true` (and
  `after_script`, whose failures never count), Buildkite `soft_fail`, Azure `continueOnError:
  true`, Travis `allow_failures`, Bitbucket `after-script`, Jenkins `catchError(buildResult:
  'SUCCESS')` and un-checked `sh(returnStatus: true)`;
- at command level: `|| true`, `|| :`, `|| exit 0`, `|| echo ...`, commands after `set +e`
  (unless the script then checks `$?`), a Makefile or tox `-` prefix; also through a task
  runner (`make test || true` neutralises the Makefile's `pytest`);
- by the tool's own switch: `trivy --exit-code 0`, `bandit --exit-zero`, `gosec -no-fail`,
  `safety --continue-on-error`, `npm audit --audit-level=none`, `brakeman --no-exit-on-warn`,
  anchore/scan-action `fail-build: false`;
- by a scanner left at a default that never fails: trivy (CLI or `aquasecurity/trivy-action`)
  without a failing exit code, grype without `--fail-on`, `docker scout cves` (or
  `docker/scout-action`) without `exit-code`, `semgrep scan`/`semgrep --config` without
  `--error` (`semgrep ci` fails by itself), OWASP dependency-check without `--failOnCVSS` or
  `failBuildOnCVSS` (its default, 11, is above every CVSS score), the ZAP actions
  (`zaproxy/action-baseline`, `action-full-scan`, `action-api-scan`) without
  `fail_action: true`, and ZAP scans with `-I` but no rules file (every alert is then a
  warning, which `-I` ignores). Scanners that write SARIF are not reported for their default:
  the findings go to code scanning, which can block merges by itself. Defaults that fail are
  not reported: anchore/scan-action fails at `medium` unless `fail-build: false`, and
  `zap-baseline.py` run directly fails on warnings.

`|| true` on other commands (`docker rm -f old || true`) is fine. Expressions such as
`continue-on-error: ${{ matrix.experimental }}` are not literal and not reported.
NotApplicable when the pipeline has no test or security step.

## Why it matters in production

A gate that cannot fail is decoration: the scan runs, the report scrolls by, and the vulnerable
or broken build ships anyway. These switches are usually added "temporarily" to unblock one
merge and then never removed.

## Example

Bad:

```yaml
      - name: Audit dependencies
        run: pip-audit -r requirements.txt
        continue-on-error: true
```

Good:

```yaml
      - name: Audit dependencies
        run: pip-audit -r requirements.txt --ignore-vuln GHSA-xxxx  # accepted until 2025-09-01, see SEC-12
```

## References

- GitHub Actions `continue-on-error`; GitLab `allow_failure`
- Trivy `--exit-code`
- ZAP baseline action inputs (`fail_action`)
- Semgrep CLI reference (`--error`)
- OWASP DevSecOps Guideline
"#,
};

/// The failing exit code set outside the command line: an environment variable in the file
/// that runs it (or the CI file that invoked it), an explicit `--config`/`trivy-config`, or the
/// tool's default configuration file (`trivy.yaml`, `.grype.yaml`).
fn configured_elsewhere(ws: &Workspace, c: &Cmd, env: &str, tool: &str, key: &str) -> bool {
    if c.has_flag("--config") || c.input("trivy-config").is_some() || c.input(key).is_some() {
        return true;
    }
    let in_file = |p: &str| ws.text(p).is_some_and(|t| t.text.contains(env));
    if in_file(&c.path) || c.via.iter().any(|h| in_file(&h.path)) {
        return true;
    }
    let dir = if c.cwd.is_empty() {
        String::new()
    } else {
        format!("{}/", c.cwd)
    };
    [
        format!("{tool}.yaml"),
        format!("{tool}.yml"),
        format!(".{tool}.yaml"),
        format!(".{tool}.yml"),
    ]
    .iter()
    .any(|n| {
        ws.text(&format!("{dir}{n}"))
            .is_some_and(|t| t.text.contains(key))
    })
}

/// A tool switch that makes the command succeed whatever it finds, or a scanner left at a
/// default that never fails. Scanners writing SARIF are left alone: their findings go to code
/// scanning, which gates merges on its own.
fn neutralising_flag(ws: &Workspace, c: &Cmd) -> Option<String> {
    let sarif = c
        .flag_value("--format")
        .or_else(|| c.flag_value("-f"))
        .or_else(|| c.flag_value("-o"))
        .is_some_and(|v| v.contains("sarif"));
    if let Some(flag) = zap_never_fails(c) {
        return Some(flag);
    }
    match c.prog() {
        "trivy" => match c.flag_value("--exit-code") {
            Some("0") => Some("`--exit-code 0`".into()),
            None if !sarif
                && !configured_elsewhere(ws, c, "TRIVY_EXIT_CODE", "trivy", "exit-code") =>
            {
                Some(if c.synthetic {
                    "the action sets no failing exit code (trivy exits 0 when it finds vulnerabilities)"
                        .into()
                } else {
                    "no `--exit-code 1` (trivy exits 0 when it finds vulnerabilities)".into()
                })
            }
            _ => None,
        },
        "grype" if c.synthetic && c.input("fail-build").is_some_and(|v| v.eq_ignore_ascii_case("false")) => {
            Some("`fail-build: false`".into())
        }
        "grype"
            if !sarif
                && !c.has_flag("--fail-on")
                && !c.has_flag("-f")
                && !configured_elsewhere(
                    ws,
                    c,
                    "GRYPE_FAIL_ON_SEVERITY",
                    "grype",
                    "fail-on-severity",
                ) =>
        {
            Some("no `--fail-on` (grype exits 0 when it finds vulnerabilities)".into())
        }
        "docker"
            if c.is("docker", &["scout", "cves"])
                && !c.has_flag("--exit-code")
                && !c.has_flag("-e")
                && !sarif =>
        {
            Some(if c.synthetic {
                "no `exit-code: true` (docker/scout-action passes whatever it finds by default)"
                    .into()
            } else {
                "no `--exit-code` (docker scout exits 0 when it finds vulnerabilities)".into()
            })
        }
        "semgrep" | "opengrep" if !sarif && semgrep_scan_never_fails(c) => {
            Some(format!("no `--error` ({} scan exits 0 when it finds issues)", c.prog()))
        }
        "dependency-check" | "dependency-check.sh"
            if !c.has_flag("--failOnCVSS") && !c.has_flag("--propertyfile") =>
        {
            Some("no `--failOnCVSS` (dependency-check never fails the build by default)".into())
        }
        "mvn" | "gradle"
            if super::tools::dependency_audit(c)
                .is_some_and(|h| h.tool == "OWASP dependency-check")
                && !fail_build_on_cvss_configured(ws, c) =>
        {
            Some(
                "no `failBuildOnCVSS` (the dependency-check plugin never fails the build by default)"
                    .into(),
            )
        }
        "brakeman" if c.has_flag("--no-exit-on-warn") => Some("`--no-exit-on-warn`".into()),
        "bandit" | "flake8" if c.has_flag("--exit-zero") => Some("`--exit-zero`".into()),
        "gosec" if c.has_flag("-no-fail") || c.has_flag("--no-fail") => Some("`-no-fail`".into()),
        "safety" if c.has_flag("--continue-on-error") => Some("`--continue-on-error`".into()),
        "npm" | "pnpm" | "yarn" if c.flag_value("--audit-level") == Some("none") => {
            Some("`--audit-level=none`".into())
        }
        _ => None,
    }
}

/// ZAP's packaged scans: the GitHub actions only fail the step with `fail_action: true`, and
/// `-I` stops warnings from failing, which without a rules file (`-c`/`-u`) are all alerts.
fn zap_never_fails(c: &Cmd) -> Option<String> {
    let at = c.argv.iter().position(|a| {
        matches!(
            a.as_str(),
            "zap-baseline.py" | "zap-full-scan.py" | "zap-api-scan.py"
        )
    })?;
    if c.synthetic {
        match c.input("fail_action") {
            Some(v) if v.contains("${{") || v.eq_ignore_ascii_case("true") => {}
            Some(v) => {
                return Some(format!(
                    "`fail_action: {v}` (the ZAP action then passes whatever ZAP finds)"
                ));
            }
            None => {
                return Some(
                    "no `fail_action: true` (the ZAP action passes whatever ZAP finds by default)"
                        .into(),
                );
            }
        }
    }
    let args = &c.argv[at + 1..];
    let has = |f: &str| args.iter().any(|a| a == f);
    (has("-I") && !has("-c") && !has("-u")).then(|| {
        "`-I` without a rules file (every alert is a warning, and `-I` does not fail on warnings)"
            .into()
    })
}

/// `semgrep scan` (or the bare `semgrep --config ...`) exits 0 on findings unless `--error`;
/// `semgrep ci` fails on blocking findings by itself.
fn semgrep_scan_never_fails(c: &Cmd) -> bool {
    let scan = c.sub() == Some("scan")
        || ["--config", "-c", "--pattern", "-e"]
            .iter()
            .any(|f| c.has_flag(f));
    let sarif = c.has_flag("--sarif") || c.has_flag("--sarif-output");
    scan && c.sub() != Some("ci") && !c.has_flag("--error") && !c.has_flag("--test") && !sarif
}

/// `failBuildOnCVSS` set on the command line, in `.mvn/maven.config` or in a build file.
fn fail_build_on_cvss_configured(ws: &Workspace, c: &Cmd) -> bool {
    const KEYS: [&str; 2] = ["failBuildOnCVSS", "failBuildOnAnyVulnerability"];
    if c.args().iter().any(|a| KEYS.iter().any(|k| a.contains(k))) {
        return true;
    }
    ws.files.iter().any(|f| {
        let name = f.name();
        matches!(
            name,
            "pom.xml" | "maven.config" | "build.gradle" | "build.gradle.kts" | "gradle.properties"
        ) && ws
            .text(&f.rel)
            .is_some_and(|t| KEYS.iter().any(|k| t.text.contains(k)))
    })
}

/// A place that ignores failures: (what it is, the source line, the commands it silences,
/// the invocation they run through).
type Place = (String, String, Vec<String>, String);

impl Check for SecurityStepsEnforced {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let m = model(ws);
        if m.files.is_empty() {
            return Outcome::not_applicable("no CI pipeline");
        }
        // Findings grouped by the place that ignores the failure.
        let mut by_place: BTreeMap<(String, u32, u32), Place> = BTreeMap::new();
        let mut findings = Vec::new();
        let mut evidence = Vec::new();
        let mut guarded_steps = 0;
        for c in m.gate_cmds() {
            let Some(tool) = guarded(c) else {
                continue;
            };
            guarded_steps += 1;
            if let Some(t) = m.tolerance(c) {
                let snippet = ws
                    .text(&t.path)
                    .map(|s| s.line(t.line as usize).trim().to_string())
                    .unwrap_or_default();
                let entry = by_place
                    .entry((t.path.clone(), t.line, t.column))
                    .or_insert_with(|| (t.what.clone(), snippet, Vec::new(), String::new()));
                let name = format!("`{}`", super::model::short(&c.text));
                if !entry.2.contains(&name) {
                    entry.2.push(name);
                }
                if let Some(first) = c.via.first() {
                    let via = format!(" (run by `{}`)", super::model::short(&first.text));
                    if entry.3.is_empty() {
                        entry.3 = via;
                    }
                }
            } else if let Some(flag) = neutralising_flag(ws, c) {
                findings.push(at_cmd(
                    c,
                    format!("{} cannot fail the pipeline: {flag}", c.describe()),
                ));
            } else if evidence.len() < 5 {
                evidence.push(at_cmd(
                    c,
                    format!("{tool} fails the pipeline when it fails: {}", c.describe()),
                ));
            }
        }
        if guarded_steps == 0 {
            return Outcome::not_applicable("the pipeline has no test or security step");
        }
        for ((path, line, column), (what, snippet, tools, via)) in by_place {
            let msg = format!(
                "`{what}` lets {}{via} fail without failing the pipeline",
                tools.join(", ")
            );
            findings
                .push(Finding::new(Location::at(&path, line, column), msg).with_snippet(snippet));
        }
        Outcome::from_findings(findings, evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(s: &str, inputs: &[(&str, &str)]) -> Cmd {
        let argv: Vec<String> = s.split_whitespace().map(String::from).collect();
        Cmd {
            argv,
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
            synthetic: !inputs.is_empty(),
            inputs: inputs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            cwd: String::new(),
            invocation: false,
        }
    }

    #[test]
    fn zap_actions_need_fail_action() {
        let t = ("target", "http://localhost");
        let action = |i: &[(&str, &str)]| zap_never_fails(&cmd("zap-baseline.py -t x", i));
        assert!(action(&[t]).is_some());
        assert!(action(&[t, ("fail_action", "false")]).is_some());
        assert!(action(&[t, ("fail_action", "true")]).is_none());
        assert!(action(&[t, ("fail_action", "${{ inputs.strict }}")]).is_none());
        // Run directly, ZAP fails on warnings unless -I; with a rules file FAIL rules still fail.
        assert!(zap_never_fails(&cmd("docker run zap zap-baseline.py -t x", &[])).is_none());
        assert!(zap_never_fails(&cmd("docker run zap zap-baseline.py -t x -I", &[])).is_some());
        assert!(
            zap_never_fails(&cmd("docker run -c 2 zap zap-full-scan.py -t x -I", &[])).is_some()
        );
        assert!(
            zap_never_fails(&cmd("docker run zap zap-api-scan.py -t x -c r.tsv -I", &[])).is_none()
        );
    }

    #[test]
    fn semgrep_needs_error_outside_ci() {
        assert!(semgrep_scan_never_fails(&cmd(
            "semgrep scan --config auto",
            &[]
        )));
        assert!(semgrep_scan_never_fails(&cmd(
            "semgrep --config=p/ci src/",
            &[]
        )));
        assert!(!semgrep_scan_never_fails(&cmd(
            "semgrep scan --config auto --error",
            &[]
        )));
        assert!(!semgrep_scan_never_fails(&cmd("semgrep ci", &[])));
        assert!(!semgrep_scan_never_fails(&cmd(
            "semgrep ci --config p/ci",
            &[]
        )));
        assert!(!semgrep_scan_never_fails(&cmd(
            "semgrep --test rules/",
            &[]
        )));
        assert!(!semgrep_scan_never_fails(&cmd(
            "semgrep scan --config auto --sarif-output=semgrep.sarif",
            &[]
        )));
    }
}
