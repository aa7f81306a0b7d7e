//! Strategic-merge and JSON 6902 patches on object trees.

use vouch_workspace::{Node, Value};

fn directive(n: &Node) -> Option<&str> {
    n.get("$patch").and_then(Node::as_str)
}

/// The key Kubernetes merges a list field by (others are replaced).
fn merge_key(field: &str) -> Option<&'static str> {
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "ports" => Some("containerPort"),
        _ => None,
    }
}

pub fn merge_map(base: &mut Node, patch: &Node) {
    if directive(patch) == Some("replace") {
        let mut p = patch.clone();
        if let Value::Map(e) = &mut p.value {
            e.retain(|(k, _)| k.as_str() != Some("$patch"));
        }
        *base = p;
        return;
    }
    let (Value::Map(base_entries), Value::Map(patch_entries)) = (&mut base.value, &patch.value)
    else {
        *base = patch.clone();
        return;
    };
    for (k, v) in patch_entries {
        let Some(name) = k.as_str() else { continue };
        if name.starts_with('$') {
            continue;
        }
        let pos = base_entries
            .iter()
            .position(|(bk, _)| bk.as_str() == Some(name));
        if v.is_null() || directive(v) == Some("delete") {
            if let Some(i) = pos {
                base_entries.remove(i);
            }
            continue;
        }
        match pos {
            Some(i) => merge_value(&mut base_entries[i].1, v, name),
            None => base_entries.push((k.clone(), v.clone())),
        }
    }
}

fn merge_value(base: &mut Node, patch: &Node, field: &str) {
    match (&base.value, &patch.value, merge_key(field)) {
        (Value::Map(_), Value::Map(_), _) => merge_map(base, patch),
        (Value::Seq(_), Value::Seq(_), Some(key)) => merge_list(base, patch, key),
        _ => *base = patch.clone(),
    }
}

fn merge_list(base: &mut Node, patch: &Node, key: &str) {
    let Value::Seq(items) = &mut base.value else {
        return;
    };
    for item in patch.items() {
        let id = item.get(key).and_then(Node::as_str);
        let pos = id.and_then(|id| {
            items
                .iter()
                .position(|b| b.get(key).and_then(Node::as_str) == Some(id))
        });
        match (pos, directive(item)) {
            (Some(i), Some("delete")) => {
                items.remove(i);
            }
            (_, Some("delete")) => {}
            (Some(i), _) => merge_map(&mut items[i], item),
            (None, _) => items.push(item.clone()),
        }
    }
}

/// RFC 6902 `add`, `replace` and `remove` on JSON-pointer paths.
pub fn json_patch(root: &mut Node, ops: &Node) {
    for op in ops.items() {
        let (Some(kind), Some(path)) = (
            op.get("op").and_then(Node::as_str),
            op.get("path").and_then(Node::as_str),
        ) else {
            continue;
        };
        let segs: Vec<String> = path
            .split('/')
            .skip(1)
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        let Some((last, parents)) = segs.split_last() else {
            continue;
        };
        let Some(parent) = parents.iter().try_fold(&mut *root, |n, s| child_mut(n, s)) else {
            continue;
        };
        let value = op.get("value").cloned();
        match (kind, &mut parent.value, value) {
            ("add" | "replace", Value::Map(entries), Some(v)) => {
                match entries.iter().position(|(k, _)| k.as_str() == Some(last)) {
                    Some(i) => entries[i].1 = v,
                    None => entries.push((
                        Node {
                            value: Value::Scalar {
                                text: last.clone(),
                                plain: true,
                            },
                            line: v.line,
                            column: v.column,
                        },
                        v,
                    )),
                }
            }
            ("add", Value::Seq(items), Some(v)) => {
                if last == "-" {
                    items.push(v);
                } else if let Some(i) = last.parse::<usize>().ok().filter(|i| *i <= items.len()) {
                    items.insert(i, v);
                }
            }
            ("replace", Value::Seq(items), Some(v)) => {
                if let Some(slot) = last.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                    *slot = v;
                }
            }
            ("remove", Value::Map(entries), _) => entries.retain(|(k, _)| k.as_str() != Some(last)),
            ("remove", Value::Seq(items), _) => {
                if let Some(i) = last.parse::<usize>().ok().filter(|i| *i < items.len()) {
                    items.remove(i);
                }
            }
            _ => {}
        }
    }
}

pub fn child_mut<'n>(node: &'n mut Node, seg: &str) -> Option<&'n mut Node> {
    match &mut node.value {
        Value::Map(entries) => entries
            .iter_mut()
            .find(|(k, _)| k.as_str() == Some(seg))
            .map(|(_, v)| v),
        Value::Seq(items) => seg.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vouch_workspace::yaml::parse_str;

    fn node(s: &str) -> Node {
        parse_str(s).unwrap().remove(0).root
    }

    #[test]
    fn strategic_merge_by_name() {
        let mut base = node(
            "spec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: api\n          image: a:1\n        - name: side\n          image: b:1\n",
        );
        let patch = node(
            "spec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: api\n          resources:\n            limits: {memory: 1Gi}\n",
        );
        merge_map(&mut base, &patch);
        assert_eq!(
            base.path(&["spec", "replicas"]).unwrap().as_str(),
            Some("3")
        );
        let containers = base
            .path(&["spec", "template", "spec", "containers"])
            .unwrap();
        assert_eq!(containers.items().len(), 2);
        assert_eq!(
            containers.items()[0].get("image").unwrap().as_str(),
            Some("a:1")
        );
        assert!(
            containers.items()[0]
                .path(&["resources", "limits", "memory"])
                .is_some()
        );
    }

    #[test]
    fn json6902_ops() {
        let mut base =
            node("spec:\n  replicas: 1\n  template: {spec: {containers: [{name: a}]}}\n");
        let ops = node(
            "- op: replace\n  path: /spec/replicas\n  value: 4\n- op: add\n  path: /spec/template/spec/containers/0/image\n  value: x:1\n",
        );
        json_patch(&mut base, &ops);
        assert_eq!(
            base.path(&["spec", "replicas"]).unwrap().as_str(),
            Some("4")
        );
        assert_eq!(
            base.path(&["spec", "template", "spec", "containers"])
                .unwrap()
                .items()[0]
                .get("image")
                .unwrap()
                .as_str(),
            Some("x:1")
        );
    }
}
