use super::model::K8sModel;
use super::objects::{Field, Object, Text};
use super::scan::{NO_WORKLOADS, Which, each_workload};
use super::secret_values::{credential_shaped, is_secret_name};
use super::verdict::Verdict;
use super::workloads::Workload;
use crate::prelude::*;

pub struct LiteralSecretEnv;

static META: ControlMeta = ControlMeta {
    id: "K8S017",
    slug: "secrets_from_references",
    title: "Containers take secrets from Secret references, not literal env values",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Put the value in a Secret (created by External Secrets, a SealedSecret or the \
                  Secrets Store CSI driver) and reference it: `valueFrom.secretKeyRef`, \
                  `envFrom.secretRef` or a mounted secret volume. Rotate any value that was \
                  committed.",
    references: &[
        "https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables",
        "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
        "https://secrets-store-csi-driver.sigs.k8s.io/",
    ],
    concepts: &[
        "secrets management",
        "secret references",
        "hardcoded credentials",
        "environment variables",
        "external secrets",
        "vault",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

No container sets a secret-looking environment variable (`*_PASSWORD`, `*_TOKEN`, `*_SECRET`,
`API_KEY`, ...; not `*_NAME`, `*_FILE`, `*_TTL`) with a literal `value:`, and no literal env
value looks like a credential (a URL with a password, an access key). Empty values, `$(VAR)`
references, file paths and plain booleans or numbers are fine. A Helm template that writes
`value: {{ .Values.apiKey }}` is a literal too — the value ends up in the Deployment spec and
the Helm release in clear text — whatever values.yaml holds. References (`secretKeyRef`,
`envFrom.secretRef`, secret and CSI volumes) and ExternalSecret or SealedSecret objects are
listed as evidence. Evidence is redacted.

## Why it matters in production

A literal env value is stored in plain text in the manifest, the git history, the Deployment
object (readable by anyone who can `get deployments`), `kubectl describe` output and often CI
logs. It cannot be rotated without a code change, and RBAC on Secrets no longer protects it.

## Example

Bad:

```yaml
env:
  - name: DB_PASSWORD
    value: hunter2-prod
```

Good:

```yaml
env:
  - name: DB_PASSWORD
    valueFrom:
      secretKeyRef: { name: orders-db, key: password }
```

## References

- Kubernetes: Using Secrets as environment variables
- Kubernetes: Good practices for Kubernetes Secrets
- OWASP Secrets Management Cheat Sheet
- Secrets Store CSI Driver
"#,
};

impl Check for LiteralSecretEnv {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let model = K8sModel::get(ws);
        let managers: Vec<&Object> = model
            .objects
            .iter()
            .filter(|o| {
                matches!(
                    o.kind.as_str(),
                    "ExternalSecret" | "SealedSecret" | "SecretProviderClass"
                )
            })
            .collect();
        let outcome = each_workload(
            ws,
            Which::All,
            |w, v| {
                let before = (v.findings.len(), v.unknown.len());
                let mut references = Vec::new();
                for c in &w.containers {
                    judge_env(w, c.node, &c.label(), v, &mut references);
                }
                collect_volume_refs(w, &mut references);
                if v.findings.len() == before.0 && v.unknown.len() == before.1 {
                    let obj = w.obj;
                    match references.first() {
                        Some(node) => v.pass(obj.finding(
                            node,
                            format!("{} takes its secrets from Secret references", obj.display()),
                        )),
                        None => v.pass(obj.finding_here(format!(
                            "{} sets no secret-looking environment variable literally",
                            obj.display()
                        ))),
                    }
                }
            },
            NO_WORKLOADS,
        );
        add_manager_evidence(outcome, &managers)
    }
}

fn judge_env<'a>(
    w: &Workload<'a>,
    container: &'a Node,
    label: &str,
    v: &mut Verdict,
    refs: &mut Vec<&'a Node>,
) {
    let obj = w.obj;
    for from in container.get("envFrom").map(Node::items).unwrap_or(&[]) {
        if let Some(r) = from.get("secretRef") {
            refs.push(r);
        }
    }
    for env in container.get("env").map(Node::items).unwrap_or(&[]) {
        let Some(name_node) = env.get("name") else {
            continue;
        };
        let Text::Known(name) = obj.text(name_node) else {
            continue;
        };
        if let Some(r) = env.path(&["valueFrom", "secretKeyRef"]) {
            refs.push(r);
            continue;
        }
        let value = match obj.field(env, "value") {
            Field::Present(n) => n,
            Field::Absent => continue,
            Field::Unknown(n) => n,
        };
        let who = format!("{label} of {}", obj.display());
        match obj.text(value) {
            Text::Known(text) => {
                let t = text.trim();
                let harmless = t.is_empty()
                    || t.starts_with("$(") && t.ends_with(')')
                    || t.starts_with('/')
                    || t.parse::<f64>().is_ok()
                    || matches!(
                        t.to_ascii_lowercase().as_str(),
                        "true" | "false" | "yes" | "no"
                    );
                if credential_shaped(t) || (is_secret_name(name) && !harmless) {
                    v.fail(obj.finding_redacted(
                        value,
                        format!(
                            "{who} sets `{name}` as a literal value{} instead of a secretKeyRef",
                            obj.values_note(value)
                        ),
                        t,
                    ));
                }
            }
            Text::Symbolic(_) | Text::Unknown if is_secret_name(name) => v.fail(obj.finding(
                value,
                format!(
                    "{who} sets `{name}` as a literal (templated) value instead of a secretKeyRef"
                ),
            )),
            _ => {}
        }
    }
}

fn collect_volume_refs<'a>(w: &Workload<'a>, refs: &mut Vec<&'a Node>) {
    for vol in w.pod_spec.get("volumes").map(Node::items).unwrap_or(&[]) {
        if let Some(s) = vol.get("secret") {
            refs.push(s);
        }
        if let Some(csi) = vol.get("csi")
            && csi.get("driver").and_then(Node::as_str) == Some("secrets-store.csi.k8s.io")
        {
            refs.push(csi);
        }
    }
}

/// A pass also lists the secret managers the repository uses.
fn add_manager_evidence(outcome: Outcome, managers: &[&Object]) -> Outcome {
    match outcome {
        Outcome::Pass { mut evidence } => {
            for m in managers {
                evidence.push(m.finding_here(format!(
                    "{} provides secrets from outside the repository",
                    m.display()
                )));
            }
            Outcome::Pass { evidence }
        }
        other => other,
    }
}
