//! Small helpers over tree-sitter nodes shared by the language extractors. Traversal is
//! iterative (a cursor, not recursion): a 10,000-deep nesting must not overflow the stack.

use crate::model::Pos;
use std::cell::RefCell;
use std::collections::HashMap;
use tree_sitter::Node;

/// 1-based position of the node's start.
pub fn pos(node: Node<'_>) -> Pos {
    let p = node.start_position();
    Pos {
        line: p.row as u32 + 1,
        column: p.column as u32 + 1,
    }
}

/// The node's source text ("" when it is not valid UTF-8).
pub fn text<'a>(node: Node<'_>, src: &'a [u8]) -> &'a str {
    node.utf8_text(src).unwrap_or("")
}

/// Pre-order walk of `root`'s subtree. `visit` returns whether to descend into the node.
pub fn walk<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>) -> bool) {
    let mut cursor = root.walk();
    let mut descend = visit(cursor.node());
    loop {
        if descend && cursor.goto_first_child() {
            descend = visit(cursor.node());
            continue;
        }
        loop {
            if cursor.node() == root {
                return;
            }
            if cursor.goto_next_sibling() {
                descend = visit(cursor.node());
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// Every node of `kind` in `root`'s subtree (pre-order).
pub fn descendants_of_kind<'t>(root: Node<'t>, kind: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    walk(root, |n| {
        if n.kind() == kind {
            out.push(n);
        }
        true
    });
    out
}

/// The nearest ancestor (not the node itself) whose kind is one of `kinds`.
pub fn ancestor_of_kind<'t>(node: Node<'t>, kinds: &[&str]) -> Option<Node<'t>> {
    let mut current = node.parent();
    while let Some(n) = current {
        if kinds.contains(&n.kind()) {
            return Some(n);
        }
        current = n.parent();
    }
    None
}

/// Every node of one file's tree in pre-order, built in one cursor walk, so extractors ask
/// "which nodes of these kinds lie under this node" and "which ancestor has this kind" without
/// walking the tree again (tree-sitter's `Node::parent` descends from the root on every call).
pub struct NodeIndex<'t> {
    /// All nodes, pre-order (so start bytes never decrease).
    nodes: Vec<Node<'t>>,
    /// Exclusive end of each node's subtree in `nodes`.
    ends: Vec<u32>,
    /// Index of each node's parent (`NONE` for the root).
    parents: Vec<u32>,
    /// Positions of the nodes of each kind name, ascending.
    by_kind: HashMap<&'static str, Vec<u32>>,
    /// Each node's kind name (`Node::kind` converts the C string on every call).
    kinds: Vec<&'static str>,
}

const NONE: u32 = u32::MAX;

impl<'t> NodeIndex<'t> {
    pub fn new(root: Node<'t>) -> NodeIndex<'t> {
        let mut nodes = Vec::new();
        let mut parents = Vec::new();
        let mut open: Vec<u32> = Vec::new();
        let mut by_id: Vec<Vec<u32>> = Vec::new();
        let mut ids: Vec<u16> = Vec::new();
        let mut cursor = root.walk();
        loop {
            let node = cursor.node();
            let at = nodes.len() as u32;
            nodes.push(node);
            parents.push(open.last().copied().unwrap_or(NONE));
            // ERROR nodes have the last symbol id: give them the slot after the grammar's.
            let id = match node.kind_id() {
                u16::MAX => root.language().node_kind_count(),
                id => id as usize,
            };
            if by_id.len() <= id {
                by_id.resize_with(id + 1, Vec::new);
            }
            by_id[id].push(at);
            ids.push(id as u16);
            if cursor.goto_first_child() {
                open.push(at);
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if open.pop().is_none() || !cursor.goto_parent() {
                    return NodeIndex::finish(nodes, parents, by_id, &ids, root);
                }
            }
        }
    }

    fn finish(
        nodes: Vec<Node<'t>>,
        parents: Vec<u32>,
        by_id: Vec<Vec<u32>>,
        ids: &[u16],
        root: Node<'t>,
    ) -> NodeIndex<'t> {
        // A subtree ends where the next node that is not inside it starts: close each node
        // when a later node's parent chain no longer contains it.
        let mut ends = vec![nodes.len() as u32; nodes.len()];
        let mut open: Vec<u32> = Vec::new();
        for (i, &parent) in parents.iter().enumerate() {
            while let Some(&top) = open.last() {
                if top == parent {
                    break;
                }
                ends[top as usize] = i as u32;
                open.pop();
            }
            open.push(i as u32);
        }
        let language = root.language();
        let mut by_kind: HashMap<&'static str, Vec<u32>> = HashMap::new();
        let mut names: Vec<&'static str> = vec![""; by_id.len()];
        for (id, positions) in by_id.into_iter().enumerate() {
            if positions.is_empty() {
                continue;
            }
            let name = if id >= language.node_kind_count() {
                "ERROR"
            } else {
                match language.node_kind_for_id(id as u16) {
                    Some(name) => name,
                    None => continue,
                }
            };
            names[id] = name;
            let entry = by_kind.entry(name).or_default();
            if entry.is_empty() {
                *entry = positions;
            } else {
                // Two symbols sharing a name (a keyword and a rule): keep one sorted list.
                entry.extend(positions);
                entry.sort_unstable();
            }
        }
        let kinds = ids.iter().map(|&id| names[id as usize]).collect();
        NodeIndex {
            nodes,
            ends,
            parents,
            by_kind,
            kinds,
        }
    }

