//! One Kubernetes object as the controls see it, whatever produced it: a plain manifest, a
//! Kustomize overlay (base merged with patches) or a rendered Helm template.
//!
//! An object's nodes may come from several files (a base and its patch, a template and its
//! values.yaml). Each node's line is therefore *encoded*: `source index * STRIDE + line`, and
//! the object keeps the list of sources, so a finding always points at the file and line that
//! hold the value.

use crate::evidence::finding_at;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use vouch_core::Finding;
use vouch_workspace::{Node, SourceText, Value};

/// Lines per source in the encoding (files parsed are at most 4 MiB, so fewer lines).
pub const STRIDE: u32 = 1 << 23;

/// Marks a value Helm templating hides (an expression vouch cannot evaluate).
pub const UNKNOWN: &str = "__VOUCH_UNKNOWN__";
/// Prefix of a symbolic value: unknown content, but the same expression gives the same text
/// everywhere in one chart (`include "app.fullname" .`, `.Release.Name`), so it can be compared.
pub const SYM: &str = "__VOUCH_SYM_";
/// A sequence item standing for entries templating inserts (`{{- include ... | nindent }}`).
pub const HOLE: &str = "__VOUCH_HOLE__";
/// Prefix of a mapping key standing for entries templating inserts.
pub const HOLE_KEY: &str = "__vouch_hole_";

/// Sources an object can name (far more than any patch chain uses).
const MAX_SOURCES: usize = (u32::MAX / STRIDE) as usize - 1;

pub fn encode(source: usize, line: u32) -> u32 {
    source.min(MAX_SOURCES) as u32 * STRIDE + line % STRIDE
}

pub fn decode(line: u32) -> (usize, u32) {
    ((line / STRIDE) as usize, line % STRIDE)
}

/// Shifts every line of a subtree into source `source` (used when grafting a patch's nodes).
pub fn reencode(node: &mut Node, source: usize) {
    node.line = encode(source, node.line % STRIDE);
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|n| reencode(n, source)),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            reencode(k, source);
            reencode(v, source);
        }),
        _ => {}
    }
}

/// Where an object came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Manifest,
    /// Rendered from a Helm chart (its directory, `""` at the root).
    Helm {
        chart: String,
    },
    /// A Kustomize build rooted at this kustomization directory.
    Kustomize {
        root: String,
    },
}

