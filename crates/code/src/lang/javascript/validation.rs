//! Request body validation: schema checks (zod/joi/yup/ajv/express-validator/celebrate,
//! Fastify `schema.body`, Nest `ValidationPipe`) versus a raw `req.body` handed to a database
//! call in a write handler.

use super::Ctx;
use super::ast::{args, prop};
use super::auth::{Guard, classify};
use super::express::METHODS;
use crate::model::{FactKind, FileCode};
use crate::syntax::FieldChild;
use crate::syntax::{text, walk};
use tree_sitter::Node;

const VALIDATE_CALLS: &[&str] = &[
    "parse",
    "safeParse",
    "parseAsync",
    "safeParseAsync",
    "validate",
    "validateAsync",
    "validateSync",
    "validationResult",
    "validateOrReject",
    "assert",
    "cast",
];

const DB_WRITES: &[&str] = &[
    "create",
    "createMany",
    "insert",
    "insertOne",
    "insertMany",
    "update",
    "updateOne",
    "updateMany",
    "save",
    "findOneAndUpdate",
    "findByIdAndUpdate",
    "upsert",
    "bulkCreate",
    "build",
    "merge",
    "values",
];

const BODY_EXPRS: &[&str] = &["req.body", "request.body", "ctx.request.body"];

pub fn extract(ctx: &Ctx<'_>, handlers: &[Node<'_>], out: &mut FileCode) {
    // Handlers (by argument text or inline position) whose route validates in middleware.
    let mut validated_routes: Vec<String> = Vec::new();
    for &call in &ctx.calls {
        let name = ctx.callee_name(call).unwrap_or("");
        match name {
            "useGlobalPipes" | "UsePipes" if text(call, ctx.src).contains("ValidationPipe") => ctx
                .fact(
                    out,
                    FactKind::HasBodyValidation,
                    call,
                    "request bodies are validated by a NestJS ValidationPipe",
                ),
            m if METHODS.contains(&m) => {
                if route_middleware(ctx, call, out)
                    && let Some(last) = args(call).last()
                {
                    validated_routes.push(text(*last, ctx.src).to_string());
                }
            }
            _ => {}
        }
    }
    for n in ctx.index.of_kind(ctx.root, "pair") {
        if super::ast::pair_key(n, ctx.src) == Some("schema")
            && n.field("value")
                .is_some_and(|v| prop(v, "body", ctx.src).is_some())
        {
            ctx.fact(
                out,
                FactKind::HasBodyValidation,
                n,
                "the route declares a JSON schema for its body (Fastify validates it)",
            );
        }
    }
    for handler in handlers {
        let name = super::ast::function_name(*handler, ctx.src).unwrap_or("");
        let covered = validated_routes
            .iter()
            .any(|v| v == name || *v == text(*handler, ctx.src));
        handler_body(ctx, *handler, !covered, out);
    }
}

/// `router.post("/x", validate(schema), handler)`, `celebrate({...})`, `body("email").isEmail()`.
fn route_middleware(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) -> bool {
    let a = args(call);
    if a.len() < 3
        || !a
            .first()
            .and_then(|p| super::ast::string_value(*p, ctx.src))
            .is_some_and(|p| p.starts_with('/'))
    {
        return false;
    }
    for middle in &a[1..a.len() - 1] {
        let t = text(*middle, ctx.src);
        let n = super::ast::norm(t);
        let validates = matches!(
            classify(*middle, ctx.src),
            Guard::NotAuth | Guard::Unknown { .. }
        ) && (n.contains("valid")
            || n.contains("celebrate")
            || n.contains("schema")
            || n.starts_with("body(")
            || n.starts_with("checkschema"));
        if validates {
            ctx.fact(
                out,
                FactKind::HasBodyValidation,
                *middle,
                format!(
                    "the route validates its body with `{}`",
                    t.chars().take(60).collect::<String>()
                ),
            );
            return true;
        }
    }
    false
}

fn handler_body(ctx: &Ctx<'_>, handler: Node<'_>, may_be_raw: bool, out: &mut FileCode) {
    let bodies = body_names(ctx, handler);
    let mut validated = None;
    let mut raw_use = None;
    for n in ctx
        .index
        .of_kinds(handler, &["call_expression", "new_expression"])
    {
        if n.kind() == "call_expression" {
            let name = ctx.callee_name(n).unwrap_or("");
            let arg_text = args(n).first().map_or("", |a| text(*a, ctx.src));
            let on_body = bodies.iter().any(|b| arg_text.starts_with(b.as_str()))
                || arg_text.ends_with(".json()")
                || arg_text == "body";
            if VALIDATE_CALLS.contains(&name) && on_body && validated.is_none() {
                validated = Some(n);
            }
            if DB_WRITES.contains(&name) && raw_use.is_none() && passes_raw_body(ctx, n, &bodies) {
                raw_use = Some(n);
            }
        }
        if n.kind() == "new_expression" && raw_use.is_none() && passes_raw_body(ctx, n, &bodies) {
            raw_use = Some(n);
        }
    }
    if let Some(v) = validated {
        ctx.fact(
            out,
            FactKind::HasBodyValidation,
            v,
            format!(
                "the handler validates its body with `{}`",
                ctx.callee_path(v).unwrap_or_default()
            ),
        );
    } else if let Some(call) = raw_use.filter(|_| may_be_raw) {
        ctx.fact(
            out,
            FactKind::RiskUnvalidatedBody,
            call,
            format!(
                "the raw request body goes straight into `{}` without schema validation",
                ctx.callee_path(call).unwrap_or_default()
            ),
        );
    }
}

/// `Model.create(req.body)`, `prisma.user.create({ data: req.body })`, `{ ...req.body }`.
fn passes_raw_body<'t>(ctx: &Ctx<'t>, call: Node<'t>, bodies: &[String]) -> bool {
    let mut found = false;
    for arg in args(call) {
        walk(arg, |n| {
            if found {
                return false;
            }
            // Compare lengths first: reading every node's text is the costly part.
            let len = n.end_byte() - n.start_byte();
            if bodies
                .iter()
                .any(|b| b.len() == len && b == text(n, ctx.src))
            {
                let parent = ctx.index.parent(n).map_or("", |p| p.kind());
                found = matches!(parent, "arguments" | "pair" | "spread_element" | "array");
                return false;
            }
            !matches!(
                n.kind(),
                "call_expression" | "arrow_function" | "function_expression"
            )
        });
    }
    found
}

/// Expressions holding the whole request body in a handler: `req.body`, and variables set
/// from it or from `await request.json()` (Next.js, fetch-style handlers).
fn body_names(ctx: &Ctx<'_>, handler: Node<'_>) -> Vec<String> {
    let mut names: Vec<String> = BODY_EXPRS.iter().map(|b| b.to_string()).collect();
    for n in ctx.index.of_kind(handler, "variable_declarator") {
        if let (Some(name), Some(value)) = (n.field("name"), n.field("value"))
            && name.kind() == "identifier"
        {
            let v = text(value, ctx.src);
            let v = v.strip_prefix("await ").unwrap_or(v).trim();
            let whole_body = BODY_EXPRS.contains(&v)
                || (v.ends_with(".json()") && (v.starts_with("req") || v.starts_with("request")));
            if whole_body {
                names.push(text(name, ctx.src).to_string());
            }
        }
    }
    names
}
