//! Scope keys: the name a router, group or mux variable gets so routes, groups, middleware and
//! mounts can meet, within a file and (after `link`) across files.
//!
//! - a parameter of a top-level function: `go:{dir}::{Func}#{index}` (callers mount onto it),
//! - a parameter of a closure: `go:{file}::lit@{line}:{col}#{index}`,
//! - a local variable: `go:{file}::{Func}::{name}`,
//! - a struct field (`s.router`): `go:{dir}::field:{name}`,
//! - a package-level variable: `go:{dir}::var:{name}`,
//! - a router returned by a function: `go:{dir}::ret:{Func}`.

use super::ast::{Ctx, function_name, param_index};
use crate::syntax::FieldChild;
use crate::syntax::text;
use tree_sitter::Node;

pub fn of_param_decl(ctx: &Ctx<'_>, func: Node<'_>, index: usize) -> String {
    if func.kind() == "func_literal" {
        let p = func.start_position();
        format!(
            "go:{}::lit@{}:{}#{index}",
            ctx.path,
            p.row + 1,
            p.column + 1
        )
    } else {
        format!("go:{}::{}#{index}", ctx.dir, function_name(func, ctx.src))
    }
}

pub fn returned_by(ctx: &Ctx<'_>, func_name: &str) -> String {
    format!("go:{}::ret:{func_name}", ctx.dir)
}

/// The scope key of the expression a route or middleware is registered on.
pub fn of_expr(ctx: &Ctx<'_>, expr: Node<'_>) -> Option<String> {
    match expr.kind() {
        "identifier" => Some(of_identifier(ctx, expr)),
        "selector_expression" => {
            let field = expr.field("field")?;
            Some(format!("go:{}::field:{}", ctx.dir, text(field, ctx.src)))
        }
        "parenthesized_expression" => {
            // `((r))`: unwrap without recursion, however deep.
            let mut inner = expr;
            while inner.kind() == "parenthesized_expression" {
                inner = inner.named_child(0)?;
            }
            of_expr(ctx, inner)
        }
        _ => None,
    }
}

fn of_identifier(ctx: &Ctx<'_>, ident: Node<'_>) -> String {
    let name = text(ident, ctx.src);
    let mut current = ctx.enclosing_function(ident);
    while let Some(func) = current {
        if declares_local(ctx, func, name, ident) {
            break;
        }
        if let Some(i) = param_index(func, name, ctx.src) {
            return of_param_decl(ctx, func, i);
        }
        current = ctx.enclosing_function(func);
    }
    match ctx.top_function(ident) {
        Some(top) if declared_in(ctx, top, name) => {
            format!("go:{}::{}::{name}", ctx.path, function_name(top, ctx.src))
        }
        _ => format!("go:{}::var:{name}", ctx.dir),
    }
}

/// Whether `func`'s own body (not nested closures) declares `name` before `use_site`.
fn declares_local<'a>(ctx: &Ctx<'a>, func: Node<'a>, name: &str, use_site: Node<'a>) -> bool {
    let Some(body) = func.field("body") else {
        return false;
    };
    ctx.index
        .of_kinds(body, DECLARATIONS)
        .into_iter()
        .take_while(|n| n.start_byte() <= use_site.start_byte())
        .any(|n| {
            declares(ctx, n, name)
                && !ctx
                    .index
                    .ancestors(n)
                    .take_while(|a| *a != body)
                    .any(|a| a.kind() == "func_literal")
        })
}

fn declared_in<'a>(ctx: &Ctx<'a>, func: Node<'a>, name: &str) -> bool {
    let Some(body) = func.field("body") else {
        return false;
    };
    ctx.index
        .of_kinds(body, DECLARATIONS)
        .into_iter()
        .any(|n| declares(ctx, n, name))
}

/// The node kinds [`declares`] reads.
const DECLARATIONS: &[&str] = &["short_var_declaration", "var_spec"];

fn declares(ctx: &Ctx<'_>, n: Node<'_>, name: &str) -> bool {
    match n.kind() {
        "short_var_declaration" => n
            .field("left")
            .is_some_and(|l| names_in(ctx, l).contains(&name)),
        "var_spec" => {
            let mut c = n.walk();
            n.children_by_field_name("name", &mut c)
                .any(|x| text(x, ctx.src) == name)
        }
        _ => false,
    }
}

fn names_in<'a>(ctx: &Ctx<'a>, list: Node<'_>) -> Vec<&'a str> {
    let mut c = list.walk();
    list.named_children(&mut c)
        .filter(|n| n.kind() == "identifier")
        .map(|n| ctx.text(n))
        .collect()
}
