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
                  `--exit-code 0` and `--exit-zero` from test and security steps. To accept a known finding, \
                  suppress that finding in the tool's own ignore file with a reason and an expiry date.",
    references: &[
        "https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idstepscontinue-on-error",
        "https://docs.gitlab.com/ee/ci/yaml/#allow_failure",
        "https://aquasecurity.github.io/trivy/latest/docs/configuration/others/#exit-code",
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
- by the tool's own switch: `trivy --exit-code 0` (or trivy/grype without a failing exit code
  and without SARIF output, since both exit 0 on findings by default), `bandit --exit-zero`,
  `gosec -no-fail`, `safety --continue-on-error`, `npm audit --audit-level=none`.

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

/// A tool switch that makes the command succeed whatever it finds.
fn neutralising_flag(ws: &Workspace, c: &Cmd) -> Option<String> {
    let sarif = c
        .flag_value("--format")
        .or_else(|| c.flag_value("-f"))
        .or_else(|| c.flag_value("-o"))
        .is_some_and(|v| v.contains("sarif"));
    match c.prog() {
        "trivy" => match c.flag_value("--exit-code") {
            Some("0") => Some("`--exit-code 0`".into()),
            None if !sarif
                && !configured_elsewhere(ws, c, "TRIVY_EXIT_CODE", "trivy", "exit-code") =>
            {
                Some("no `--exit-code 1` (trivy exits 0 when it finds vulnerabilities)".into())
            }
            _ => None,
        },
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
        "bandit" | "flake8" if c.has_flag("--exit-zero") => Some("`--exit-zero`".into()),
        "gosec" if c.has_flag("-no-fail") || c.has_flag("--no-fail") => Some("`-no-fail`".into()),
        "safety" if c.has_flag("--continue-on-error") => Some("`--continue-on-error`".into()),
        "npm" | "pnpm" | "yarn" if c.flag_value("--audit-level") == Some("none") => {
            Some("`--audit-level=none`".into())
        }
        _ => None,
    }
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
