use super::base64;
use super::model::K8sModel;
use super::objects::{Object, STRIDE, Text, decode, readable};
use super::secret_values::{credential_shaped, is_placeholder, is_secret_name};
use super::verdict::Verdict;
use crate::prelude::*;
use vouch_workspace::{YamlRole, is_docs_or_example_path, is_test_path};

pub struct SecretManifestHoldsValues;

static META: ControlMeta = ControlMeta {
    id: "K8S016",
    slug: "secret_manifest_values",
    title: "Secret manifests hold no real secret values",
    area: Area::Security,
    severity: Severity::Critical,
    remediation: "Remove the value from the repository and rotate it: it is in the git history. \
                  Create the Secret from a secrets manager (External Secrets Operator, the Secrets \
                  Store CSI driver), commit it encrypted (SealedSecret, SOPS), or keep only \
                  placeholders in the manifest and inject values at deploy time.",
    references: &[
        "https://kubernetes.io/docs/concepts/configuration/secret/#information-security-for-secrets",
        "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
        "https://external-secrets.io/latest/",
    ],
    concepts: &[
        "secrets management",
        "hardcoded secrets",
        "committed secrets",
        "kubernetes secret",
        "credentials in git",
        "secret rotation",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every `Secret` manifest (plain, Kustomize-built or rendered from a Helm chart) and every
Kustomize `secretGenerator` literal holds no real secret: each `data:` value is base64-decoded
and each `stringData:` value read, and a value fails when its key looks secret (`password`,
`token`, `apiKey`, `tls.key`, `.dockerconfigjson`, ...) or the value itself looks like a
credential (a URL with a password, a cloud access key, a private key) — unless it is a
placeholder (empty, `changeme`, `REPLACE_ME`, `${VAR}`, `<your-token>`, `***`, an `EXAMPLE`
key). In a Helm chart, a value substituted from values.yaml is judged there and reported at its
values.yaml line; a value templating computes or takes from the install command is not in the
repository and passes. SOPS-encrypted manifests and SealedSecrets pass. Evidence is redacted.

## Why it matters in production

A credential committed to git is readable by everyone with the repository, every fork and CI
cache, forever — deleting the file does not remove it from history. base64 in `data:` is an
encoding, not encryption.

## Example

Bad:

```yaml
kind: Secret
data:
  password: aHVudGVyMi1wcm9k   # "hunter2-prod"
```

Good:

```yaml
kind: ExternalSecret
spec:
  secretStoreRef: { name: vault, kind: ClusterSecretStore }
  target: { name: orders-db }
  data:
    - secretKey: password
      remoteRef: { key: orders/db, property: password }
```

## References

- Kubernetes: Secrets, information security
- Kubernetes: Good practices for Kubernetes Secrets
- OWASP Secrets Management Cheat Sheet
- External Secrets Operator
"#,
};

impl Check for SecretManifestHoldsValues {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let model = K8sModel::get(ws);
        let mut v = Verdict::default();
        let mut any = false;
        for obj in model.of_kind("Secret") {
            any = true;
            judge_secret(obj, &mut v);
        }
        any |= judge_generators(ws, &mut v);
        for gap in model.gaps_for(&["Secret"]) {
            any = true;
            v.unknown(gap.describe());
        }
        if !any {
            return Outcome::not_applicable(
                "no Secret manifest or secretGenerator in the repository",
            );
        }
        v.outcome("no Secret manifest in the repository")
    }
}

