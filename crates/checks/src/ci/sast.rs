use super::gate::{Gate, evaluate};
use super::tools::sast;
use crate::prelude::*;

pub struct Sast;

static META: ControlMeta = ControlMeta {
    id: "CI008",
    slug: "sast",
    title: "CI runs static application security testing (SAST)",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Add a SAST step: CodeQL (`github/codeql-action`), `semgrep ci`, SonarQube, or a language \
                  scanner (`bandit -r app` for Python, `gosec ./...` for Go, `brakeman` for Rails).",
    references: &[
        "https://owasp.org/www-community/Source_Code_Analysis_Tools",
        "https://docs.github.com/en/code-security/code-scanning/introduction-to-code-scanning/about-code-scanning-with-codeql",
        "https://semgrep.dev/docs/deployment/add-semgrep-to-ci",
        "https://csrc.nist.gov/pubs/sp/800/218/final",
    ],
    concepts: &[
        "SAST",
        "static application security testing",
        "code scanning",
        "CodeQL",
        "semgrep",
        "security scan",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

For every language stack, a pipeline step runs a static security analyser: `bandit` (Python),
`gosec` (Go), `njsscan` (Node), `brakeman` (Ruby), `psalm --taint-analysis` (PHP), or a
multi-language one: CodeQL (`github/codeql-action/analyze`), `semgrep`, SonarQube/SonarCloud,
`snyk code test`, GitLab SAST (template or component), Microsoft Security DevOps, ShiftLeft scan,
Horusec, Bearer, Checkmarx.

## Why it matters in production

Injection, path traversal, weak cryptography and unsafe deserialisation are visible in the
source. SAST finds them on every change, before a penetration test or an attacker does (NIST SSDF
PW.7 "review and/or analyze human-readable code").

## Example

Bad: tests and lint only.

Good:

```yaml
  codeql:
    runs-on: ubuntu-latest
    permissions:
      security-events: write
    steps:
      - uses: actions/checkout@v4
      - uses: github/codeql-action/init@v3
      - uses: github/codeql-action/analyze@v3
```

## References

- OWASP Source Code Analysis Tools
- About code scanning with CodeQL; Semgrep in CI
- NIST SP 800-218 (SSDF) PW.7
"#,
};

impl Check for Sast {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        evaluate(
            ws,
            &Gate {
                applies: &|_| true,
                not_applicable: "no source code",
                matcher: &|c, _| sast(c).map(|h| (h, None)),
                missing: &|s| {
                    format!(
                        "{} code gets no static security analysis (SAST) in CI",
                        s.stack.name()
                    )
                },
                no_ci: "no CI pipeline, so no static security analysis runs",
                what: "SAST scanner",
            },
        )
    }
}
