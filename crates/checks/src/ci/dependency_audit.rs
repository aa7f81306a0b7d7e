use super::gate::{Gate, evaluate};
use super::tools::dependency_audit;
use crate::prelude::*;

pub struct DependencyAudit;

static META: ControlMeta = ControlMeta {
    id: "CI007",
    slug: "dependency_audit",
    title: "CI audits dependencies for known vulnerabilities",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Add a vulnerability audit of the dependencies to the pipeline: `pip-audit`, `npm audit \
                  --audit-level=high`, `govulncheck ./...`, `cargo audit`/`cargo deny check`, or a \
                  multi-ecosystem scanner (`osv-scanner`, `trivy fs`, `actions/dependency-review-action`).",
    references: &[
        "https://owasp.org/Top10/A06_2021-Vulnerable_and_Outdated_Components/",
        "https://go.dev/doc/security/vuln/",
        "https://github.com/pypa/pip-audit",
        "https://google.github.io/osv-scanner/",
    ],
    concepts: &[
        "dependency scanning",
        "vulnerability scan",
        "SCA",
        "npm audit",
        "known vulnerabilities",
        "CVE",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

For every language stack, a pipeline step audits the dependencies against a vulnerability
database: `pip-audit`, `safety`, `pipenv check` (Python); `npm`/`yarn`/`pnpm audit`,
`audit-ci` (Node); `govulncheck` (Go); `cargo audit`, `cargo deny check` (Rust); OWASP
dependency-check (JVM); `bundle audit`; `composer audit`; `dotnet list package --vulnerable`.
Multi-ecosystem scanners cover every stack: `osv-scanner`, `trivy fs`/`repo`, `grype dir:`,
`snyk test`, GitHub's dependency-review action, GitLab Dependency Scanning.

`npm audit signatures`, `cargo deny check licenses`, `trivy fs --scanners secret` and
`snyk code test` are not dependency audits.

## Why it matters in production

Most of a service's code is its dependencies. A disclosed vulnerability in one of them is
exploitable from the day it is published; an audit in CI tells you on the next push instead of
after the incident.

## Example

Bad: only tests run.

Good:

```yaml
      - run: pip install pip-audit && pip-audit -r requirements.txt
```

## References

- OWASP Top 10 A06: Vulnerable and Outdated Components
- Go vulnerability management, pip-audit, OSV-Scanner
"#,
};

impl Check for DependencyAudit {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        evaluate(
            ws,
            &Gate {
                applies: &|_| true,
                not_applicable: "no source code",
                matcher: &|c, _| dependency_audit(c).map(|h| (h, None)),
                missing: &|s| {
                    format!(
                        "{} dependencies are never audited for known vulnerabilities in CI",
                        s.stack.name()
                    )
                },
                no_ci: "no CI pipeline, so dependencies are never audited for vulnerabilities",
                what: "dependency audit",
            },
        )
    }
}
