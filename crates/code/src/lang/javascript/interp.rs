//! Strings built from values: template literals and `+` concatenation, and whether each
//! interpolated value is safe (a constant, an allow-listed pick, a number, a placeholder list).

use super::Ctx;
use super::ast::{callee_name, is_constant_name, string_value};
use crate::syntax::FieldChild;
use crate::syntax::text;
use tree_sitter::Node;

/// A built string: its literal text and the expressions interpolated into it.
pub struct Built<'t> {
    pub literal: String,
    pub parts: Vec<Node<'t>>,
}

/// The template/concatenation `node` is (following one local variable), or `None` for a
/// plain literal or anything else.
pub fn built<'t>(ctx: &Ctx<'t>, node: Node<'t>) -> Option<Built<'t>> {
    built_at(ctx, node, 0)
}

fn built_at<'t>(ctx: &Ctx<'t>, node: Node<'t>, depth: usize) -> Option<Built<'t>> {
    match node.kind() {
        "template_string" => {
            let mut literal = String::new();
            let mut parts = Vec::new();
            let mut cursor = node.walk();
            let mut previous_fragment = String::new();
            for child in node.named_children(&mut cursor) {
                match child.kind() {
                    "string_fragment" | "escape_sequence" => {
                        previous_fragment = text(child, ctx.src).to_string();
                        literal.push_str(&previous_fragment);
                    }
                    "template_substitution" => {
                        // `$${i}` numbers a placeholder: not data.
                        if !previous_fragment.ends_with('$')
                            && let Some(expr) = child.named_child(0)
                        {
                            parts.push(expr);
                        }
                        literal.push_str(" ? ");
                        previous_fragment.clear();
                    }
                    _ => {}
                }
            }
            (!parts.is_empty()).then_some(Built { literal, parts })
        }
        "binary_expression" => {
            let op = node.field("operator").map(|o| text(o, ctx.src));
            if op != Some("+") {
                return None;
            }
            let mut literal = String::new();
            let mut parts = Vec::new();
            let mut has_literal = false;
            flatten(ctx, node, &mut literal, &mut parts, &mut has_literal, 0);
            (has_literal && !parts.is_empty()).then_some(Built { literal, parts })
        }
        "identifier" if depth == 0 => {
            let scope = ctx.enclosing_function(node).unwrap_or(ctx.root);
            let init = ctx.local_init(scope, text(node, ctx.src))?;
            built_at(ctx, init, depth + 1)
        }
        "parenthesized_expression" => built_at(ctx, node.named_child(0)?, depth),
        _ => None,
    }
}

fn flatten<'t>(
    ctx: &Ctx<'t>,
    node: Node<'t>,
    literal: &mut String,
    parts: &mut Vec<Node<'t>>,
    has_literal: &mut bool,
    depth: usize,
) {
    if depth > 64 {
        parts.push(node);
        return;
    }
    if node.kind() == "binary_expression"
        && node.field("operator").map(|o| text(o, ctx.src)) == Some("+")
        && let (Some(l), Some(r)) = (node.field("left"), node.field("right"))
    {
        flatten(ctx, l, literal, parts, has_literal, depth + 1);
        flatten(ctx, r, literal, parts, has_literal, depth + 1);
        return;
    }
    if let Some(s) = string_value(node, ctx.src) {
        *has_literal = true;
        literal.push_str(&s);
    } else if let Some(b) = built_at(ctx, node, 1) {
        *has_literal = true;
        literal.push_str(&b.literal);
        parts.extend(b.parts);
    } else {
        literal.push_str(" ? ");
        parts.push(node);
    }
}

/// Whether an interpolated value cannot carry attacker text.
pub fn is_safe<'t>(ctx: &Ctx<'t>, expr: Node<'t>) -> bool {
    is_safe_at(ctx, expr, 0)
}

