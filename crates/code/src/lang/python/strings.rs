//! Whether a string is built from values the caller controls: f-strings, `%`, `.format` and
//! `+` over non-constant values, followed through local assignments. Values from a fixed
//! allow-list, constants, numbers and placeholder lists (`", ".join(["%s"] * n)`) are safe.

use super::ctx::{args, callee, enclosing_function, literal, method, receiver};
use crate::syntax;
use crate::syntax::FieldChild;
use tree_sitter::Node;

/// How a string is built from non-constant input, with the source text of the template
/// (so callers can check it looks like SQL or a command), or None when it is constant.
pub struct Built {
    pub how: &'static str,
    pub template: String,
}

/// Follows `node` (and local variables assigned to it, up to a few hops).
pub fn dynamic_string(node: Node<'_>, src: &[u8]) -> Option<Built> {
    dynamic_at(node, src, 0)
}

fn dynamic_at(node: Node<'_>, src: &[u8], depth: u8) -> Option<Built> {
    if depth > 4 {
        return None;
    }
    let built = |how| {
        Some(Built {
            how,
            template: syntax::text(node, src).to_string(),
        })
    };
    match node.kind() {
        "string" => {
            let mut cursor = node.walk();
            let unsafe_part = node
                .named_children(&mut cursor)
                .filter(|c| c.kind() == "interpolation")
                .filter_map(|i| i.field("expression"))
                .any(|e| !is_safe(e, src, depth));
            if unsafe_part {
                built("an f-string")
            } else {
                None
            }
        }
        "binary_operator" => {
            let op = node
                .field("operator")
                .map(|o| syntax::text(o, src))
                .unwrap_or("");
            let left = node.field("left")?;
            let right = node.field("right")?;
            match op {
                "%" if is_text(left, src) => {
                    let operands: Vec<Node<'_>> = if right.kind() == "tuple" {
                        let mut c = right.walk();
                        right.named_children(&mut c).collect()
                    } else {
                        vec![right]
                    };
                    operands
                        .iter()
                        .any(|o| !is_safe(*o, src, depth))
                        .then(|| Built {
                            how: "%-formatting",
                            template: syntax::text(node, src).to_string(),
                        })
                }
                "+" => {
                    let mut parts = Vec::new();
                    flatten_plus(node, src, &mut parts);
                    let has_text = parts.iter().any(|p| is_text(*p, src));
                    let nested = parts
                        .iter()
                        .find_map(|p| dynamic_at(*p, src, depth + 1))
                        .is_some();
                    (has_text && (nested || parts.iter().any(|p| !is_safe(*p, src, depth)))).then(
                        || Built {
                            how: "string concatenation",
                            template: syntax::text(node, src).to_string(),
                        },
                    )
                }
                _ => None,
            }
        }
        "call" => {
            let name = method(node, src);
            if name == "format" && receiver(node).is_some_and(|r| is_text(r, src)) {
                let list = node.field("arguments")?;
                let mut cursor = list.walk();
                let unsafe_arg = list.named_children(&mut cursor).any(|a| {
                    let v = a.field("value").unwrap_or(a);
                    !is_safe(v, src, depth)
                });
                return if unsafe_arg {
                    built("str.format")
                } else {
                    None
                };
            }
            // `text(f"...")`, `sql.SQL(...)`: the wrapped string decides.
            if matches!(name, "text" | "literal_column" | "TextClause") {
                return args(node)
                    .first()
                    .and_then(|a| dynamic_at(*a, src, depth + 1));
            }
            None
        }
        "identifier" => {
            let assigned = local_assignments(node, src);
            assigned
                .into_iter()
                .find_map(|v| dynamic_at(v, src, depth + 1))
        }
        "parenthesized_expression" => node
            .named_child(0)
            .and_then(|c| dynamic_at(c, src, depth + 1)),
        _ => None,
    }
}

fn flatten_plus<'t>(node: Node<'t>, src: &[u8], out: &mut Vec<Node<'t>>) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        let is_plus = n.kind() == "binary_operator"
            && n.field("operator")
                .is_some_and(|o| syntax::text(o, src) == "+");
        if is_plus && out.len() < 64 {
            if let Some(r) = n.field("right") {
                stack.push(r);
            }
            if let Some(l) = n.field("left") {
                stack.push(l);
            }
        } else {
            out.push(n);
        }
    }
}

/// A string literal or f-string.
fn is_text(node: Node<'_>, _src: &[u8]) -> bool {
    matches!(node.kind(), "string" | "concatenated_string")
}

