//! The compose configuration as a tree whose every node remembers the file and line that set
//! it, built from the YAML layer's nodes with interpolation applied, and merged across files
//! with compose's merge rules.

use super::interpolate::{EnvFile, Interpolated, VarRef, interpolate};
use crate::prelude::*;
use std::sync::Arc;
use vouch_workspace::{SourceText, Value};

/// Where a value was written.
#[derive(Clone, Debug)]
pub struct Pos {
    pub src: Arc<SourceText>,
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub fn path(&self) -> &str {
        &self.src.path
    }

    /// The source line (for snippets).
    pub fn text(&self) -> &str {
        self.src.line(self.line as usize)
    }

    pub fn finding(&self, message: impl Into<String>) -> Finding {
        finding_at(&self.src, self.line, self.column, message)
    }

    /// A finding whose snippet has `secret` masked (the whole value part when the line does
    /// not contain it verbatim, e.g. after YAML unescaping).
    pub fn secret_finding(&self, message: impl Into<String>, secret: &str) -> Finding {
        let line = self.text();
        let snippet = if !secret.is_empty() && line.contains(secret) {
            redact_value(line, secret)
        } else {
            mask_after_separator(line)
        };
        Finding::new(
            Location::at(self.path(), self.line, self.column.max(1)),
            message,
        )
        .with_snippet(snippet)
    }
}

fn mask_after_separator(line: &str) -> String {
    let cut = match (line.find('='), line.find(": ")) {
        (Some(a), Some(b)) => a.min(b + 1),
        (Some(a), None) => a,
        (None, Some(b)) => b + 1,
        (None, None) => return "*****".to_string(),
    };
    format!("{} *****", line[..=cut].trim_end())
}

/// A scalar: as written, and after interpolation.
#[derive(Clone, Debug)]
pub struct Scalar {
    pub raw: String,
    pub value: Interpolated,
    /// Quoted or block scalar (so `"true"` stays a string for YAML, though compose coerces).
    pub quoted: bool,
}

impl Scalar {
    pub fn text(&self) -> &str {
        &self.value.text
    }
    pub fn refs(&self) -> &[VarRef] {
        &self.value.refs
    }
}

#[derive(Clone, Debug)]
pub enum CValue {
    Null,
    Scalar(Scalar),
    Seq(Vec<CNode>),
    Map(Vec<Entry>),
}

/// A mapping entry: the key with its own position, and the value.
#[derive(Clone, Debug)]
pub struct Entry {
    pub key: String,
    pub at: Pos,
    pub value: CNode,
}

#[derive(Clone, Debug)]
pub struct CNode {
    pub value: CValue,
    pub pos: Pos,
}

impl CNode {
    /// Converts a YAML node of `src`, interpolating scalar values with `dotenv`.
    pub fn from_yaml(node: &Node, src: &Arc<SourceText>, dotenv: Option<&EnvFile>) -> CNode {
        let pos = Pos {
            src: src.clone(),
            line: node.line,
            column: node.column,
        };
        let value = match &node.value {
            Value::Null => CValue::Null,
            Value::Scalar { text, plain } => CValue::Scalar(Scalar {
                raw: text.clone(),
                value: interpolate(text, dotenv),
                quoted: !plain,
            }),
            Value::Seq(items) => CValue::Seq(
                items
                    .iter()
                    .map(|n| CNode::from_yaml(n, src, dotenv))
                    .collect(),
            ),
            Value::Map(entries) => CValue::Map(
                entries
                    .iter()
                    .filter_map(|(k, v)| {
                        Some(Entry {
                            key: k.as_str()?.to_string(),
                            at: Pos {
                                src: src.clone(),
                                line: k.line,
                                column: k.column,
                            },
                            value: CNode::from_yaml(v, src, dotenv),
                        })
                    })
                    .collect(),
            ),
        };
        CNode { value, pos }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            CValue::Map(e) => e,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[CNode] {
        match &self.value {
            CValue::Seq(items) => items,
            _ => &[],
        }
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries().iter().find(|e| e.key == key)
    }

    pub fn get(&self, key: &str) -> Option<&CNode> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn path(&self, keys: &[&str]) -> Option<&CNode> {
        keys.iter().try_fold(self, |n, k| n.get(k))
    }

    pub fn scalar(&self) -> Option<&Scalar> {
        match &self.value {
            CValue::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The interpolated text of a scalar.
    pub fn text(&self) -> Option<&str> {
        self.scalar().map(Scalar::text)
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, CValue::Null)
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, CValue::Map(_))
    }

    /// Compose booleans: `true`/`false` and the YAML 1.1 words compose still accepts.
    pub fn as_bool(&self) -> Option<bool> {
        match self.text()?.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Some(true),
            "false" | "no" | "off" | "0" => Some(false),
            _ => None,
        }
    }