fn judge_secret(obj: &Object, v: &mut Verdict) {
    let who = obj.display();
    if obj.root.get("sops").is_some() {
        v.pass(obj.finding_here(format!("{who} is encrypted with SOPS")));
        return;
    }
    let before = v.findings.len();
    for section in ["data", "stringData"] {
        let Some(map) = obj.root.get(section) else {
            continue;
        };
        for (key, node) in map.entries() {
            let raw = match obj.text(node) {
                Text::Known(t) => t,
                // Computed by templating or supplied at install time: not in the repository.
                Text::Symbolic(_) | Text::Unknown => continue,
            };
            let (value, from_values) = resolve(obj, node, section, raw);
            let Some(value) = value else { continue };
            if is_placeholder(&value) || !(is_secret_name(key) || credential_shaped(&value)) {
                continue;
            }
            let msg = format!(
                "{who} holds a real value for `{}` in `{section}`",
                readable(key)
            );
            match from_values {
                Some((src, line, col)) => {
                    let text = src.line(line as usize);
                    let snippet = redact(text, raw, &value);
                    v.fail(crate::evidence::finding_at(src, line, col, msg).with_snippet(snippet));
                }
                None => {
                    let (src, line, col) = obj.locate(node);
                    let snippet = redact(src.line(line as usize), raw, &value);
                    v.fail(crate::evidence::finding_at(src, line, col, msg).with_snippet(snippet));
                }
            }
        }
    }
    if v.findings.len() == before {
        v.pass(obj.finding_here(format!("{who} holds no real secret value")));
    }
}

/// Both the encoded and the decoded value are redacted, whichever the line shows.
fn redact(line: &str, raw: &str, value: &str) -> String {
    let once = crate::evidence::redact_value(line, raw.trim());
    crate::evidence::redact_value(&once, value.trim())
}

/// The value as the cluster will see it (base64-decoded for `data:`), and, for Helm, the
/// values.yaml position it came from.
fn resolve<'a>(
    obj: &'a Object,
    node: &Node,
    section: &str,
    raw: &str,
) -> (
    Option<String>,
    Option<(&'a vouch_workspace::SourceText, u32, u32)>,
) {
    let origin = obj.values_at(node).first().map(|&(line, col)| {
        let (src, line) = decode(line);
        (
            obj.sources.get(src).unwrap_or(&obj.sources[0]).as_ref(),
            line % STRIDE,
            col,
        )
    });
    if section == "stringData" || is_placeholder(raw) {
        return (Some(raw.to_string()), origin);
    }
    let decoded = base64::decode(raw).map(|b| String::from_utf8_lossy(&b).into_owned());
    // A Helm `b64enc` of a values entry: judge (and point at) the entry itself.
    if let (Some((src, line, _)), Some(d)) = (origin, &decoded)
        && src.line(line as usize).contains(d.as_str())
    {
        return (decoded, origin);
    }
    (decoded, None)
}

/// `secretGenerator: [{literals: ["KEY=value"]}]` in kustomizations.
fn judge_generators(ws: &Workspace, v: &mut Verdict) -> bool {
    let mut any = false;
    for file in ws.yaml_with_role(YamlRole::Kustomization) {
        if is_test_path(&file.path) || is_docs_or_example_path(&file.path) {
            continue;
        }
        for doc in file.docs() {
            for generator in doc
                .root
                .get("secretGenerator")
                .map(Node::items)
                .unwrap_or(&[])
            {
                any = true;
                let name = generator.get("name").and_then(Node::as_str).unwrap_or("?");
                let mut clean = true;
                for lit in generator.get("literals").map(Node::items).unwrap_or(&[]) {
                    let Some((key, value)) = lit.as_str().and_then(|s| s.split_once('=')) else {
                        continue;
                    };
                    if is_placeholder(value) || !(is_secret_name(key) || credential_shaped(value)) {
                        continue;
                    }
                    clean = false;
                    let snippet =
                        crate::evidence::redact_value(file.text.line(lit.line as usize), value);
                    v.fail(
                        finding_node(
                            &file.text,
                            lit,
                            format!("secretGenerator `{name}` holds a real value for `{key}`"),
                        )
                        .with_snippet(snippet),
                    );
                }
                if clean {
                    v.pass(finding_node(
                        &file.text,
                        generator,
                        format!("secretGenerator `{name}` holds no real secret literal"),
                    ));
                }
            }
        }
    }
    any
}