    /// The root the index was built from.
    pub fn root(&self) -> Node<'t> {
        self.nodes[0]
    }

    /// Position of `node` in pre-order (`None` for a node of another tree).
    fn position(&self, node: Node<'t>) -> Option<usize> {
        let start = node.start_byte();
        let first = self.nodes.partition_point(|n| n.start_byte() < start);
        self.nodes[first..]
            .iter()
            .take_while(|n| n.start_byte() == start)
            .position(|n| *n == node)
            .map(|i| first + i)
    }

    /// Every node of one of `kinds` in `root`'s subtree, `root` included, in pre-order (what
    /// [`walk`] would visit).
    pub fn of_kinds(&self, root: Node<'t>, kinds: &[&str]) -> Vec<Node<'t>> {
        let Some(at) = self.position(root) else {
            let mut out = Vec::new();
            walk(root, |n| {
                if kinds.contains(&n.kind()) {
                    out.push(n);
                }
                true
            });
            return out;
        };
        let (from, to) = (at as u32, self.ends[at]);
        let mut positions: Vec<u32> = Vec::new();
        let mut lists = 0;
        for kind in kinds {
            if let Some(list) = self.by_kind.get(kind) {
                let lo = list.partition_point(|&p| p < from);
                let hi = list.partition_point(|&p| p < to);
                if lo < hi {
                    positions.extend_from_slice(&list[lo..hi]);
                    lists += 1;
                }
            }
        }
        if lists > 1 {
            positions.sort_unstable();
            positions.dedup();
        }
        positions.iter().map(|&p| self.nodes[p as usize]).collect()
    }

    /// Every node of `kind` in `root`'s subtree, `root` included, in pre-order.
    pub fn of_kind(&self, root: Node<'t>, kind: &str) -> Vec<Node<'t>> {
        self.of_kinds(root, &[kind])
    }

    /// The node's parent (same as `Node::parent`, without descending from the root).
    pub fn parent(&self, node: Node<'t>) -> Option<Node<'t>> {
        match self.position(node) {
            Some(at) => self.node_at(self.parents[at]),
            None => node.parent(),
        }
    }

    /// The node's ancestors, nearest first (the node itself excluded).
    pub fn ancestors(&self, node: Node<'t>) -> impl Iterator<Item = Node<'t>> + '_ {
        let mut at = self.position(node).map(|p| self.parents[p]);
        // A node of another tree climbs with tree-sitter's own parent links.
        let mut foreign = if at.is_none() { node.parent() } else { None };
        std::iter::from_fn(move || match at {
            Some(p) => {
                let node = self.node_at(p)?;
                at = Some(self.parents[p as usize]);
                Some(node)
            }
            None => {
                let node = foreign?;
                foreign = node.parent();
                Some(node)
            }
        })
    }

    /// The nearest ancestor (not the node itself) whose kind is one of `kinds`.
    pub fn ancestor_of_kind(&self, node: Node<'t>, kinds: &[&str]) -> Option<Node<'t>> {
        let Some(at) = self.position(node) else {
            return self.ancestors(node).find(|n| kinds.contains(&n.kind()));
        };
        let mut p = self.parents[at];
        while p != NONE {
            if kinds.contains(&self.kinds[p as usize]) {
                return self.node_at(p);
            }
            p = self.parents[p as usize];
        }
        None
    }

    /// Whether `node` lies strictly inside `outer`'s subtree (what a walk that does not descend
    /// into `outer` would skip).
    pub fn is_inside(&self, node: Node<'t>, outer: Node<'t>) -> bool {
        match (self.position(node), self.position(outer)) {
            (Some(n), Some(o)) => o < n && n < self.ends[o] as usize,
            _ => self.ancestors(node).any(|a| a == outer),
        }
    }

    fn node_at(&self, at: u32) -> Option<Node<'t>> {
        (at != NONE).then(|| self.nodes[at as usize])
    }
}

thread_local! {
    /// Field ids by (grammar address, field name address and length): a field name is a string
    /// literal, so its address identifies it without comparing bytes.
    static FIELD_IDS: RefCell<HashMap<(usize, usize, usize), Option<u16>>> =
        RefCell::new(HashMap::new());
}

/// `Node::child_by_field_name` with the field's id looked up once per grammar and thread:
/// tree-sitter otherwise compares the name with every field name of the grammar on each call.
pub trait FieldChild<'t> {
    fn field(&self, name: &'static str) -> Option<Node<'t>>;
}

impl<'t> FieldChild<'t> for Node<'t> {
    fn field(&self, name: &'static str) -> Option<Node<'t>> {
        let language = self.language();
        let key = (
            grammar_address(&language),
            name.as_ptr() as usize,
            name.len(),
        );
        let id = FIELD_IDS.with(|ids| {
            *ids.borrow_mut()
                .entry(key)
                .or_insert_with(|| language.field_id_for_name(name).map(|id| id.get()))
        });
        id.and_then(|id| self.child_by_field_id(id))
    }
}

/// The address of a grammar's static table, its identity. `Language::name` would do, but
/// grammars generated for ABI 14 (TypeScript, Java) have no name; `Language` hashes exactly
/// its table pointer, which this hasher keeps.
fn grammar_address(language: &tree_sitter::Language) -> usize {
    #[derive(Default)]
    struct Address(usize);
    impl std::hash::Hasher for Address {
        fn finish(&self) -> u64 {
            self.0 as u64
        }
        fn write(&mut self, bytes: &[u8]) {
            // Not reached for a pointer; fold bytes in so the value still identifies them.
            for b in bytes {
                self.0 = self.0.rotate_left(8) ^ usize::from(*b);
            }
        }
        fn write_usize(&mut self, value: usize) {
            self.0 = value;
        }
    }
    let mut hasher = Address::default();
    std::hash::Hash::hash(language, &mut hasher);
    hasher.0
}

/// Strips the quotes (and Python string prefixes) of a string literal's source text.
pub fn unquote(literal: &str) -> &str {
    let prefix_len = literal
        .find(['"', '\'', '`'])
        .filter(|&i| i <= 3 && literal[..i].chars().all(|c| "rRbBuUfF".contains(c)))
        .unwrap_or(0);
    let s = &literal[prefix_len..];
    for q in ["\"\"\"", "'''", "\"", "'", "`"] {
        if s.len() >= 2 * q.len() && s.starts_with(q) && s.ends_with(q) {
            return &s[q.len()..s.len() - q.len()];
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquote_strips_prefixes_and_quotes() {
        assert_eq!(unquote("\"abc\""), "abc");
        assert_eq!(unquote("'''x'''"), "x");
        assert_eq!(unquote("r'\\d+'"), "\\d+");
        assert_eq!(unquote("`t`"), "t");
        assert_eq!(unquote("bare"), "bare");
    }

    #[test]
    fn walk_survives_deep_nesting() {
        let depth = 10_000;
        let src = format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth));
        let tree = crate::parse::parse(crate::Language::Python, src.as_bytes()).expect("parses");
        let mut count = 0usize;
        walk(tree.root_node(), |_| {
            count += 1;
            true
        });
        assert!(count > depth, "visited {count} nodes");
    }

    /// The index answers exactly what walking the tree answers, for every node and kind.
    fn assert_index_matches_walk(language: crate::Language, src: &str) {
        let tree = crate::parse::parse(language, src.as_bytes()).expect("parses");
        let root = tree.root_node();
        let index = NodeIndex::new(root);
        let mut all = Vec::new();
        walk(root, |n| {
            all.push(n);
            true
        });
        let mut kinds: Vec<&str> = all.iter().map(|n| n.kind()).collect();
        kinds.sort();
        kinds.dedup();
        for &node in &all {
            assert_eq!(index.parent(node), node.parent(), "parent of {node:?}");
            let climbed: Vec<_> = index.ancestors(node).collect();
            let mut expected = Vec::new();
            let mut up = node.parent();
            while let Some(n) = up {
                expected.push(n);
                up = n.parent();
            }
            assert_eq!(climbed, expected);
            for kind in &kinds {
                assert_eq!(
                    index.ancestor_of_kind(node, &[kind]),
                    ancestor_of_kind(node, &[kind]),
                    "{kind} above {node:?}"
                );
            }
            for &other in &all {
                assert_eq!(index.is_inside(node, other), expected.contains(&other));
            }
            for kind in &kinds {
                assert_eq!(index.of_kind(node, kind), descendants_of_kind(node, kind));
            }
            let pair = [kinds[0], kinds[kinds.len() / 2]];
            let mut both = Vec::new();
            walk(node, |n| {
                if pair.contains(&n.kind()) {
                    both.push(n);
                }
                true
            });
            assert_eq!(index.of_kinds(node, &pair), both);
        }
    }

    #[test]
    fn field_matches_child_by_field_name() {
        let cases = [
            (
                crate::Language::TypeScript,
                "const a = f(x).g<T>(y); class C { m(p) { return p.q; } }",
            ),
            (
                crate::Language::JavaScript,
                "app.get('/a', (req, res) => res.json({ k: req.body }));",
            ),
            (crate::Language::Python, "def f(a):\n    return g(a)[1]\n"),
            (
                crate::Language::Java,
                "class A { int m(int p) { return p.q(1); } }",
            ),
            (
                crate::Language::Rust,
                "fn f(a: u8) -> u8 { g(a).h::<T>(1) }",
            ),
            (
                crate::Language::Go,
                "package m\nfunc f(a int) int { return g(a).h(1) }\n",
            ),
        ];
        let fields = [
            "function",
            "arguments",
            "object",
            "property",
            "name",
            "value",
            "body",
            "left",
            "right",
            "parameters",
            "key",
            "constructor",
            "type_arguments",
            "no_such_field",
            "type",
            "declarator",
            "operand",
            "field",
            "return_type",
        ];
        for (language, src) in cases {
            let tree = crate::parse::parse(language, src.as_bytes()).expect("parses");
            let mut checked = 0;
            walk(tree.root_node(), |n| {
                for name in fields {
                    assert_eq!(
                        n.field(name),
                        n.child_by_field_name(name),
                        "{name} of {n:?}"
                    );
                    checked += usize::from(n.field(name).is_some());
                }
                true
            });
            assert!(checked > 3, "{language:?}: only {checked} fields found");
        }
    }

    #[test]
    fn grammar_address_tells_grammars_apart() {
        let address = |language: crate::Language, src: &str| {
            let tree = crate::parse::parse(language, src.as_bytes()).expect("parses");
            grammar_address(&tree.root_node().language())
        };
        let ts = address(crate::Language::TypeScript, "f(1)");
        assert_eq!(ts, address(crate::Language::TypeScript, "let a = 2;"));
        assert_ne!(ts, address(crate::Language::Java, "class A {}"));
        assert_ne!(ts, address(crate::Language::JavaScript, "f(1)"));
        assert_ne!(ts, 0);
    }

    #[test]
    fn node_index_matches_walking_the_tree() {
        assert_index_matches_walk(
            crate::Language::Python,
            "import os\n@app.get('/x')\ndef f(a, b=1):\n    return g(a)[b] + 'x'\n",
        );
        // Syntax errors and missing tokens are nodes too.
        assert_index_matches_walk(crate::Language::Python, "def f(:\n  x = (1,\n");
        assert_index_matches_walk(
            crate::Language::Java,
            "class A { @GetMapping(\"/a\") String a(int x) { return \"\" + x; } }",
        );
    }
}
