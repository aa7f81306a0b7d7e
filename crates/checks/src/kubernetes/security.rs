//! Reading `securityContext` fields of a container, falling back to the pod's where Kubernetes
//! does (`runAsUser`, `runAsNonRoot`, ...).

use super::objects::{Field, Object, Text};
use super::workloads::{Container, Workload};
use vouch_workspace::Node;

/// A securityContext value and where it was found.
pub enum Setting<'a> {
    Value(&'a Node),
    Absent,
    Unknown(String),
}

/// `key` in the container's securityContext.
pub fn container_setting<'a>(obj: &Object, c: &Container<'a>, key: &str) -> Setting<'a> {
    lookup(obj, c.node, key)
}

/// `key` in the container's securityContext, else in the pod's.
pub fn effective_setting<'a>(w: &Workload<'a>, c: &Container<'a>, key: &str) -> Setting<'a> {
    match lookup(w.obj, c.node, key) {
        Setting::Absent => lookup(w.obj, w.pod_spec, key),
        other => other,
    }
}

fn lookup<'a>(obj: &Object, holder: &'a Node, key: &str) -> Setting<'a> {
    match obj.field_path(holder, &["securityContext", key]) {
        Field::Present(n) => match obj.text(n) {
            Text::Known(_) => Setting::Value(n),
            _ => Setting::Unknown(obj.unknown_reason(n, &format!("`{key}`"))),
        },
        Field::Absent => Setting::Absent,
        Field::Unknown(at) => Setting::Unknown(obj.unknown_reason(at, &format!("`{key}`"))),
    }
}

/// Where a finding about a missing setting points: the container's securityContext when it
/// has one, else the container.
pub fn anchor<'a>(obj: &Object, c: &Container<'a>) -> &'a Node {
    obj.place(c.node, "securityContext").unwrap_or(c.node)
}
