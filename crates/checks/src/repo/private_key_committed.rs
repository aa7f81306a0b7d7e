use super::committed;
use crate::prelude::*;
use regex::Regex;
use std::collections::BTreeSet;
use std::sync::LazyLock;
use vouch_workspace::{FileKind, is_docs_or_example_path, is_test_path};

pub struct PrivateKeyCommitted;

static META: ControlMeta = ControlMeta {
    id: "SEC005",
    slug: "private_key_committed",
    title: "No private keys are committed",
    area: Area::Security,
    severity: Severity::Critical,
    remediation: "Remove the key from the repository and its history (`git filter-repo`), revoke \
                  and replace it (certificate, SSH deploy key, service account), and load keys at \
                  run time from a secrets manager or a mounted secret.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/321.html",
        "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/removing-sensitive-data-from-a-repository",
        "https://cloud.google.com/iam/docs/best-practices-for-managing-service-account-keys",
    ],
    concepts: &[
        "private key",
        "no keys in repository",
        "TLS key",
        "SSH key",
        "service account key",
        "secrets in git",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

No committed file holds a private key: a PEM block `-----BEGIN ... PRIVATE KEY-----` (RSA, EC,
DSA, OpenSSH, PKCS#8, encrypted PKCS#8, PGP private key blocks) followed by key material, and no
Google Cloud service-account JSON holds a `"private_key"`. Headers followed by `...` or a
placeholder are not keys. Keys under test paths (`tests/`, `fixtures/`, `testdata/`, `*_test.go`)
and in documentation or examples (`docs/`, `examples/`, `*.md`) are not reported at all: test
suites legitimately carry throw-away keys and docs show what a key looks like. Without git,
every file in the tree counts as committed. Evidence quotes only the `BEGIN` header, never the key.

## Why it matters in production

A committed private key is a published private key: anyone with read access to the repository
(or to a fork, a CI cache, a backup) can impersonate the TLS endpoint, log in with the SSH key,
or act as the service account. Deleting the file does not help; the key stays in the history
until it is revoked.

## Example

Bad (`deploy/tls/server.key`, tracked):

```text
-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun...
```

Good: the key is a Kubernetes Secret created from a secrets manager (or cert-manager issues it),
and the repository only references it:

```yaml
volumes:
  - name: tls
    secret:
      secretName: api-tls
```

## References

- OWASP Secrets Management Cheat Sheet
- CWE-321: Use of Hard-coded Cryptographic Key
- GitHub: removing sensitive data from a repository
- Google Cloud: best practices for managing service account keys
"#,
};

/// A service-account style JSON key: `"private_key": "-----BEGIN ... PRIVATE KEY-----\n<base64>`.
static JSON_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""private_key"\s*:\s*"(-----BEGIN [A-Z ]*PRIVATE KEY-----)\\n[A-Za-z0-9+/=]{40,}"#)
        .expect("static regex")
});

impl Check for PrivateKeyCommitted {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let reportable = |path: &str| {
            !is_test_path(path)
                && !is_docs_or_example_path(path)
                && ws.file(path).is_some_and(committed)
        };
        let mut findings = Vec::new();
        let mut seen = BTreeSet::new();
        for hit in &ws.facts.private_keys {
            if reportable(&hit.path) && seen.insert((hit.path.clone(), hit.line)) {
                findings.push(
                    Finding::new(
                        Location::at(&hit.path, hit.line, hit.column),
                        "private key committed",
                    )
                    .with_snippet(hit.text.clone()),
                );
            }
        }
        for f in ws.files_of(FileKind::Json) {
            if !reportable(&f.rel) {
                continue;
            }
            let Some(src) = ws.text(&f.rel) else { continue };
            if !src.text.contains("\"private_key\"") {
                continue;
            }
            for caps in JSON_KEY.captures_iter(&src.text) {
                let (Some(whole), Some(header)) = (caps.get(0), caps.get(1)) else {
                    continue;
                };
                let (line, column) = src.position(whole.start());
                if seen.insert((f.rel.clone(), line as u32)) {
                    findings.push(
                        Finding::new(
                            Location::at(&f.rel, line as u32, column as u32),
                            "service-account private key committed",
                        )
                        .with_snippet(format!("\"private_key\": \"{}\\n*****", header.as_str())),
                    );
                }
            }
        }
        Outcome::from_findings(findings, Vec::new())
    }
}
