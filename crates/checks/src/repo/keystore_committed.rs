use super::committed;
use crate::prelude::*;

pub struct KeystoreCommitted;

static META: ControlMeta = ControlMeta {
    id: "SEC006",
    slug: "keystore_committed",
    title: "No keystores or key bundles are committed",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Remove the keystore from the repository and its history, rotate the keys and \
                  passwords it protected, and provide it at deploy time from a secrets manager \
                  (mounted secret, CI secret file, cloud KMS).",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/321.html",
        "https://developer.android.com/studio/publish/app-signing#secure-shared-keystore",
    ],
    concepts: &[
        "keystore",
        "PKCS#12",
        "certificate with private key",
        "signing key",
        "no keys in repository",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

No committed file is a key container: PKCS#12 bundles (`.p12`, `.pfx`, `.pkcs12`), Java and
Android keystores (`.jks`, `.keystore`, `.jceks`, `.bks`) or PuTTY private keys (`.ppk`). These
are binary or encrypted, so their content cannot be inspected; they hold private keys by design
(PEM `.pem`/`.key` files with a private key are reported by SEC005). Not reported: truststores
(`truststore.jks`, `cacerts`: certificates only), Android's public `debug.keystore`, and files
under test paths. Without git, every file in the tree counts as committed.

## Why it matters in production

A keystore holds the private key of a TLS endpoint, an app-signing identity or a client
certificate. Its password is usually short, shared and stored next to it (in a properties file
or CI variable), so a committed keystore is close to a committed key: anyone with the repository
can sign releases or impersonate the service.

## Example

Bad (`git ls-files`):

```text
android/app/release.keystore
src/main/resources/server.p12
```

Good: the keystore is a CI secret file or a mounted Kubernetes Secret, referenced by path:

```yaml
env:
  - name: SERVER_SSL_KEY_STORE
    value: /etc/tls/server.p12
```

## References

- OWASP Secrets Management Cheat Sheet
- CWE-321: Use of Hard-coded Cryptographic Key
- Android: secure a shared keystore
"#,
};

const KEYSTORE_EXTENSIONS: [&str; 8] = [
    "p12", "pfx", "pkcs12", "jks", "keystore", "jceks", "bks", "ppk",
];

impl Check for KeystoreCommitted {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let mut findings = Vec::new();
        for f in &ws.files {
            if !committed(f) || f.class.test() {
                continue;
            }
            let Some(kind) = keystore_kind(f.name()) else {
                continue;
            };
            findings.push(finding_file(&f.rel, format!("{kind} committed")));
        }
        Outcome::from_findings(findings, Vec::new())
    }
}

/// What the file name says the file is, when it is a key container worth reporting.
fn keystore_kind(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e)?;
    if !KEYSTORE_EXTENSIONS.contains(&ext)
        || lower.contains("truststore")
        || lower.starts_with("cacerts")
        || lower == "debug.keystore"
    {
        return None;
    }
    Some(match ext {
        "p12" | "pfx" | "pkcs12" => "PKCS#12 bundle (certificate with its private key)",
        "ppk" => "PuTTY private key",
        _ => "Java/Android keystore (holds private keys)",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keystore_names() {
        assert!(keystore_kind("server.p12").is_some());
        assert!(keystore_kind("Release.KEYSTORE").is_some());
        assert!(keystore_kind("deploy.ppk").is_some());
        assert!(keystore_kind("upload-keystore.jks").is_some());
        assert!(keystore_kind("truststore.jks").is_none());
        assert!(keystore_kind("client-truststore.p12").is_none());
        assert!(keystore_kind("debug.keystore").is_none());
        assert!(keystore_kind("cacerts").is_none());
        assert!(keystore_kind("keystore.md").is_none());
        assert!(keystore_kind("p12").is_none());
    }
}
