//! The Kubernetes object model of a repository, built once per audit and shared by every
//! K8S control: plain manifests, Kustomize builds and rendered Helm charts, plus the *gaps* —
//! inputs that should hold objects but could not be read (they turn passes into Unknown).

use super::objects::Object;
use super::workloads::Workload;
use super::{helm, kustomize};
use regex::Regex;
use std::collections::HashSet;
use std::sync::{Arc, LazyLock};
use vouch_workspace::{Node, Workspace, YamlRole, is_docs_or_example_path, is_test_path};

/// An input vouch could not turn into objects.
#[derive(Clone, Debug)]
pub struct Gap {
    pub path: String,
    pub line: u32,
    pub reason: String,
    /// Kinds the text mentions (empty when unknown: may hold anything).
    pub kinds: Vec<String>,
}

impl Gap {
    pub fn may_hold(&self, kinds: &[&str]) -> bool {
        self.kinds.is_empty() || self.kinds.iter().any(|k| kinds.contains(&k.as_str()))
    }

    pub fn describe(&self) -> String {
        format!("{}:{}: {}", self.path, self.line, self.reason)
    }
}

pub struct K8sModel {
    pub objects: Vec<Object>,
    pub gaps: Vec<Gap>,
}

/// Kinds that run pods.
pub const WORKLOAD_KINDS: [&str; 8] = [
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "Pod",
    "Rollout",
];

impl K8sModel {
    pub fn get(ws: &Workspace) -> Arc<K8sModel> {
        ws.cached(K8sModel::build)
    }

    fn build(ws: &Workspace) -> K8sModel {
        let mut gaps = Vec::new();
        let plain = plain_objects(ws, &mut gaps);
        let kustomized = kustomize::build(ws, &plain);
        gaps.extend(kustomized.gaps);
        let mut objects: Vec<Object> = plain
            .into_iter()
            .filter(|o| !kustomized.consumed.contains(o.path()))
            .collect();
        objects.extend(kustomized.objects);
        let helm = helm::render_charts(ws);
        objects.extend(helm.objects);
        gaps.extend(helm.gaps);
        K8sModel { objects, gaps }
    }

    pub fn workloads(&self) -> impl Iterator<Item = Workload<'_>> {
        self.objects.iter().filter_map(Workload::of)
    }

    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Object> {
        self.objects.iter().filter(move |o| o.kind == kind)
    }

    /// Why an object of one of `kinds` may exist unseen: the first unreadable input that may
    /// hold one.
    pub fn hidden(&self, kinds: &[&str]) -> Option<String> {
        self.gaps_for(kinds).next().map(Gap::describe)
    }

    /// Gaps that may hold an object of one of `kinds`.
    pub fn gaps_for<'a>(&'a self, kinds: &'a [&'a str]) -> impl Iterator<Item = &'a Gap> {
        self.gaps.iter().filter(move |g| g.may_hold(kinds))
    }
}

/// Every object of the plain manifests (tests, docs and examples left out), `List` items
/// expanded; unparsable files that look like manifests become gaps.
fn plain_objects(ws: &Workspace, gaps: &mut Vec<Gap>) -> Vec<Object> {
    let mut out = Vec::new();
    for file in ws
        .yaml
        .iter()
        .filter(|y| matches!(y.role, YamlRole::Other | YamlRole::Kustomization))
    {
        if is_test_path(&file.path) || is_docs_or_example_path(&file.path) {
            continue;
        }
        match &file.docs {
            Ok(docs) => {
                for doc in docs {
                    push_object(&doc.root, file, &mut out, 0);
                }
            }
            Err(e) if looks_like_manifest(&file.text.text) => gaps.push(Gap {
                path: file.path.clone(),
                line: e.line,
                reason: if is_foreign_template(&file.text.text) {
                    "the manifest is a template for a tool vouch does not render".into()
                } else {
                    format!("the manifest does not parse ({})", e.message)
                },
                kinds: kinds_in_text(&file.text.text),
            }),
            Err(_) => {}
        }
    }
    out
}

fn push_object(root: &Node, file: &vouch_workspace::YamlFile, out: &mut Vec<Object>, depth: usize) {
    let (Some(kind), Some(api)) = (
        root.get("kind").and_then(Node::as_str),
        root.get("apiVersion").and_then(Node::as_str),
    ) else {
        return;
    };
    if kind.ends_with("List")
        && depth == 0
        && let Some(items) = root.get("items")
    {
        for item in items.items() {
            push_object(item, file, out, depth + 1);
        }
        return;
    }
    out.push(Object::plain(kind, api, root.clone(), file.text.clone()));
}

static API_VERSION_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^\s*(?:- )?apiVersion:\s*\S").expect("static regex"));
static KIND_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^\s*(?:- )?kind:\s*["']?([A-Za-z][A-Za-z0-9]*)"#).expect("static regex")
});

/// Text with `apiVersion:` and `kind:` keys: a Kubernetes manifest (or a template of one).
pub fn looks_like_manifest(text: &str) -> bool {
    API_VERSION_LINE.is_match(text) && KIND_LINE.is_match(text)
}

/// Text with `{{ ... }}` or `{% ... %}` actions outside a Helm chart (Jinja, gomplate,
/// Go templates rendered by a deploy script): not YAML until that tool runs.
pub fn is_foreign_template(text: &str) -> bool {
    text.contains("{{") && text.contains("}}") || text.contains("{%") && text.contains("%}")
}

/// The kinds a (possibly unparsable) text declares.
pub fn kinds_in_text(text: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    KIND_LINE
        .captures_iter(text)
        .map(|c| c[1].to_string())
        .filter(|k| seen.insert(k.clone()))
        .collect()
}

/// File or directory names of environments that are not production (`values-dev.yaml`,
/// `overlays/local`): their settings are deliberately small and not judged.
pub fn non_production_name(name: &str) -> bool {
    name.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| {
            matches!(
                w,
                "dev"
                    | "develop"
                    | "development"
                    | "local"
                    | "test"
                    | "testing"
                    | "ci"
                    | "kind"
                    | "minikube"
                    | "sandbox"
                    | "e2e"
                    | "qa"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_shapes() {
        assert!(looks_like_manifest("apiVersion: v1\nkind: Service\n"));
        assert!(!looks_like_manifest("services:\n  web: {}\n"));
        assert_eq!(
            kinds_in_text("kind: Deployment\n---\nkind: Service\n---\nkind: Deployment\n"),
            vec!["Deployment", "Service"]
        );
    }

    #[test]
    fn environment_names() {
        assert!(non_production_name("values-dev.yaml"));
        assert!(non_production_name("local"));
        assert!(!non_production_name("values-production.yaml"));
        assert!(!non_production_name("staging"));
        assert!(!non_production_name("devops"));
    }
}
