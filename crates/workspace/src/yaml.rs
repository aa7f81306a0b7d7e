//! YAML 1.2 documents as a small tree with positions, built from saphyr-parser events.
//!
//! Built by hand on top of the event stream (rather than a ready-made DOM) so that every node
//! keeps its line and column, merge keys (`<<`) are resolved, and hostile input stays bounded:
//! alias expansion has a node budget (alias bombs) and nesting has a depth limit.

use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;

/// Maximum nesting depth before a document is rejected.
pub const MAX_DEPTH: usize = 256;
/// Maximum number of nodes in one file, aliases expanded.
pub const MAX_NODES: usize = 2_000_000;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    /// A scalar; `plain` is false for quoted and block scalars (so `"true"` is a string).
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    /// Entries in document order (keys are usually scalars).
    Map(Vec<(Node, Node)>),
}

/// A YAML node with its 1-based line and column.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: u32,
    pub column: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl Node {
    fn new(value: Value, line: u32, column: u32) -> Node {
        Node {
            value,
            line,
            column,
        }
    }

    /// The scalar text (for any scalar, quoted or not); None for null, maps and sequences.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// YAML 1.2 core-schema booleans (plain `true`/`false`, any case) and quoted "true"/"false".
    pub fn as_bool(&self) -> Option<bool> {
        match self.as_str()?.to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        self.as_str()?.trim().parse().ok()
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// Value of `key` in a mapping (scalar keys).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// The key node of `key` (for positions of the key rather than the value).
    pub fn get_key(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, _)| k)
    }

    /// Follows a path of mapping keys: `node.path(&["spec", "template", "spec"])`.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// Iterates mapping entries as `(key text, value)`; non-scalar keys are skipped.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.as_map()
            .unwrap_or(&[])
            .iter()
            .filter_map(|(k, v)| Some((k.as_str()?, v)))
    }

    /// Sequence items, or an empty slice.
    pub fn items(&self) -> &[Node] {
        self.as_seq().unwrap_or(&[])
    }
}

/// One `---` document of a stream.
#[derive(Clone, Debug, PartialEq)]
pub struct YamlDoc {
    pub root: Node,
}

/// Parses every document of a YAML stream.
pub fn parse_str(text: &str) -> Result<Vec<YamlDoc>, YamlError> {
    Builder::default().run(text)
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize)>,
    nodes: usize,
    docs: Vec<YamlDoc>,
}

