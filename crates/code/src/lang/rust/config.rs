//! Config values: `const`/`static` literals (`const CORS_ORIGIN: &str = "*"`, lists of
//! `&str`), and `env::var("X")` reads with their literal fallback
//! (`.unwrap_or_else(|_| "default".into())`) bound to a `let`, a struct field or a static.
//! `value_of` turns an expression into a [`Value`] for the other parts of the extractor.

use super::ast::{self, Ctx};
use crate::model::{ConfigValue, FileCode, Value};
use crate::syntax::FieldChild;
use tree_sitter::Node;

pub fn extract(ctx: &Ctx<'_>, root: Node<'_>, out: &mut FileCode) {
    for n in ctx.production_nodes(root, &["const_item", "static_item", "call_expression"]) {
        match n.kind() {
            "const_item" | "static_item" => {
                if let (Some(name), Some(value)) = (n.field("name"), n.field("value")) {
                    let v = value_of(ctx, value, 0);
                    if v != Value::Unknown {
                        out.config.push(ConfigValue {
                            name: ctx.text(name).to_ascii_lowercase(),
                            value: v,
                            at: ast::pos(n),
                        });
                    }
                }
                // A lazy static's initialiser is read below as an env read.
            }
            "call_expression" if is_env_read(ctx, n) => {
                if let Some(name) = binding_name(ctx, n) {
                    out.config.push(ConfigValue {
                        name: name.to_ascii_lowercase(),
                        value: env_value(ctx, n),
                        at: ast::pos(n),
                    });
                }
            }
            _ => {}
        }
    }
}

/// `env::var("X")`, `std::env::var("X")`, `dotenvy::var("X")`.
pub fn is_env_read(ctx: &Ctx<'_>, call: Node<'_>) -> bool {
    let callee = ast::callee(call, ctx.src);
    matches!(
        callee,
        "env::var" | "std::env::var" | "dotenvy::var" | "dotenv::var" | "env::var_os"
    )
}

/// The variable, field or static an env read (with its fallback chain) is bound to.
fn binding_name<'a>(ctx: &Ctx<'a>, call: Node<'_>) -> Option<&'a str> {
    let mut node = ast::chain_top(ctx, call);
    for _ in 0..6 {
        let parent = ctx.index.parent(node)?;
        match parent.kind() {
            "let_declaration" => {
                let p = parent.field("pattern")?;
                return (p.kind() == "identifier").then(|| ctx.text(p));
            }
            "field_initializer" => {
                return parent.field("field").map(|f| ctx.text(f));
            }
            "static_item" | "const_item" => {
                return parent.field("name").map(|f| ctx.text(f));
            }
            "closure_expression"
            | "block"
            | "arguments"
            | "call_expression"
            | "reference_expression"
            | "try_expression"
            | "expression_statement" => {
                node = parent;
            }
            _ => return None,
        }
    }
    None
}

/// `env::var("X")` plus its fallback: `Value::Env{name, default}`.
pub fn env_value(ctx: &Ctx<'_>, call: Node<'_>) -> Value {
    let src = ctx.src;
    let name = ast::args(call)
        .first()
        .and_then(|a| ast::string_value(*a, src))
        .unwrap_or("")
        .to_string();
    let top = ast::chain_top(ctx, call);
    let (_, links) = ast::chain(top, src);
    let mut default = None;
    for link in &links {
        let args = ast::args(link.call);
        match (link.method, args.as_slice()) {
            ("unwrap_or", [d]) => default = literal(ctx, *d),
            ("unwrap_or_else", [closure]) if closure.kind() == "closure_expression" => {
                default = closure.field("body").and_then(|b| literal(ctx, b));
            }
            ("unwrap_or_default", []) => default = Some(String::new()),
            _ => {}
        }
    }
    Value::Env { name, default }
}

/// A literal string, also through `.into()`/`.to_string()`/`String::from`, a block's tail, or
/// a constant of this file.
pub fn literal(ctx: &Ctx<'_>, node: Node<'_>) -> Option<String> {
    let node = if node.kind() == "block" {
        node.named_child(u32::try_from(node.named_child_count().checked_sub(1)?).ok()?)?
    } else {
        node
    };
    if let Some(s) = ast::literal_string(node, ctx.src) {
        return Some(s.to_string());
    }
    None
}

/// What an expression is as a config value: a literal, a list of literals, an env read, a
/// setting (`settings.cors_origin`, `CORS_ORIGIN`), or a local that holds one.
pub fn value_of(ctx: &Ctx<'_>, node: Node<'_>, depth: usize) -> Value {
    if depth > 4 {
        return Value::Unknown;
    }
    let src = ctx.src;
    if let Some(s) = ast::literal_string(node, src) {
        return Value::Literal(s.to_string());
    }
    match node.kind() {
        "array_expression" => list(ctx, node),
        "try_expression" | "parenthesized_expression" => node
            .named_child(0)
            .map(|v| value_of(ctx, v, depth + 1))
            .unwrap_or(Value::Unknown),
        "reference_expression" => node
            .field("value")
            .map(|v| value_of(ctx, v, depth + 1))
            .unwrap_or(Value::Unknown),
        "macro_invocation" if ast::macro_name(node, src) == "vec" => list(ctx, node),
        "call_expression" => {
            if is_env_read(ctx, node) {
                return env_value(ctx, node);
            }
            // `env::var(..).unwrap_or(..)`, `x.parse().unwrap()`, `x.clone()`.
            let (base, links) = ast::chain(node, src);
            if base.kind() == "call_expression" && is_env_read(ctx, base) {
                return env_value(ctx, base);
            }
            let passthrough = links.iter().all(|l| {
                matches!(
                    l.method,
                    "parse"
                        | "unwrap"
                        | "expect"
                        | "clone"
                        | "to_string"
                        | "as_str"
                        | "into"
                        | "to_owned"
                        | "as_ref"
                        | "iter"
                        | "collect"
                        | "split"
                        | "map"
                )
            });
            if passthrough && !links.is_empty() && base.id() != node.id() {
                return value_of(ctx, base, depth + 1);
            }
            Value::Unknown
        }
        "field_expression" => node
            .field("field")
            .map(|f| Value::Config(ctx.text(f).to_ascii_lowercase()))
            .unwrap_or(Value::Unknown),
        "identifier" | "scoped_identifier" => {
            let t = ctx.text(node);
            if ast::is_const_name(t) {
                let last = t.rsplit("::").next().unwrap_or(t);
                return Value::Config(last.to_ascii_lowercase());
            }
            match ast::local_binding(ctx, node, t) {
                Some(v) => value_of(ctx, v, depth + 1),
                None => Value::Unknown,
            }
        }
        _ => Value::Unknown,
    }
}

fn list(ctx: &Ctx<'_>, node: Node<'_>) -> Value {
    let (items, total): (Vec<String>, usize) = if node.kind() == "macro_invocation" {
        let args = ast::macro_args(node, ctx.src);
        let items = args
            .iter()
            .filter_map(|a| ast::unquote_text(a.trim_start_matches('&')).map(str::to_string))
            .collect();
        (items, args.len())
    } else {
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node
            .named_children(&mut cursor)
            .filter(|c| !matches!(c.kind(), "line_comment" | "block_comment"))
            .collect();
        let items = children
            .iter()
            .filter_map(|c| ast::literal_string(*c, ctx.src).map(str::to_string))
            .collect();
        (items, children.len())
    };
    // A list with anything but literals is not a list of known values.
    if items.is_empty() || items.len() != total {
        Value::Unknown
    } else {
        Value::List(items)
    }
}
