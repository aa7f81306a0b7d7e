use super::secrets_model::{grouped, is_example_file, redacted_line};
use crate::prelude::*;
use vouch_workspace::secrets::Category;

pub struct NoCommittedSecrets;

static META: ControlMeta = ControlMeta {
    id: "SEC013",
    slug: "no_committed_secrets",
    title: "No credentials are committed to the repository",
    area: Area::Security,
    severity: Severity::Critical,
    remediation: "Revoke and rotate the credential first (it is already exposed to everyone with \
                  read access and in every clone), then remove it from the files and the history \
                  (`git filter-repo`), and load it at run time from a secrets manager or an \
                  environment variable set by the deployment.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/798.html",
        "https://docs.github.com/en/code-security/secret-scanning/introduction/about-secret-scanning",
        "https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/",
    ],
    concepts: &[
        "no secrets in code",
        "no hardcoded secrets",
        "secret scanning",
        "gitleaks",
        "credentials in git",
        "API keys",
        "tokens",
        "secrets management",
        "committed secrets",
        "committed credentials",
        "secrets in the repository",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every text file of the working tree (tracked files and untracked files that are not ignored,
the files a `git add -A` would commit) is scanned by vouch's secret scanner: more than 150
provider-specific rules (cloud keys, source-hosting and registry tokens, chat and mail, payments,
AI providers, identity, observability, database URLs with passwords, JWTs) and generic
high-entropy values assigned to names like `password`, `secret`, `token` or `api_key`.
Fill-ins (`changeme`, `your-api-key`, `<token>`, `${VAR}`, `{{ .Values.x }}`), documentation
examples (`AKIAIOSFODNN7EXAMPLE`), checksum-invalid tokens and low-entropy values are not
reported. Values in example files (`.env.example`, `*.sample`, `*.template`) are left to
SEC014; private keys to SEC005. The same secret in several files is one finding with several
locations; each location says whether the file is tracked, a test file, documentation or an
env file. Evidence shows only the first four characters.

## Why it matters in production

A committed credential is a published credential: every clone, fork, CI cache and backup has
it, and deleting the file leaves it in the history. Leaked cloud keys are used by automated
scanners within minutes of a push to a public repository.

## Example

Bad (`src/billing/client.py`):

```python
stripe.api_key = "sk_live_51H..."
```

Good:

```python
stripe.api_key = os.environ["STRIPE_SECRET_KEY"]
```

## References

- OWASP Secrets Management Cheat Sheet
- CWE-798: Use of Hard-coded Credentials
- GitHub: about secret scanning
- OWASP Top 10 A07: Identification and Authentication Failures
"#,
};

impl Check for NoCommittedSecrets {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let secrets = grouped(ws, |path| !is_example_file(path));
        let findings: Vec<Finding> = secrets
            .iter()
            .filter(|s| s.category != Category::PrivateKey)
            .map(|s| {
                let first = &s.places[0];
                let mut message = format!("{} `{}` in a {}", s.title, s.redacted, first.context);
                if s.places.len() > 1 {
                    let others: Vec<String> = s.places[1..]
                        .iter()
                        .map(|p| format!("{}:{} ({})", p.path, p.line, p.context))
                        .collect();
                    message.push_str(&format!("; also in {}", others.join(", ")));
                }
                let mut finding = Finding::new(
                    Location::at(&first.path, first.line, first.column),
                    format!("{message} [{}]", s.rule),
                )
                .with_snippet(
                    redacted_line(ws, first, &s.redacted)
                        .unwrap_or_else(|| format!("{} = {}", s.rule, s.redacted)),
                );
                finding.fingerprint = s.fingerprint.clone();
                finding.also_at = s.places[1..]
                    .iter()
                    .map(|p| Location::at(&p.path, p.line, p.column))
                    .collect();
                finding
            })
            .collect();
        if findings.is_empty() {
            let scanned = ws.files.iter().filter(|f| !f.binary).count();
            Outcome::Pass {
                evidence: vec![finding_file(
                    ".",
                    format!("no credential found in {scanned} text files"),
                )],
            }
        } else {
            Outcome::Fail { findings }
        }
    }
}