fn is_safe_at<'t>(ctx: &Ctx<'t>, expr: Node<'t>, depth: usize) -> bool {
    if depth > 4 {
        return false;
    }
    let src = ctx.src;
    match expr.kind() {
        "number" | "string" | "true" | "false" => true,
        "template_string" => string_value(expr, src).is_some(),
        "identifier" => {
            let name = text(expr, src);
            if is_constant_name(name) || allow_listed(ctx, expr, name) {
                return true;
            }
            let scope = ctx.enclosing_function(expr).unwrap_or(ctx.root);
            match ctx
                .local_init(scope, name)
                .or_else(|| ctx.local_init(ctx.root, name))
            {
                Some(init) if init.kind() == "object" => true,
                Some(init) => is_safe_at(ctx, init, depth + 1),
                None => false,
            }
        }
        "member_expression" | "subscript_expression" => {
            let object = expr.field("object");
            object.is_some_and(|o| is_fixed_table(ctx, o)) || text(expr, src).ends_with(".length")
        }
        "ternary_expression" => {
            let branch = |f| expr.field(f).is_some_and(|b| is_safe_at(ctx, b, depth + 1));
            branch("consequence") && branch("alternative")
        }
        "binary_expression" => {
            let op = expr.field("operator").map_or("", |o| text(o, src));
            let side = |f| expr.field(f).is_some_and(|b| is_safe_at(ctx, b, depth + 1));
            match op {
                "+" => side("left") && side("right"),
                "-" | "*" | "/" | "%" => true,
                "??" | "||" => side("left") && side("right"),
                _ => false,
            }
        }
        "parenthesized_expression" | "as_expression" | "non_null_expression" => expr
            .named_child(0)
            .is_some_and(|i| is_safe_at(ctx, i, depth + 1)),
        "call_expression" => {
            let name = callee_name(expr, src).unwrap_or("");
            let all = text(expr, src);
            matches!(
                name,
                "Number"
                    | "parseInt"
                    | "parseFloat"
                    | "escapeId"
                    | "escapeIdentifier"
                    | "escape"
                    | "escapeLiteral"
                    | "format"
                    | "quoteIdent"
                    | "ref"
                    | "toFixed"
            ) || (name == "join"
                && (all.contains("'?'")
                    || all.contains("\"?\"")
                    || all.contains("`$${")
                    || all.contains("'$' +")))
        }
        _ => false,
    }
}

/// An upper-case constant or a local object/array literal (a fixed lookup table).
fn is_fixed_table<'t>(ctx: &Ctx<'t>, node: Node<'t>) -> bool {
    match node.kind() {
        "identifier" => {
            let name = text(node, ctx.src);
            is_constant_name(name)
                || ctx
                    .local_init(ctx.root, name)
                    .is_some_and(|i| matches!(i.kind(), "object" | "array"))
        }
        "member_expression" => node.field("object").is_some_and(|o| is_fixed_table(ctx, o)),
        _ => false,
    }
}

/// `if (!ALLOWED.includes(sort)) throw ...` / `allowed.has(sort)` before use.
fn allow_listed<'t>(ctx: &Ctx<'t>, at: Node<'t>, name: &str) -> bool {
    let Some(function) = ctx.enclosing_function(at) else {
        return false;
    };
    let body = text(function, ctx.src);
    [".includes(", ".has(", ".indexOf("]
        .iter()
        .any(|m| body.contains(&format!("{m}{name})")))
}

/// A request-controlled expression: `req.query.x`, `req.body.url`, `request.params.id`,
/// `ctx.request.body`, or a local variable taken from one.
pub fn from_request<'t>(ctx: &Ctx<'t>, expr: Node<'t>) -> bool {
    from_request_at(ctx, expr, 0)
}

const REQUEST_ROOTS: &[&str] = &[
    "req.query",
    "req.body",
    "req.params",
    "request.query",
    "request.body",
    "request.params",
    "ctx.query",
    "ctx.request.body",
    "ctx.params",
];

fn from_request_at<'t>(ctx: &Ctx<'t>, expr: Node<'t>, depth: usize) -> bool {
    if depth > 3 {
        return false;
    }
    let t = text(expr, ctx.src);
    if REQUEST_ROOTS
        .iter()
        .any(|r| t == *r || t.starts_with(&format!("{r}.")) || t.starts_with(&format!("{r}[")))
    {
        return true;
    }
    if expr.kind() == "identifier" {
        let Some(function) = ctx.enclosing_function(expr) else {
            return false;
        };
        // The first binding of the name that comes from the request decides.
        for n in ctx.index.of_kind(function, "variable_declarator") {
            if let (Some(name), Some(value)) = (n.field("name"), n.field("value")) {
                let binds = match name.kind() {
                    "identifier" => text(name, ctx.src) == t,
                    "object_pattern" => {
                        let mut found_name = false;
                        crate::syntax::walk(name, |p| {
                            if matches!(
                                p.kind(),
                                "shorthand_property_identifier_pattern" | "identifier"
                            ) && text(p, ctx.src) == t
                            {
                                found_name = true;
                            }
                            true
                        });
                        found_name
                    }
                    _ => false,
                };
                if binds {
                    let v = text(value, ctx.src);
                    if REQUEST_ROOTS.iter().any(|r| v.starts_with(r))
                        || (name.kind() == "identifier" && from_request_at(ctx, value, depth + 1))
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }
    if expr.kind() == "template_string"
        && let Some(first) = first_substitution_at_start(expr)
    {
        return from_request_at(ctx, first, depth + 1);
    }
    false
}

/// `${base}/path`: the substitution the string starts with (it decides the host).
fn first_substitution_at_start(template: Node<'_>) -> Option<Node<'_>> {
    let first = template.named_child(0)?;
    (first.kind() == "template_substitution")
        .then(|| first.named_child(0))
        .flatten()
}