enum Frame {
    Seq {
        anchor: usize,
        node: Node,
        items: Vec<Node>,
    },
    Map {
        anchor: usize,
        node: Node,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

impl Builder {
    fn run(mut self, text: &str) -> Result<Vec<YamlDoc>, YamlError> {
        let mut parser = Parser::new_from_str(text);
        let mut current: Option<Node> = None;
        while let Some(item) = parser.next_event() {
            let (event, span) = item.map_err(|e| YamlError {
                line: e.marker().line() as u32,
                column: e.marker().col() as u32 + 1,
                message: e.info().to_string(),
            })?;
            let (line, column) = (span.start.line() as u32, span.start.col() as u32 + 1);
            let err = |message: String| YamlError {
                line,
                column,
                message,
            };
            match event {
                Event::DocumentStart(_) => current = None,
                Event::DocumentEnd => {
                    let root = current
                        .take()
                        .unwrap_or_else(|| Node::new(Value::Null, line, column));
                    self.docs.push(YamlDoc { root });
                }
                Event::Scalar(text, style, anchor, _tag) => {
                    let plain = style == ScalarStyle::Plain;
                    let value =
                        if plain && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL") {
                            Value::Null
                        } else {
                            Value::Scalar {
                                text: text.into_owned(),
                                plain,
                            }
                        };
                    self.count(1).map_err(err)?;
                    let node = Node::new(value, line, column);
                    self.remember(anchor, &node, 1);
                    self.push_value(node, &mut current);
                }
                Event::SequenceStart(anchor, _) => {
                    self.open(err)?;
                    let node = Node::new(Value::Null, line, column);
                    self.stack.push(Frame::Seq {
                        anchor,
                        node,
                        items: Vec::new(),
                    });
                }
                Event::MappingStart(anchor, _) => {
                    self.open(err)?;
                    let node = Node::new(Value::Null, line, column);
                    self.stack.push(Frame::Map {
                        anchor,
                        node,
                        entries: Vec::new(),
                        key: None,
                    });
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let (anchor, mut node) = match self.stack.pop() {
                        Some(Frame::Seq {
                            anchor,
                            mut node,
                            items,
                        }) => {
                            node.value = Value::Seq(items);
                            (anchor, node)
                        }
                        Some(Frame::Map {
                            anchor,
                            mut node,
                            entries,
                            ..
                        }) => {
                            node.value = Value::Map(resolve_merge_keys(entries));
                            (anchor, node)
                        }
                        None => return Err(err("unbalanced collection end".into())),
                    };
                    self.count(1).map_err(err)?;
                    if anchor != 0 {
                        let size = subtree_size(&node);
                        self.anchors.insert(anchor, (node.clone(), size));
                    }
                    node.line = node.line.max(1);
                    self.push_value(node, &mut current);
                }
                Event::Alias(id) => {
                    let Some((target, size)) = self.anchors.get(&id).cloned() else {
                        return Err(err("alias to an unknown anchor".into()));
                    };
                    self.count(size).map_err(err)?;
                    let mut copy = target;
                    copy.line = line;
                    copy.column = column;
                    self.push_value(copy, &mut current);
                }
                Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
            }
        }
        Ok(self.docs)
    }

    fn open(&self, err: impl Fn(String) -> YamlError) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(err(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    fn count(&mut self, n: usize) -> Result<(), String> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(format!(
                "more than {MAX_NODES} nodes once aliases are expanded (alias bomb?)"
            ));
        }
        Ok(())
    }

    fn remember(&mut self, anchor: usize, node: &Node, size: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
    }

    fn push_value(&mut self, node: Node, current: &mut Option<Node>) {
        match self.stack.last_mut() {
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
            None => *current = Some(node),
        }
    }
}

fn subtree_size(node: &Node) -> usize {
    match &node.value {
        Value::Seq(items) => 1 + items.iter().map(subtree_size).sum::<usize>(),
        Value::Map(entries) => {
            1 + entries
                .iter()
                .map(|(k, v)| subtree_size(k) + subtree_size(v))
                .sum::<usize>()
        }
        _ => 1,
    }
}

/// `<<: *base` and `<<: [*a, *b]`: merged entries come first; explicit keys win.
fn resolve_merge_keys(entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
    let is_merge =
        |k: &Node| matches!(&k.value, Value::Scalar { text, plain: true } if text == "<<");
    if !entries.iter().any(|(k, _)| is_merge(k)) {
        return entries;
    }
    let mut explicit = Vec::new();
    let mut merged: Vec<(Node, Node)> = Vec::new();
    for (k, v) in entries {
        if !is_merge(&k) {
            explicit.push((k, v));
            continue;
        }
        let sources: Vec<Node> = match v.value {
            Value::Map(_) => vec![v],
            Value::Seq(items) => items,
            _ => continue,
        };
        for src in sources {
            if let Value::Map(src_entries) = src.value {
                for (sk, sv) in src_entries {
                    if !merged.iter().any(|(mk, _)| mk.value == sk.value) {
                        merged.push((sk, sv));
                    }
                }
            }
        }
    }
    merged.retain(|(mk, _)| !explicit.iter().any(|(ek, _)| ek.value == mk.value));
    merged.extend(explicit);
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_lookup() {
        let docs = parse_str("a: 1\nb:\n  c: [x, 'y']\n---\n- z\n").unwrap();
        assert_eq!(docs.len(), 2);
        let c = docs[0].root.path(&["b", "c"]).unwrap();
        assert_eq!((c.line, c.column), (3, 6));
        assert_eq!(c.items()[1].as_str(), Some("y"));
        assert_eq!(docs[0].root.get("a").unwrap().as_i64(), Some(1));
        assert_eq!(docs[1].root.items()[0].as_str(), Some("z"));
    }

    #[test]
    fn merge_keys_and_anchors() {
        let text = "base: &b\n  restart: always\n  mem: 1g\nsvc:\n  <<: *b\n  mem: 2g\n";
        let docs = parse_str(text).unwrap();
        let svc = docs[0].root.get("svc").unwrap();
        assert_eq!(svc.get("restart").unwrap().as_str(), Some("always"));
        assert_eq!(svc.get("mem").unwrap().as_str(), Some("2g"));
    }

    #[test]
    fn null_and_quoted_scalars() {
        let docs = parse_str("a: ~\nb: 'true'\nc:\n").unwrap();
        assert!(docs[0].root.get("a").unwrap().is_null());
        assert_eq!(docs[0].root.get("b").unwrap().as_bool(), Some(true));
        assert!(docs[0].root.get("c").unwrap().is_null());
    }

    #[test]
    fn alias_bomb_is_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let err = parse_str(&text).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{err}");
    }

    #[test]
    fn deep_nesting_is_rejected_not_overflowed() {
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let err = parse_str(&text).unwrap_err();
        assert!(
            err.message.contains("nesting") || err.message.contains("recursion limit"),
            "{err}"
        );
    }

    #[test]
    fn syntax_error_has_position() {
        let err = parse_str("a: [1, 2\nb: c\n").unwrap_err();
        assert!(err.line >= 1);
        assert!(!err.message.is_empty());
    }
}
