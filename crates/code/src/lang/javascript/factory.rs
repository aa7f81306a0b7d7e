//! Router factories: `function makeRouter() { const r = express.Router(); r.use(auth);
//! r.post(...); return r }` mounted with `app.use("/api", makeRouter())`. The routes and guards
//! registered on the returned router belong to the function (its export key), which is what a
//! mount that calls it names, in this file or through an import.

use super::Ctx;
use super::express::{AppKind, AppVar, app_kind, function_key};
use super::module::resolve_relative;
use crate::syntax::FieldChild;
use crate::syntax::text;
use tree_sitter::Node;

/// The function that builds the router `var` refers to and returns it, when `var` is used
/// inside it.
pub fn factory_of<'t>(ctx: &Ctx<'t>, var: Node<'t>) -> Option<(Node<'t>, AppVar)> {
    let name = text(var, ctx.src);
    let function = ctx.enclosing_function(var)?;
    let app = router_built_in(ctx, function, name)?;
    returns(ctx, function, name).then_some((function, app))
}

/// The router variable `name` declared in `function` from a router constructor.
fn router_built_in<'t>(ctx: &Ctx<'t>, function: Node<'t>, name: &str) -> Option<AppVar> {
    let init = ctx.local_init(function, name)?;
    let init = match init.kind() {
        "await_expression" => init.named_child(0)?,
        _ => init,
    };
    if !matches!(init.kind(), "call_expression" | "new_expression") {
        return None;
    }
    app_kind(ctx, init).filter(|a| a.kind == AppKind::Router)
}

/// Whether `function` returns the variable `name` (its own `return`, or an arrow's body).
fn returns<'t>(ctx: &Ctx<'t>, function: Node<'t>, name: &str) -> bool {
    if let Some(body) = function.field("body")
        && body.kind() == "identifier"
    {
        return text(body, ctx.src) == name;
    }
    ctx.index
        .of_kind(function, "return_statement")
        .into_iter()
        .filter(|r| ctx.enclosing_function(*r) == Some(function))
        .any(|r| {
            r.named_child(0)
                .is_some_and(|v| v.kind() == "identifier" && text(v, ctx.src) == name)
        })
}

/// The scope key of the router a call such as `makeRouter()` returns: a local factory's key,
/// or the export of a relative import (the other file's routes carry the same key).
pub fn factory_ref<'t>(ctx: &Ctx<'t>, call: Node<'t>) -> Option<String> {
    if call.kind() != "call_expression" {
        return None;
    }
    let callee = call
        .field("function")
        .filter(|f| f.kind() == "identifier")?;
    let name = text(callee, ctx.src);
    if let Some(function) = super::express::local_function(ctx, name) {
        let builds = ctx
            .index
            .of_kind(function, "variable_declarator")
            .into_iter()
            .filter_map(|d| d.field("name"))
            .any(|v| {
                let var = text(v, ctx.src);
                router_built_in(ctx, function, var).is_some() && returns(ctx, function, var)
            });
        return builds.then(|| ctx.scope_key(&function_key(ctx, function)));
    }
    let import = ctx.module.import(name)?;
    let base = resolve_relative(ctx.path, &import.source)?;
    Some(format!("@import:{base}::{}", import.key))
}
