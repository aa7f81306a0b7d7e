//! The `replicas` and `images` transformers.

use super::Kust;
use super::patch::child_mut;
use super::source_index;
use crate::kubernetes::image_ref;
use crate::kubernetes::objects::{Object, encode, reencode};
use vouch_workspace::{Node, Value};

/// `replicas: [{name, count}]`.
pub fn apply_replicas(k: &Kust<'_>, objs: &mut [Object]) {
    for entry in k.root.get("replicas").map(Node::items).unwrap_or(&[]) {
        let (Some(name), Some(count)) =
            (entry.get("name").and_then(Node::as_str), entry.get("count"))
        else {
            continue;
        };
        for o in objs.iter_mut().filter(|o| o.name.as_deref() == Some(name)) {
            if !matches!(
                o.kind.as_str(),
                "Deployment" | "StatefulSet" | "ReplicaSet" | "Rollout"
            ) {
                continue;
            }
            let s = source_index(o, &k.file.text);
            let mut value = count.clone();
            reencode(&mut value, s);
            if let Some(spec) = child_mut(&mut o.root, "spec") {
                set_key(spec, "replicas", value);
            }
        }
    }
}

/// `images: [{name, newName, newTag, digest}]`.
pub fn apply_images(k: &Kust<'_>, objs: &mut [Object]) {
    for entry in k.root.get("images").map(Node::items).unwrap_or(&[]) {
        let Some(name) = entry.get("name").and_then(Node::as_str) else {
            continue;
        };
        let get = |key: &str| entry.get(key).filter(|n| n.as_str().is_some());
        let Some(anchor) = get("digest")
            .or_else(|| get("newTag"))
            .or_else(|| get("newName"))
        else {
            continue;
        };
        for o in objs.iter_mut() {
            let s = source_index(o, &k.file.text);
            let line = encode(s, anchor.line);
            for_each_image(&mut o.root, &mut |image: &mut Node| {
                let Some(current) = image.as_str() else {
                    return;
                };
                let r = image_ref::parse(current);
                if r.name != name {
                    return;
                }
                let new_name = get("newName").and_then(Node::as_str).unwrap_or(r.name);
                let text = match (
                    get("digest").and_then(Node::as_str),
                    get("newTag").and_then(Node::as_str),
                ) {
                    (Some(d), _) => format!("{new_name}@{d}"),
                    (None, Some(t)) => format!("{new_name}:{t}"),
                    (None, None) => match (r.tag, r.digest) {
                        (_, Some(d)) => format!("{new_name}@{d}"),
                        (Some(t), None) => format!("{new_name}:{t}"),
                        (None, None) => new_name.to_string(),
                    },
                };
                *image = Node {
                    value: Value::Scalar { text, plain: true },
                    line,
                    column: anchor.column,
                };
            });
        }
    }
}

/// Every `image:` of containers in any pod spec of the object.
fn for_each_image(node: &mut Node, f: &mut dyn FnMut(&mut Node)) {
    match &mut node.value {
        Value::Map(entries) => {
            for (k, v) in entries.iter_mut() {
                match k.as_str() {
                    Some("containers" | "initContainers") => {
                        if let Value::Seq(items) = &mut v.value {
                            for c in items.iter_mut() {
                                if let Some(img) = child_mut(c, "image") {
                                    f(img);
                                }
                            }
                        }
                    }
                    _ => for_each_image(v, f),
                }
            }
        }
        Value::Seq(items) => items.iter_mut().for_each(|n| for_each_image(n, f)),
        _ => {}
    }
}

fn set_key(map: &mut Node, key: &str, value: Node) {
    if let Value::Map(entries) = &mut map.value {
        match entries.iter().position(|(k, _)| k.as_str() == Some(key)) {
            Some(i) => entries[i].1 = value,
            None => entries.push((
                Node {
                    value: Value::Scalar {
                        text: key.to_string(),
                        plain: true,
                    },
                    line: value.line,
                    column: value.column,
                },
                value,
            )),
        }
    }
}
