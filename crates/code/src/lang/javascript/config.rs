//! Config values: top-level constants (`const ORIGIN = process.env.ORIGIN ?? "*"`), exported
//! config objects (`module.exports = { cors: { origin: ... } }`) and convict schemas
//! (`{ jwtSecret: { env: "JWT_SECRET", default: "dev" } }`).

use super::Ctx;
use super::ast::{callee_object, env_name, fallback_parts, pair_key, string_list, string_value};
use crate::model::{ConfigValue, FileCode, Value};
use crate::syntax::FieldChild;
use crate::syntax::{pos, text};
use tree_sitter::Node;

/// How deep nested config objects are followed.
const MAX_DEPTH: usize = 4;

pub fn extract(ctx: &Ctx<'_>, out: &mut FileCode) {
    let mut cursor = ctx.root.walk();
    let statements: Vec<Node<'_>> = ctx.root.named_children(&mut cursor).collect();
    for statement in statements {
        let declaration = match statement.kind() {
            "export_statement" => statement
                .field("declaration")
                .or_else(|| statement.field("value")),
            _ => Some(statement),
        };
        let Some(declaration) = declaration else {
            continue;
        };
        match declaration.kind() {
            "lexical_declaration" | "variable_declaration" => {
                let mut c = declaration.walk();
                for declarator in declaration.named_children(&mut c) {
                    let (Some(name), Some(value)) =
                        (declarator.field("name"), declarator.field("value"))
                    else {
                        continue;
                    };
                    if name.kind() == "identifier" {
                        record(ctx, text(name, ctx.src), value, out, 0);
                    }
                }
            }
            "object" => object(ctx, declaration, out, 0),
            "expression_statement" => {
                if let Some(assign) = declaration.named_child(0)
                    && assign.kind() == "assignment_expression"
                    && let (Some(left), Some(right)) = (assign.field("left"), assign.field("right"))
                    && text(left, ctx.src).starts_with("module.exports")
                {
                    object(ctx, right, out, 0);
                }
            }
            _ => {}
        }
    }
}

fn record(ctx: &Ctx<'_>, name: &str, value: Node<'_>, out: &mut FileCode, depth: usize) {
    let value = unwrap(value);
    match value.kind() {
        "object" => object(ctx, value, out, depth + 1),
        "call_expression" if is_schema_call(ctx, value) => {
            if let Some(schema) = super::ast::args(value).first() {
                convict(ctx, *schema, out, 0);
            }
        }
        _ => {
            let value_at = value;
            let value = value_of(value, ctx.src);
            if value != Value::Unknown {
                out.config.push(ConfigValue {
                    name: name.to_ascii_lowercase(),
                    value,
                    at: pos(value_at),
                });
            }
        }
    }
}

/// `x as const`, `x satisfies T`, `(x)`.
fn unwrap(node: Node<'_>) -> Node<'_> {
    let mut current = node;
    for _ in 0..4 {
        match current.kind() {
            "as_expression" | "satisfies_expression" | "parenthesized_expression" => {
                match current.named_child(0) {
                    Some(inner) => current = inner,
                    None => break,
                }
            }
            _ => break,
        }
    }
    current
}

fn is_schema_call(ctx: &Ctx<'_>, call: Node<'_>) -> bool {
    ctx.callee_path(call) == Some("convict")
}

fn object(ctx: &Ctx<'_>, object: Node<'_>, out: &mut FileCode, depth: usize) {
    if depth > MAX_DEPTH || object.kind() != "object" {
        return;
    }
    let mut cursor = object.walk();
    for child in object.named_children(&mut cursor) {
        if child.kind() == "pair"
            && let (Some(key), Some(value)) = (pair_key(child, ctx.src), child.field("value"))
        {
            record(ctx, key, value, out, depth + 1);
        }
    }
}

/// convict: `{ key: { doc, format, default, env } }`, nested.
fn convict(ctx: &Ctx<'_>, schema: Node<'_>, out: &mut FileCode, depth: usize) {
    if depth > MAX_DEPTH || schema.kind() != "object" {
        return;
    }
    let mut cursor = schema.walk();
    for child in schema.named_children(&mut cursor) {
        let (Some(key), Some(value)) = (pair_key(child, ctx.src), child.field("value")) else {
            continue;
        };
        if value.kind() != "object" {
            continue;
        }
        let env = super::ast::prop(value, "env", ctx.src).and_then(|e| string_value(e, ctx.src));
        let default = super::ast::prop(value, "default", ctx.src);
        if env.is_none() && default.is_none() {
            convict(ctx, value, out, depth + 1);
            continue;
        }
        let default_text = default.and_then(|d| literal_text(d, ctx.src));
        let value = match env {
            Some(name) => Value::Env {
                name,
                default: default_text,
            },
            None => default.map_or(Value::Unknown, |d| value_of(d, ctx.src)),
        };
        out.config.push(ConfigValue {
            name: key.to_ascii_lowercase(),
            value,
            at: pos(child),
        });
    }
}

/// A literal default as text: a string, a list joined with `,`, a number or boolean.
pub fn literal_text(node: Node<'_>, src: &[u8]) -> Option<String> {
    if let Some(list) = string_list(node, src) {
        return Some(list.join(","));
    }
    matches!(node.kind(), "number" | "true" | "false").then(|| text(node, src).to_string())
}

/// The env variable a value reads, seeing through `.split(",")`, `.trim()`, `Number(...)`.
fn env_of(node: Node<'_>, src: &[u8]) -> Option<String> {
    let node = unwrap(node);
    if let Some(name) = env_name(node, src) {
        return Some(name);
    }
    if node.kind() == "call_expression" {
        if let Some(object) = callee_object(node) {
            return env_of(object, src);
        }
        let first = super::ast::args(node).first().copied()?;
        return env_of(first, src);
    }
    None
}

pub fn value_of(node: Node<'_>, src: &[u8]) -> Value {
    let node = unwrap(node);
    if let Some(list) = string_list(node, src) {
        return if node.kind() == "array" {
            Value::List(list)
        } else {
            Value::Literal(list.into_iter().next().unwrap_or_default())
        };
    }
    if let Some(name) = env_of(node, src) {
        return Value::Env {
            name,
            default: None,
        };
    }
    if let Some((left, right)) = fallback_parts(node, src)
        && let Some(name) = env_of(left, src)
    {
        return Value::Env {
            name,
            default: literal_text(unwrap(right), src),
        };
    }
    if node.kind() == "call_expression"
        && let Some(object) = callee_object(node)
        && let Some((left, right)) = fallback_parts(unwrap(object), src)
        && let Some(name) = env_of(left, src)
    {
        // `(process.env.ORIGINS || "*").split(",")`
        return Value::Env {
            name,
            default: literal_text(unwrap(right), src),
        };
    }
    match node.kind() {
        "true" | "false" | "number" => Value::Literal(text(node, src).to_string()),
        "identifier" if text(node, src) != "undefined" => {
            Value::Config(text(node, src).to_ascii_lowercase())
        }
        "member_expression" => {
            let property = node.field("property").map_or("", |p| text(p, src));
            Value::Config(property.to_ascii_lowercase())
        }
        _ => Value::Unknown,
    }
}