    /// Strings of a sequence, or the single string of a scalar (`command`, `env_file`, ...).
    pub fn strings(&self) -> Vec<&str> {
        match &self.value {
            CValue::Scalar(s) => vec![s.text()],
            CValue::Seq(items) => items.iter().filter_map(CNode::text).collect(),
            _ => Vec::new(),
        }
    }
}

/// Keys whose list form `KEY=VALUE` is a mapping in disguise (merged by key).
const KEY_VALUE_LISTS: [&str; 3] = ["environment", "labels", "annotations"];

/// Normalises one file's service definition before merging: list-form environments and
/// labels become mappings, the short `depends_on` list becomes a mapping whose values are
/// null (no condition), and a string `env_file` becomes a one-item list.
pub fn normalise_service(mut svc: CNode) -> CNode {
    if let CValue::Map(entries) = &mut svc.value {
        for e in entries.iter_mut() {
            match e.key.as_str() {
                k if KEY_VALUE_LISTS.contains(&k) => key_value_list_to_map(&mut e.value),
                "depends_on" => names_to_map(&mut e.value),
                "env_file" => scalar_to_list(&mut e.value),
                "build" => {
                    if let CValue::Map(build) = &mut e.value.value {
                        for b in build.iter_mut().filter(|b| b.key == "args") {
                            key_value_list_to_map(&mut b.value);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    svc
}

fn key_value_list_to_map(node: &mut CNode) {
    let CValue::Seq(items) = &node.value else {
        return;
    };
    let entries = items
        .iter()
        .filter_map(|item| {
            let s = item.scalar()?;
            let (raw_key, raw_value) = match s.raw.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (s.raw.as_str(), None),
            };
            let key = raw_key.trim().to_string();
            let value = match raw_value {
                None => CValue::Null,
                Some(v) => {
                    let text = s
                        .value
                        .text
                        .split_once('=')
                        .map_or(String::new(), |(_, t)| t.to_string());
                    CValue::Scalar(Scalar {
                        raw: v.to_string(),
                        value: Interpolated {
                            text,
                            refs: s.value.refs.clone(),
                        },
                        quoted: s.quoted,
                    })
                }
            };
            let mut value_pos = item.pos.clone();
            if raw_value.is_some() {
                let quote = u32::from(s.quoted);
                value_pos.column += raw_key.chars().count() as u32 + 1 + quote;
            }
            Some(Entry {
                key,
                at: item.pos.clone(),
                value: CNode {
                    value,
                    pos: value_pos,
                },
            })
        })
        .collect();
    node.value = CValue::Map(entries);
}

fn names_to_map(node: &mut CNode) {
    let CValue::Seq(items) = &node.value else {
        return;
    };
    let entries = items
        .iter()
        .filter_map(|item| {
            Some(Entry {
                key: item.text()?.to_string(),
                at: item.pos.clone(),
                value: CNode {
                    value: CValue::Null,
                    pos: item.pos.clone(),
                },
            })
        })
        .collect();
    node.value = CValue::Map(entries);
}

fn scalar_to_list(node: &mut CNode) {
    if matches!(node.value, CValue::Scalar(_)) {
        let item = node.clone();
        node.value = CValue::Seq(vec![item]);
    }
}

/// Sequences that an override replaces rather than extends.
fn replaces_sequence(path: &[&str]) -> bool {
    matches!(
        path,
        [.., "command"] | [.., "entrypoint"] | [.., "healthcheck", "test"] | [.., "profiles"]
    )
}

/// Merges `over` onto `base` (compose merge rules): mappings merge by key, sequences are
/// appended (except commands, which are replaced), scalars and mismatched types are replaced.
/// `path` is the key path of the nodes (for the replace-or-append decision).
pub fn merge(base: CNode, over: CNode, path: &mut Vec<String>) -> CNode {
    match (base.value, over.value) {
        (CValue::Map(mut base_entries), CValue::Map(over_entries)) => {
            for o in over_entries {
                match base_entries.iter().position(|b| b.key == o.key) {
                    Some(i) => {
                        let b = base_entries.remove(i);
                        path.push(o.key.clone());
                        let value = merge(b.value, o.value, path);
                        path.pop();
                        base_entries.insert(
                            i,
                            Entry {
                                key: b.key,
                                at: b.at,
                                value,
                            },
                        );
                    }
                    None => base_entries.push(o),
                }
            }
            CNode {
                value: CValue::Map(base_entries),
                pos: base.pos,
            }
        }
        (CValue::Seq(mut base_items), CValue::Seq(over_items)) => {
            let keys: Vec<&str> = path.iter().map(String::as_str).collect();
            if replaces_sequence(&keys) {
                return CNode {
                    value: CValue::Seq(over_items),
                    pos: over.pos,
                };
            }
            for item in over_items {
                let duplicate = item.text().is_some()
                    && base_items
                        .iter()
                        .any(|b| b.scalar().map(|s| &s.raw) == item.scalar().map(|s| &s.raw));
                if !duplicate {
                    base_items.push(item);
                }
            }
            CNode {
                value: CValue::Seq(base_items),
                pos: base.pos,
            }
        }
        (_, value) => CNode {
            value,
            pos: over.pos,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(text: &str, path: &str) -> CNode {
        let src = SourceText::new(path, text.to_string());
        let docs = vouch_workspace::yaml::parse_str(text).unwrap();
        CNode::from_yaml(&docs[0].root, &src, None)
    }

    #[test]
    fn merge_follows_compose_rules() {
        let base = normalise_service(node(
            "image: app:1\nports: [\"80:80\"]\ncommand: [a, b]\nenvironment:\n  - A=1\n  - B=2\ndepends_on: [db]\n",
            "base.yml",
        ));
        let over = normalise_service(node(
            "image: app:2\nports: [\"9229:9229\"]\ncommand: [c]\nenvironment:\n  B: three\ndepends_on:\n  cache:\n    condition: service_healthy\n",
            "over.yml",
        ));
        let merged = merge(base, over, &mut Vec::new());
        let image = merged.get("image").unwrap();
        assert_eq!(image.text(), Some("app:2"));
        assert_eq!(image.pos.path(), "over.yml");
        assert_eq!(merged.get("ports").unwrap().items().len(), 2);
        assert_eq!(merged.get("command").unwrap().strings(), vec!["c"]);
        let env = merged.get("environment").unwrap();
        assert_eq!(env.get("A").unwrap().text(), Some("1"));
        assert_eq!(env.get("B").unwrap().text(), Some("three"));
        let deps = merged.get("depends_on").unwrap();
        assert!(deps.get("db").unwrap().is_null());
        assert!(deps.get("cache").unwrap().is_map());
    }

    #[test]
    fn list_environment_keeps_value_position_and_refs() {
        let svc = normalise_service(node(
            "environment:\n  - POSTGRES_PASSWORD=${PW}\n  - DEBUG\n",
            "c.yml",
        ));
        let env = svc.get("environment").unwrap();
        let pw = env.get("POSTGRES_PASSWORD").unwrap();
        assert_eq!(pw.scalar().unwrap().raw, "${PW}");
        assert_eq!(pw.scalar().unwrap().refs()[0].name, "PW");
        assert_eq!((pw.pos.line, pw.pos.column), (2, 23));
        assert!(env.get("DEBUG").unwrap().is_null());
    }

    #[test]
    fn masking_without_verbatim_secret() {
        assert_eq!(
            mask_after_separator("      PASSWORD: \"a\\tb\""),
            "      PASSWORD: *****"
        );
        assert_eq!(mask_after_separator("- TOKEN=x"), "- TOKEN= *****");
    }
}