/// Right-hand sides of assignments (`x = ...`, `x += ...`) to the identifier `node` in its
/// enclosing function (or module) before the use.
pub fn local_assignments<'t>(node: Node<'t>, src: &[u8]) -> Vec<Node<'t>> {
    let name = syntax::text(node, src);
    let scope = enclosing_function(node).unwrap_or_else(|| {
        let mut top = node;
        while let Some(p) = top.parent() {
            top = p;
        }
        top
    });
    let mut out = Vec::new();
    let before = node.start_byte();
    syntax::walk(scope, |n| {
        if n.start_byte() >= before {
            return false;
        }
        if matches!(n.kind(), "assignment" | "augmented_assignment")
            && n.field("left")
                .is_some_and(|l| syntax::text(l, src) == name)
            && let Some(r) = n.field("right")
        {
            out.push(r);
        }
        // Nested functions have their own locals.
        n == scope || n.kind() != "function_definition"
    });
    out
}

/// A constant-like name: `SORT_COLUMNS`, `ALLOWED_FIELDS`.
pub fn is_constant_name(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    last.len() > 1
        && last.chars().any(|c| c.is_ascii_uppercase())
        && last
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// A value that cannot carry attacker text into a query or command.
fn is_safe(node: Node<'_>, src: &[u8], depth: u8) -> bool {
    if depth > 4 {
        return false;
    }
    match node.kind() {
        "string" => {
            let mut cursor = node.walk();
            let parts: Vec<Node<'_>> = node
                .named_children(&mut cursor)
                .filter(|c| c.kind() == "interpolation")
                .filter_map(|i| i.field("expression"))
                .collect();
            parts.iter().all(|p| is_safe(*p, src, depth + 1))
        }
        "concatenated_string" | "integer" | "float" | "true" | "false" | "none" => true,
        "identifier" => {
            let name = syntax::text(node, src);
            if is_constant_name(name) || checked_against_allow_list(node, src) {
                return true;
            }
            let assigned = local_assignments(node, src);
            !assigned.is_empty() && assigned.iter().all(|v| is_safe(*v, src, depth + 1))
        }
        "attribute" => is_constant_name(syntax::text(node, src)),
        // `SORT_COLUMNS[key]`: whatever the key, the value comes from the constant.
        "subscript" => node
            .field("value")
            .is_some_and(|v| is_constant_name(syntax::text(v, src))),
        "conditional_expression" => {
            let mut cursor = node.walk();
            let parts: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
            // `a if cond else b`: both branches must be safe (the condition is not emitted).
            parts.len() == 3
                && is_safe(parts[0], src, depth + 1)
                && is_safe(parts[2], src, depth + 1)
        }
        "call" => {
            let name = callee(node, src);
            // Numbers, and `shlex.quote` (made for exactly this).
            if matches!(
                name,
                "int" | "float" | "len" | "bool" | "uuid.uuid4" | "shlex.quote" | "quote"
            ) {
                return true;
            }
            if method(node, src) == "get"
                && receiver(node).is_some_and(|r| is_constant_name(syntax::text(r, src)))
            {
                return true;
            }
            if method(node, src) == "join" {
                return placeholder_join(node, src);
            }
            false
        }
        "parenthesized_expression" => node
            .named_child(0)
            .is_some_and(|c| is_safe(c, src, depth + 1)),
        _ => false,
    }
}

/// `", ".join(["%s"] * len(ids))`, `",".join("?" for _ in ids)`: only placeholders joined.
fn placeholder_join(call: Node<'_>, src: &[u8]) -> bool {
    let Some(list) = call.field("arguments") else {
        return false;
    };
    let mut strings = Vec::new();
    let mut interpolates = false;
    syntax::walk(list, |n| {
        if n.kind() == "interpolation" {
            interpolates = true;
        }
        if n.kind() == "string" {
            strings.push(literal(n, src));
            return false;
        }
        true
    });
    !interpolates
        && !strings.is_empty()
        && strings.iter().all(|s| {
            s.as_deref().is_some_and(|s| {
                let s = s.trim();
                s == "%s" || s == "?" || (s.starts_with(':') || s.starts_with('$')) && s.len() > 1
            })
        })
}

/// `if sort not in ALLOWED: raise ...`, `assert sort in ALLOWED`, `if sort in {...}:`: the
/// identifier is compared with `in` against a constant or literal collection in its function.
fn checked_against_allow_list(node: Node<'_>, src: &[u8]) -> bool {
    let name = syntax::text(node, src);
    let Some(scope) = enclosing_function(node) else {
        return false;
    };
    let mut found = false;
    syntax::walk(scope, |n| {
        if found {
            return false;
        }
        if n.kind() == "comparison_operator" {
            let mut cursor = n.walk();
            let parts: Vec<Node<'_>> = n.named_children(&mut cursor).collect();
            let ops = syntax::text(n, src);
            if parts.len() == 2
                && (ops.contains(" in ") || ops.contains(" not in "))
                && syntax::text(parts[0], src) == name
                && (is_constant_name(syntax::text(parts[1], src))
                    || matches!(parts[1].kind(), "set" | "list" | "tuple" | "dictionary"))
            {
                found = true;
            }
        }
        true
    });
    found
}
