//! CORS policies: the `cors` middleware, `@fastify/cors`, NestJS `enableCors` / `{ cors: true }`,
//! and hand-written `Access-Control-Allow-Origin` headers.

use super::Ctx;
use super::ast::{args, object_arg, prop, string_value};
use super::config::value_of;
use crate::model::{FactKind, FileCode, Value};
use crate::syntax::text;
use tree_sitter::Node;

pub fn extract(ctx: &Ctx<'_>, out: &mut FileCode) {
    let cors_locals: Vec<&str> = ctx
        .module
        .locals_of("cors")
        .chain(ctx.module.locals_of("@fastify/cors"))
        .chain(ctx.module.locals_of("fastify-cors"))
        .map(|i| i.local.as_str())
        .collect();
    for &call in &ctx.calls {
        let callee = ctx.callee_path(call).unwrap_or_default();
        let name = ctx.callee_name(call).unwrap_or("");
        if cors_locals.contains(&callee) && call.kind() == "call_expression" {
            policy(ctx, call, object_arg(call, 0), "cors()", out);
        } else if name == "register"
            && let Some(plugin) = args(call).first()
            && (cors_locals.contains(&text(*plugin, ctx.src))
                || super::module::require_source(*plugin, ctx.src)
                    .is_some_and(|s| s.ends_with("cors")))
        {
            policy(
                ctx,
                call,
                args(call).get(1).copied().filter(|o| o.kind() == "object"),
                "@fastify/cors",
                out,
            );
        } else if name == "enableCors" {
            policy(ctx, call, object_arg(call, 0), "enableCors()", out);
        } else if callee == "NestFactory.create"
            && let Some(options) = object_arg(call, 1)
            && let Some(cors) = prop(options, "cors", ctx.src)
        {
            match cors.kind() {
                "true" => policy(ctx, call, None, "NestFactory.create({ cors: true })", out),
                "object" => policy(ctx, call, Some(cors), "NestFactory.create({ cors })", out),
                _ => {}
            }
        } else if matches!(name, "setHeader" | "header" | "set" | "append") {
            header(ctx, call, out);
        }
    }
}

fn policy<'t>(
    ctx: &Ctx<'t>,
    at: Node<'t>,
    options: Option<Node<'_>>,
    what: &str,
    out: &mut FileCode,
) {
    let origin = options.and_then(|o| prop(o, "origin", ctx.src));
    let origins = match origin {
        None => Value::Literal("*".into()),
        Some(o) => origin_value(ctx, o),
    };
    let credentials = options
        .and_then(|o| prop(o, "credentials", ctx.src))
        .is_some_and(|c| c.kind() == "true");
    let detail = match origin {
        None => format!("{what} without an `origin` option allows every origin (`*`)"),
        Some(o) => format!(
            "{what} with origin `{}`",
            text(o, ctx.src).chars().take(80).collect::<String>()
        ),
    };
    ctx.fact(
        out,
        FactKind::CorsPolicy {
            origins,
            credentials,
        },
        at,
        detail,
    );
}

fn origin_value<'t>(ctx: &Ctx<'t>, node: Node<'t>) -> Value {
    match node.kind() {
        "true" => Value::Reflected,
        "false" => Value::List(Vec::new()),
        "arrow_function" | "function_expression" | "function" => {
            // `origin: (origin, cb) => cb(null, true)`: echoes any origin.
            let body = text(node, ctx.src).split_whitespace().collect::<String>();
            if body.ends_with("cb(null,true)")
                || body.ends_with("callback(null,true)")
                || body.ends_with("cb(null,true);}")
                || body.ends_with("callback(null,true);}")
            {
                Value::Reflected
            } else {
                Value::Unknown
            }
        }
        _ => value_of(node, ctx.src),
    }
}

/// `res.setHeader("Access-Control-Allow-Origin", req.headers.origin)`.
fn header<'t>(ctx: &Ctx<'t>, call: Node<'t>, out: &mut FileCode) {
    let a = args(call);
    let (Some(key), Some(value)) = (a.first(), a.get(1)) else {
        return;
    };
    if !string_value(*key, ctx.src)
        .is_some_and(|k| k.eq_ignore_ascii_case("access-control-allow-origin"))
    {
        return;
    }
    let value_text = text(*value, ctx.src).to_ascii_lowercase();
    let origins = if value_text.contains("headers.origin")
        || value_text.contains("('origin')")
        || value_text.contains("(\"origin\")")
    {
        Value::Reflected
    } else {
        value_of(*value, ctx.src)
    };
    let credentials = ctx.enclosing_function(call).map_or(ctx.root, |f| f);
    let credentials = text(credentials, ctx.src).to_ascii_lowercase();
    let credentials = credentials
        .split("access-control-allow-credentials")
        .nth(1)
        .is_some_and(|rest| rest.chars().take(30).collect::<String>().contains("true"));
    ctx.fact(
        out,
        FactKind::CorsPolicy {
            origins,
            credentials,
        },
        call,
        format!(
            "Access-Control-Allow-Origin set to `{}`",
            text(*value, ctx.src)
        ),
    );
}
