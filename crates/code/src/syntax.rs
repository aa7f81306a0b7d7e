//! Small helpers over tree-sitter nodes shared by the language extractors. Traversal is
//! iterative (a cursor, not recursion): a 10,000-deep nesting must not overflow the stack.

use crate::model::Pos;
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
}
