//! Writes a values subtree back as block YAML (what `toYaml` does), one line per entry, each
//! line remembering the values.yaml position it came from.

use vouch_workspace::{Node, Value};

/// An emitted line and the (line, column) of the node that starts it in values.yaml.
pub type Emitted = (String, u32, u32);

pub fn emit(node: &Node, indent: usize, out: &mut Vec<Emitted>) {
    let pad = " ".repeat(indent);
    match &node.value {
        Value::Map(entries) if !entries.is_empty() => {
            for (k, v) in entries {
                let key = scalar(k);
                match &v.value {
                    Value::Map(e) if !e.is_empty() => {
                        out.push((format!("{pad}{key}:"), k.line, k.column));
                        emit(v, indent + 2, out);
                    }
                    Value::Seq(i) if !i.is_empty() => {
                        out.push((format!("{pad}{key}:"), k.line, k.column));
                        emit(v, indent + 2, out);
                    }
                    _ => out.push((format!("{pad}{key}: {}", inline(v)), k.line, k.column)),
                }
            }
        }
        Value::Seq(items) if !items.is_empty() => {
            for item in items {
                match &item.value {
                    Value::Map(e) if !e.is_empty() => {
                        let start = out.len();
                        emit(item, indent + 2, out);
                        // The first entry goes on the dash line.
                        let first = &mut out[start].0;
                        first.replace_range(indent..indent + 2, "- ");
                    }
                    Value::Seq(i) if !i.is_empty() => {
                        out.push((format!("{pad}-"), item.line, item.column));
                        emit(item, indent + 2, out);
                    }
                    _ => out.push((format!("{pad}- {}", inline(item)), item.line, item.column)),
                }
            }
        }
        _ => out.push((format!("{pad}{}", inline(node)), node.line, node.column)),
    }
}

/// A scalar, empty collection or null on one line.
fn inline(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".into(),
        Value::Map(_) => "{}".into(),
        Value::Seq(_) => "[]".into(),
        Value::Scalar { .. } => scalar(node),
    }
}

/// Plain scalars are written as read; quoted and block scalars as double-quoted strings.
fn scalar(node: &Node) -> String {
    match &node.value {
        Value::Scalar { text, plain: true } if !text.contains('\n') && !text.is_empty() => {
            text.clone()
        }
        Value::Scalar { text, .. } => {
            let escaped = text
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n")
                .replace('\t', "\\t");
            format!("\"{escaped}\"")
        }
        _ => inline(node),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vouch_workspace::yaml::parse_str;

    #[test]
    fn round_trips_a_subtree() {
        let src = "resources:\n  limits:\n    cpu: 500m\n    memory: \"256Mi\"\nenv:\n  - name: A\n    value: \"1\"\n  - name: B\n    valueFrom:\n      secretKeyRef: {name: s, key: k}\nempty: {}\n";
        let doc = parse_str(src).unwrap().remove(0).root;
        let mut out = Vec::new();
        emit(&doc, 4, &mut out);
        let text: String = out.iter().map(|(l, _, _)| format!("{l}\n")).collect();
        let back = parse_str(&text).unwrap().remove(0).root;
        assert!(
            crate::kubernetes::objects::same_value(&doc, &back),
            "{text}"
        );
        assert_eq!(out[0], ("    resources:".to_string(), 1, 1));
        assert!(
            out.iter()
                .any(|(l, line, _)| l == "      - name: B" && *line == 8)
        );
    }
}
