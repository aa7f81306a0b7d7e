//! Relations between objects: which autoscalers target a workload (by `scaleTargetRef` kind and
//! name), which Services and policies select its pods (by label selector), and how many
//! replicas it runs.

use super::model::K8sModel;
use super::objects::{Field, Object, Text};
use super::selectors::{Labels, Match, label_selector, map_selector};
use super::workloads::Workload;
use vouch_workspace::Node;

/// An autoscaler and what it does to replicas.
pub struct Autoscaler<'a> {
    pub obj: &'a Object,
    /// The reference node (`scaleTargetRef` / `targetRef`), for evidence.
    pub target: &'a Node,
    pub kind: AutoscalerKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AutoscalerKind {
    Hpa,
    /// KEDA ScaledObject (drives an HPA).
    Keda,
    /// VerticalPodAutoscaler (changes requests, not replicas).
    Vpa,
}

impl<'a> Autoscaler<'a> {
    /// The minimum replica count it keeps (HPA default 1, KEDA default 0); None for a VPA.
    pub fn min_replicas(&self) -> Option<Replicas<'a>> {
        let spec = self.obj.root.get("spec")?;
        let (key, default) = match self.kind {
            AutoscalerKind::Hpa => ("minReplicas", 1),
            AutoscalerKind::Keda => ("minReplicaCount", 0),
            AutoscalerKind::Vpa => return None,
        };
        Some(count(self.obj, spec, key, default))
    }
}

/// A replica count and where it is set.
pub enum Replicas<'a> {
    Known(i64, Option<&'a Node>),
    Unknown(String),
}

fn count<'a>(obj: &'a Object, map: &'a Node, key: &str, default: i64) -> Replicas<'a> {
    match obj.field(map, key) {
        Field::Present(n) => match (obj.text(n), n.as_i64()) {
            (Text::Known(_), Some(v)) => Replicas::Known(v, Some(n)),
            _ => Replicas::Unknown(obj.unknown_reason(n, &format!("`{key}`"))),
        },
        Field::Absent => Replicas::Known(default, None),
        Field::Unknown(n) => Replicas::Unknown(obj.unknown_reason(n, &format!("`{key}`"))),
    }
}

/// Every autoscaler whose target reference names the workload, with how sure that is.
pub fn autoscalers<'a>(model: &'a K8sModel, w: &Workload<'_>) -> Vec<(Autoscaler<'a>, Match)> {
    let mut out = Vec::new();
    for obj in &model.objects {
        let (kind, path): (AutoscalerKind, &[&str]) = match (obj.kind.as_str(), group(obj)) {
            ("HorizontalPodAutoscaler", _) => (AutoscalerKind::Hpa, &["spec", "scaleTargetRef"]),
            ("ScaledObject", "keda.sh") => (AutoscalerKind::Keda, &["spec", "scaleTargetRef"]),
            ("VerticalPodAutoscaler", _) => (AutoscalerKind::Vpa, &["spec", "targetRef"]),
            _ => continue,
        };
        if !obj.same_namespace(w.obj) {
            continue;
        }
        let Some(target) = obj.root.path(path) else {
            continue;
        };
        // KEDA's kind defaults to Deployment.
        let kind_matches = match target.get("kind").map(|k| obj.text(k)) {
            Some(Text::Known(k)) => k == w.obj.kind,
            None => kind == AutoscalerKind::Keda && w.obj.kind == "Deployment",
            _ => false,
        };
        if !kind_matches {
            continue;
        }
        let m = names_match(obj, target.get("name"), w.obj);
        if m != Match::No {
            let m = match (&obj.conditional, m) {
                (Some(reason), Match::Yes) => Match::Unknown(reason.clone()),
                (_, m) => m,
            };
            out.push((Autoscaler { obj, target, kind }, m));
        }
    }
    out
}

fn group(obj: &Object) -> &str {
    obj.api_version.split('/').next().unwrap_or("")
}

/// Whether a reference's `name` names the object (symbolic Helm names compare too).
fn names_match(ref_obj: &Object, name: Option<&Node>, target: &Object) -> Match {
    let Some(name) = name else {
        return Match::No;
    };
    let want = match ref_obj.text(name) {
        Text::Known(s) | Text::Symbolic(s) => s,
        Text::Unknown => return Match::Unknown(ref_obj.at(name)),
    };
    let Some(node) = target.root.path(&["metadata", "name"]) else {
        return Match::No;
    };
    match target.text(node) {
        Text::Known(s) | Text::Symbolic(s) if s == want => Match::Yes,
        Text::Known(_) | Text::Symbolic(_) => Match::No,
        Text::Unknown => Match::Unknown(target.at(node)),
    }
}

/// The replica count a workload keeps at least: an HPA/KEDA minimum when one targets it,
/// else `spec.replicas` (default 1).
pub fn effective_replicas<'a>(
    model: &'a K8sModel,
    w: &Workload<'a>,
) -> (Replicas<'a>, Option<Autoscaler<'a>>) {
    let mut unknown = None;
    for (a, m) in autoscalers(model, w) {
        match (m, a.kind) {
            (_, AutoscalerKind::Vpa) => {}
            (Match::Yes, _) => {
                let min = a.min_replicas().unwrap_or(Replicas::Known(1, None));
                return (min, Some(a));
            }
            (Match::Unknown(at), _) => unknown = Some(at),
            (Match::No, _) => {}
        }
    }
    if let Some(at) = unknown {
        return (
            Replicas::Unknown(format!(
                "{at}: whether an autoscaler targets {} is templated",
                w.display()
            )),
            None,
        );
    }
    match w.obj.root.get("spec") {
        Some(spec) => (count(w.obj, spec, "replicas", 1), None),
        None => (Replicas::Known(1, None), None),
    }
}

/// Services whose selector picks the workload's pods.
pub fn services_selecting(model: &K8sModel, w: &Workload<'_>) -> Match {
    let pods = Labels {
        obj: w.obj,
        map: w.pod_labels(),
    };
    let mut result = Match::No;
    for svc in model.of_kind("Service").filter(|s| s.same_namespace(w.obj)) {
        let Some(sel) = svc.root.path(&["spec", "selector"]) else {
            continue;
        };
        if sel.as_map().is_some_and(|m| m.is_empty()) {
            continue;
        }
        match map_selector(svc, sel, pods) {
            Match::Yes => return Match::Yes,
            Match::Unknown(at) => result = Match::Unknown(at),
            Match::No => {}
        }
    }
    match (result, model.hidden(&["Service"])) {
        (Match::No, Some(gap)) => Match::Unknown(gap),
        (result, _) => result,
    }
}

/// Whether `policy`'s label selector at `path` picks the workload's pods.
pub fn selects_pods(policy: &Object, selector: Option<&Node>, w: &Workload<'_>) -> Match {
    let pods = Labels {
        obj: w.obj,
        map: w.pod_labels(),
    };
    let m = label_selector(policy, selector, pods);
    match (&policy.conditional, m) {
        (Some(reason), Match::Yes) => Match::Unknown(reason.clone()),
        (_, m) => m,
    }
}
