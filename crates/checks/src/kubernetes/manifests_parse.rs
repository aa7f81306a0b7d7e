use super::model::{is_foreign_template, looks_like_manifest};
use super::verdict::Verdict;
use crate::prelude::*;
use std::collections::BTreeSet;
use vouch_workspace::{YamlFile, YamlRole, is_docs_or_example_path, is_test_path};

pub struct ManifestDoesNotParse;

static META: ControlMeta = ControlMeta {
    id: "K8S019",
    slug: "manifests_parse",
    title: "Kubernetes manifests and Helm charts parse",
    area: Area::Deployment,
    severity: Severity::High,
    remediation: "Fix the YAML syntax (or resolve the merge conflict) so the file parses; check it \
                  in CI with `kubectl apply --dry-run=server`, `kubeconform` or `helm lint`.",
    references: &[
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/",
        "https://helm.sh/docs/helm/helm_lint/",
        "https://github.com/yannh/kubeconform",
    ],
    concepts: &[
        "valid manifests",
        "manifest validation",
        "yaml syntax",
        "merge conflict",
        "helm lint",
        "deployment configuration",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every Kubernetes manifest (a YAML file with `apiVersion` and `kind` keys), kustomization,
Chart.yaml and Helm values file parses as YAML, and none of them — Helm templates included —
holds a merge-conflict block (`<<<<<<<` … `=======` … `>>>>>>>`). Test fixtures and
documentation examples are not judged, nor are manifests templated for another tool (Jinja or
Go-template actions outside a Helm chart), which are not YAML until that tool renders them. Helm templates themselves are not parsed as YAML (Go
templating makes them invalid YAML by design).

## Why it matters in production

A manifest that does not parse cannot be applied: the deploy fails — or, with a tool that skips
broken files, silently deploys without it. A merge-conflict marker is a half-finished merge
that ships both versions of a setting or neither. Every other Kubernetes control is blind to a
file it cannot read.

## Example

Bad:

```yaml
spec:
<<<<<<< HEAD
  replicas: 3
=======
  replicas: 2
>>>>>>> feature/scale-down
```

Good:

```yaml
spec:
  replicas: 3
```

## References

- Kubernetes: Objects in Kubernetes
- Helm: helm lint
- kubeconform
"#,
};

impl Check for ManifestDoesNotParse {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let mut v = Verdict::default();
        let relevant: Vec<&YamlFile> = ws
            .yaml
            .iter()
            .filter(|y| !is_test_path(&y.path) && !is_docs_or_example_path(&y.path))
            .filter(|y| match y.role {
                YamlRole::HelmChart
                | YamlRole::HelmValues
                | YamlRole::HelmTemplate
                | YamlRole::Kustomization => true,
                YamlRole::Other => looks_like_manifest(&y.text.text),
                _ => false,
            })
            .collect();
        let paths: BTreeSet<&str> = relevant.iter().map(|y| y.path.as_str()).collect();
        let mut broken = BTreeSet::new();
        for hit in &ws.facts.conflict_markers {
            let in_chart = hit.path.contains("/templates/") && hit.path.ends_with(".tpl");
            if paths.contains(hit.path.as_str()) || in_chart && !is_test_path(&hit.path) {
                broken.insert(hit.path.as_str());
                let finding = match ws.text(&hit.path) {
                    Some(src) => finding_at(
                        &src,
                        hit.line,
                        hit.column,
                        "merge-conflict marker in a Kubernetes/Helm file",
                    ),
                    None => {
                        finding_file(&hit.path, "merge-conflict marker in a Kubernetes/Helm file")
                    }
                };
                v.fail(finding);
            }
        }
        for y in &relevant {
            if y.role == YamlRole::HelmTemplate {
                continue;
            }
            match &y.docs {
                Err(_) if y.role == YamlRole::Other && is_foreign_template(&y.text.text) => {}
                Err(e) if !broken.contains(y.path.as_str()) => v.fail(finding_at(
                    &y.text,
                    e.line.max(1),
                    e.column,
                    format!("does not parse as YAML: {}", e.message),
                )),
                Err(_) => {}
                Ok(docs) => v.pass(finding_file(
                    &y.path,
                    format!("{} YAML document(s) parse", docs.len()),
                )),
            }
        }
        v.outcome("no Kubernetes manifest, kustomization or Helm chart in the repository")
    }
}
