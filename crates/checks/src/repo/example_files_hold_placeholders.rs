use super::secrets_model::{grouped, is_example_file, redacted_line};
use crate::prelude::*;

pub struct ExampleFilesHoldPlaceholders;

static META: ControlMeta = ControlMeta {
    id: "SEC014",
    slug: "example_files_hold_placeholders",
    title: "Example configuration files hold placeholders, not working credentials",
    area: Area::Security,
    severity: Severity::Info,
    remediation: "Replace the value in the example file with a fill-in (`changeme`, \
                  `<your-api-key>`, an empty value) and, if it was a working credential, \
                  revoke it.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
        "https://12factor.net/config",
    ],
    concepts: &[
        ".env.example",
        "env template",
        "example config",
        "no real secrets in examples",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Files that show the shape of a configuration (`.env.example`, `config.yaml.sample`,
`values.template`, `example.env`) are scanned with the same rules as SEC013. A value there that
has a real credential's format (a `sk_live_` key with the right length, a checksum-valid GitHub
token) is reported for information: it is often a dummy typed in a realistic shape, sometimes a
working key copied from a developer's `.env`. Fill-ins are never reported.

## Why it matters in production

Example files are copied by every new developer and every CI job; a working key in one spreads
to every machine and is as exposed as any committed secret.

## Example

Bad (`.env.example`):

```text
STRIPE_SECRET_KEY=sk_live_51H...
```

Good:

```text
STRIPE_SECRET_KEY=<your-stripe-secret-key>
```

## References

- OWASP Secrets Management Cheat Sheet
- The Twelve-Factor App: Config
"#,
};

impl Check for ExampleFilesHoldPlaceholders {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let examples: Vec<&str> = ws
            .files
            .iter()
            .filter(|f| !f.binary && is_example_file(&f.rel))
            .map(|f| f.rel.as_str())
            .collect();
        if examples.is_empty() {
            return Outcome::NotApplicable {
                reason: "no example, sample or template configuration files".into(),
            };
        }
        let findings: Vec<Finding> = grouped(ws, is_example_file)
            .iter()
            .flat_map(|s| {
                s.places.iter().map(|p| {
                    let mut f = Finding::new(
                        Location::at(&p.path, p.line, p.column),
                        format!(
                            "{} `{}` in an example file: use a fill-in instead [{}]",
                            s.title, s.redacted, s.rule
                        ),
                    );
                    if let Some(line) = redacted_line(ws, p, &s.redacted) {
                        f = f.with_snippet(line);
                    }
                    f
                })
            })
            .collect();
        if findings.is_empty() {
            Outcome::Pass {
                evidence: examples
                    .iter()
                    .map(|p| finding_file(p, "only fill-in values"))
                    .collect(),
            }
        } else {
            Outcome::Fail { findings }
        }
    }
}
