use super::gate::{at_cmd, blind_spots, deployable, model};
use super::tools::{dynamic_security, test_runner};
use crate::prelude::*;
use vouch_workspace::FileKind;

pub struct DynamicSecurityTests;

static META: ControlMeta = ControlMeta {
    id: "CI011",
    slug: "dynamic_security_tests",
    title: "CI runs dynamic or contract security tests against the running service",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Start the service in CI and test it from the outside: an OWASP ZAP baseline or API scan \
                  (`zaproxy/action-baseline`), `schemathesis run` against the OpenAPI spec, `nuclei`, or \
                  consumer-driven contract tests (Pact provider verification, `dredd`).",
    references: &[
        "https://owasp.org/www-project-devsecops-guideline/latest/02b-Dynamic-Application-Security-Testing",
        "https://www.zaproxy.org/docs/docker/baseline-scan/",
        "https://schemathesis.readthedocs.io/",
        "https://docs.pact.io/",
    ],
    concepts: &[
        "DAST",
        "dynamic application security testing",
        "ZAP",
        "OWASP ZAP",
        "contract tests",
        "API fuzzing",
        "penetration test",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

For a repository that deploys a service (a Dockerfile, a compose file, Kubernetes manifests, a
Procfile or platform manifest, or an OpenAPI document), a pipeline step tests the running
service: OWASP ZAP (`zap-baseline.py`, `zap-api-scan.py`, the `zaproxy/action-*` actions),
`schemathesis run`, `dredd`, `nuclei`, StackHawk, GitLab DAST/API fuzzing, Pact provider
verification or `pact-broker can-i-deploy`, `specmatic test`. Pact tests that live in the test
suite count when a Pact library is declared and CI runs the tests. NotApplicable for libraries
and tools that deploy nothing.

## Why it matters in production

Static checks see code; dynamic tests see the deployed behaviour: missing security headers,
verbose errors, endpoints that accept what the spec forbids, broken authentication on one
route. Contract tests catch the API change that breaks a consumer before it ships.

## Example

Bad: unit tests only.

Good:

```yaml
  dast:
    runs-on: ubuntu-latest
    steps:
      - run: docker compose up -d --wait
      - uses: zaproxy/action-baseline@7c4deb10e6261301961c86d65d54a516394f9aed # v0.14.0
        with:
          target: http://localhost:8080
```

## References

- OWASP DevSecOps Guideline: DAST
- ZAP baseline scan; Schemathesis; Pact
"#,
};

const PACT_MARKERS: [&str; 6] = [
    "pact-foundation",
    "pact-python",
    "au.com.dius.pact",
    "pact_consumer",
    "pact_verifier",
    "pact-go",
];

/// A Pact library declared in a manifest: (path, line).
fn pact_library(ws: &Workspace) -> Option<(String, u32)> {
    ws.files
        .iter()
        .filter(|f| {
            matches!(f.kind, FileKind::Manifest(_)) && !f.class.test() && !f.class.docs_or_example()
        })
        .find_map(|f| {
            let text = ws.text(&f.rel)?;
            text.lines()
                .find(|(_, l)| PACT_MARKERS.iter().any(|m| l.contains(m)))
                .map(|(n, _)| (f.rel.clone(), n as u32))
        })
}

impl Check for DynamicSecurityTests {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let Some(service) = deployable(ws) else {
            return Outcome::not_applicable(
                "no deployable service (no Dockerfile, compose file, Kubernetes manifest or API spec)",
            );
        };
        let m = model(ws);
        if m.files.is_empty() {
            return Outcome::Fail {
                findings: vec![finding_file(
                    ".",
                    format!(
                        "the repository deploys a service ({service}), but there is no CI pipeline, so no dynamic or contract security test runs against it"
                    ),
                )],
            };
        }
        let evidence: Vec<Finding> = m
            .gate_cmds()
            .filter_map(|c| {
                dynamic_security(c).map(|h| at_cmd(c, format!("{} runs: {}", h.tool, c.describe())))
            })
            .take(5)
            .collect();
        if !evidence.is_empty() {
            return Outcome::pass_with(evidence);
        }
        if let (Some((path, line)), Some(tests)) = (
            pact_library(ws),
            m.gate_cmds().find(|c| test_runner(c).is_some()),
        ) {
            let src = ws.text(&path);
            let mut e = vec![at_cmd(
                tests,
                format!(
                    "Pact contract tests run with the test suite: {}",
                    tests.describe()
                ),
            )];
            if let Some(src) = src {
                e.push(finding_at(&src, line, 1, "Pact library declared"));
            }
            return Outcome::pass_with(e);
        }
        if let Some(blind) = blind_spots(&m) {
            return Outcome::unknown(format!(
                "no dynamic or contract security test found in the readable part of the pipeline; vouch cannot read {blind}"
            ));
        }
        Outcome::Fail {
            findings: vec![finding_file(
                ".",
                format!(
                    "the repository deploys a service ({service}), but no CI step tests it dynamically (no ZAP, schemathesis, nuclei, dredd or Pact verification)"
                ),
            )],
        }
    }
}