/// What a scalar holds once templating is taken into account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Text<'a> {
    Known(&'a str),
    /// Unknown content that compares equal to the same expression elsewhere in the chart.
    Symbolic(&'a str),
    Unknown,
}

/// A mapping key looked up on an object.
#[derive(Clone, Copy, Debug)]
pub enum Field<'a> {
    Present(&'a Node),
    Absent,
    /// Templating hides whether (or with what value) the key is set; the node says where.
    Unknown(&'a Node),
}

impl<'a> Field<'a> {
    pub fn present(self) -> Option<&'a Node> {
        match self {
            Field::Present(n) => Some(n),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Object {
    pub kind: String,
    pub api_version: String,
    /// `metadata.name` as written (may be symbolic for Helm).
    pub name: Option<String>,
    /// Explicit or Kustomize-assigned namespace.
    pub namespace: Option<String>,
    pub root: Node,
    /// `sources[0]` declares the object; others hold patches or values.
    pub sources: Vec<Arc<SourceText>>,
    /// Encoded lines whose content depends on templating vouch cannot evaluate.
    pub uncertain: HashSet<u32>,
    /// Encoded template line → encoded positions (line, column) in values files of the values
    /// substituted inline on it (so secret findings can point at values.yaml).
    pub value_origins: HashMap<u32, Vec<(u32, u32)>>,
    pub origin: Origin,
    /// Set when the whole object is rendered only under a condition vouch cannot evaluate.
    pub conditional: Option<String>,
}

impl Object {
    pub fn plain(kind: &str, api_version: &str, root: Node, src: Arc<SourceText>) -> Object {
        let mut obj = Object {
            kind: kind.to_string(),
            api_version: api_version.to_string(),
            name: None,
            namespace: None,
            root,
            sources: vec![src],
            uncertain: HashSet::new(),
            value_origins: HashMap::new(),
            origin: Origin::Manifest,
            conditional: None,
        };
        obj.refresh_identity();
        obj
    }

    /// Re-reads name and namespace from the tree (after patches).
    pub fn refresh_identity(&mut self) {
        self.name = self
            .root
            .path(&["metadata", "name"])
            .and_then(Node::as_str)
            .map(str::to_string);
        self.namespace = self
            .root
            .path(&["metadata", "namespace"])
            .and_then(Node::as_str)
            .map(str::to_string);
    }

    /// The file that declares the object.
    pub fn path(&self) -> &str {
        &self.sources[0].path
    }

    /// Source, line and column of a node.
    pub fn locate(&self, node: &Node) -> (&SourceText, u32, u32) {
        let (src, line) = decode(node.line);
        let src = self.sources.get(src).unwrap_or(&self.sources[0]);
        (src, line, node.column)
    }

    /// `path:line` of a node, for reasons and messages.
    pub fn at(&self, node: &Node) -> String {
        let (src, line, _) = self.locate(node);
        format!("{}:{line}", src.path)
    }

    pub fn finding(&self, node: &Node, message: impl Into<String>) -> Finding {
        let (src, line, column) = self.locate(node);
        finding_at(src, line, column, message)
    }

    /// A finding whose snippet has `secret` redacted.
    pub fn finding_redacted(
        &self,
        node: &Node,
        message: impl Into<String>,
        secret: &str,
    ) -> Finding {
        let (src, line, column) = self.locate(node);
        let snippet = crate::evidence::redact_value(src.line(line as usize), secret);
        finding_at(src, line, column, message).with_snippet(snippet)
    }

    /// A finding about the object as a whole (something missing): at its `metadata.name` line,
    /// whose snippet tells objects of one file apart (and keeps fingerprints distinct).
    pub fn finding_here(&self, message: impl Into<String>) -> Finding {
        let node = self
            .root
            .get("metadata")
            .and_then(|m| m.get_key("name"))
            .or_else(|| self.root.get_key("kind"))
            .unwrap_or(&self.root);
        self.finding(node, message)
    }

    /// Where a finding about `key` of `map` points: the key, or — when templating took the
    /// value from another file (values.yaml) — the value, where it must be fixed.
    pub fn place<'a>(&self, map: &'a Node, key: &str) -> Option<&'a Node> {
        let (k, v) = map
            .as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))?;
        Some(if decode(k.line).0 != decode(v.line).0 {
            v
        } else {
            k
        })
    }

    /// Reason text for an Unknown outcome caused by templating at `node`.
    pub fn unknown_reason(&self, node: &Node, what: &str) -> String {
        format!(
            "{}: {what} of {} depends on templating vouch cannot evaluate",
            self.at(node),
            self.display()
        )
    }

    pub fn is_uncertain(&self, node: &Node) -> bool {
        self.uncertain.contains(&node.line)
    }

    /// The scalar's text, telling templated values apart.
    pub fn text<'a>(&self, node: &'a Node) -> Text<'a> {
        let Some(s) = node.as_str() else {
            return Text::Unknown;
        };
        // `{{ ... }}` left in a plain manifest: another templating tool fills it in.
        let foreign_template = s.contains("{{") && s.contains("}}");
        if s.contains(UNKNOWN) || s == HOLE || foreign_template || self.is_uncertain(node) {
            Text::Unknown
        } else if s.contains(SYM) {
            Text::Symbolic(s)
        } else {
            Text::Known(s)
        }
    }

    /// Looks `key` up in `map`, saying Unknown where templating may hide or change it.
    pub fn field<'a>(&self, map: &'a Node, key: &str) -> Field<'a> {
        if let Some(entries) = map.as_map() {
            if let Some((k, v)) = entries.iter().find(|(k, _)| k.as_str() == Some(key)) {
                if self.is_uncertain(k) || v.as_str().is_some_and(|s| s.contains(UNKNOWN)) {
                    return Field::Unknown(v);
                }
                return Field::Present(v);
            }
            if has_holes(map) {
                return Field::Unknown(map);
            }
            return Field::Absent;
        }
        match map.as_str() {
            Some(s) if s.contains(UNKNOWN) || s == HOLE => Field::Unknown(map),
            _ => Field::Absent,
        }
    }

    /// Follows a path of keys; the first Absent/Unknown step ends the walk.
    pub fn field_path<'a>(&self, mut node: &'a Node, keys: &[&str]) -> Field<'a> {
        for key in keys {
            match self.field(node, key) {
                Field::Present(n) => node = n,
                other => return other,
            }
        }
        Field::Present(node)
    }

    /// `Kind name` for messages, templated names shown readably.
    pub fn display(&self) -> String {
        match &self.name {
            Some(n) => format!("{} `{}`", self.kind, readable(n)),
            None => self.kind.clone(),
        }
    }

    /// The encoded values positions substituted inline on `node`'s line.
    pub fn values_at(&self, node: &Node) -> &[(u32, u32)] {
        self.value_origins
            .get(&node.line)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// ` (set in chart/values.yaml:8)` when Helm substituted values on the node's line.
    pub fn values_note(&self, node: &Node) -> String {
        let places: Vec<String> = self
            .values_at(node)
            .iter()
            .map(|&(line, _)| {
                let (src, line) = decode(line);
                let path = self.sources.get(src).map_or("?", |s| s.path.as_str());
                format!("{path}:{line}")
            })
            .collect();
        if places.is_empty() {
            String::new()
        } else {
            format!(" (set in {})", places.join(", "))
        }
    }

    /// Same kind and name in the same (or an unspecified) namespace.
    pub fn same_namespace(&self, other: &Object) -> bool {
        match (&self.namespace, &other.namespace) {
            (Some(a), Some(b)) => a == b || a.contains(UNKNOWN) || b.contains(UNKNOWN),
            _ => true,
        }
    }
}

/// A map with entries templating inserts (a `{{ include }}` vouch could not expand).
pub fn has_holes(map: &Node) -> bool {
    map.entries().any(|(k, _)| k.starts_with(HOLE_KEY))
}

/// Whether a node is (or stands for) templated content.
pub fn is_hole(node: &Node) -> bool {
    node.as_str() == Some(HOLE)
}

/// A templated value made readable for messages: symbols become `<helper>`.
pub fn readable(s: &str) -> String {
    let mut out = s.replace(UNKNOWN, "<templated>");
    while let Some(start) = out.find(SYM) {
        let rest = &out[start + SYM.len()..];
        let end = rest.find("__").unwrap_or(rest.len());
        let name = rest[..end].to_string();
        let tail = rest.get(end + 2..).unwrap_or("").to_string();
        out = format!("{}<{}>{}", &out[..start], name, tail);
    }
    out
}

/// Structural equality ignoring positions.
pub fn same_value(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Null, Value::Null) => true,
        (Value::Scalar { text: x, .. }, Value::Scalar { text: y, .. }) => x == y,
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_value(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| {
                    y.iter()
                        .any(|(k2, v2)| same_value(k, k2) && same_value(v, v2))
                })
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_round_trips() {
        assert_eq!(decode(encode(3, 41)), (3, 41));
        assert_eq!(decode(17), (0, 17));
    }

    #[test]
    fn readable_symbols() {
        assert_eq!(
            readable("__VOUCH_SYM_app.fullname__-worker"),
            "<app.fullname>-worker"
        );
        assert_eq!(readable("x-__VOUCH_UNKNOWN__"), "x-<templated>");
    }
}
