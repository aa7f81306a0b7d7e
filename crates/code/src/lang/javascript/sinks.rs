//! Risky sinks: SQL built by interpolation, shell commands built from input, outbound calls
//! to request-supplied URLs, unsafe deserialisation, exception text sent to clients, debug
//! switches, and stub handlers.

use super::Ctx;
use super::ast::{args, callee_object, is_tagged, param_names, prop};
use super::interp::{built, from_request, is_safe};
use crate::model::{FactKind, FileCode};
use crate::syntax::FieldChild;
use crate::syntax::{text, walk};
use tree_sitter::Node;

const SQL_SINKS: &[&str] = &[
    "query",
    "execute",
    "raw",
    "$queryRawUnsafe",
    "$executeRawUnsafe",
    "whereRaw",
    "orderByRaw",
    "havingRaw",
    "joinRaw",
    "unsafe",
];

const SQL_WORDS: &[&str] = &[
    "select ", "insert ", "update ", "delete ", " where ", "order by", " from ", " values",
    " set ", "limit ",
];

pub fn extract(ctx: &Ctx<'_>, handlers: &[Node<'_>], out: &mut FileCode) {
    let exec_names = exec_aliases(ctx);
    for &call in &ctx.calls {
        if call.kind() != "call_expression" || is_tagged(call) {
            continue;
        }
        let Some(name) = ctx.callee_name(call) else {
            continue;
        };
        if SQL_SINKS.contains(&name) && callee_object(call).is_some() {
            sql(ctx, call, name, out);
        }
        if exec_names
            .iter()
            .any(|e| Some(e.as_str()) == ctx.callee_path(call))
        {
            shell(ctx, call, out);
        }
        match name {
            "fetch" | "get" | "post" | "put" | "request" | "got" | "axios" => {
                ssrf(ctx, call, name, out)
            }
            "unserialize" => ctx.fact(
                out,
                FactKind::RiskUnsafeDeserialization,
                call,
                "node-serialize `unserialize` executes functions embedded in the payload",
            ),
            "eval"
                if callee_object(call).is_none()
                    && args(call).first().is_some_and(|a| {
                        from_request(ctx, *a) || text(*a, ctx.src).contains("req.body")
                    }) =>
            {
                ctx.fact(
                    out,
                    FactKind::RiskUnsafeDeserialization,
                    call,
                    "`eval` of request data to parse it",
                );
            }
            "json" | "send" | "end" => exception_to_client(ctx, call, out),
            "set" => debug_switch(ctx, call, out),
            "use" => error_handler_in_prod(ctx, call, out),
            _ => {}
        }
    }
    node_env_assignment(ctx, out);
    stubs(ctx, handlers, out);
}

fn sql<'t>(ctx: &Ctx<'t>, call: Node<'t>, name: &str, out: &mut FileCode) {
    let Some(first) = args(call).first().copied() else {
        return;
    };
    let Some(b) = built(ctx, first) else {
        return;
    };
    let lower = format!(" {} ", b.literal.to_ascii_lowercase());
    if !SQL_WORDS.iter().any(|w| lower.contains(w)) {
        return;
    }
    let unsafe_parts: Vec<&str> = b
        .parts
        .iter()
        .filter(|p| !is_safe(ctx, **p))
        .map(|p| text(*p, ctx.src))
        .collect();
    if let Some(part) = unsafe_parts.first() {
        let receiver = ctx.callee_path(call).unwrap_or(name);
        let how = if first.kind() == "binary_expression" {
            "concatenation"
        } else {
            "a template literal"
        };
        ctx.fact(
            out,
            FactKind::RiskSqlInterpolation,
            call,
            format!("`{receiver}` runs SQL built with {how} from `{part}`"),
        );
    }
}

/// Local names that run a shell: `exec`/`execSync` from child_process and their promisified forms.
fn exec_aliases(ctx: &Ctx<'_>) -> Vec<String> {
    let mut names = Vec::new();
    for import in ctx.module.locals_of("child_process") {
        match import.key.as_str() {
            "exec" | "execSync" => names.push(import.local.clone()),
            "default" | "*" => {
                names.push(format!("{}.exec", import.local));
                names.push(format!("{}.execSync", import.local));
            }
            _ => {}
        }
    }
    if names.is_empty() {
        return names;
    }
    for &call in &ctx.calls {
        if ctx.callee_name(call) == Some("promisify")
            && args(call)
                .first()
                .is_some_and(|a| names.iter().any(|n| n == text(*a, ctx.src)))
            && let Some(var) = super::express::declared_name(ctx, call)
        {
            names.push(var.to_string());
        }
    }
    names
}

fn shell<'t>(ctx: &Ctx<'t>, call: Node<'t>, out: &mut FileCode) {
    let Some(first) = args(call).first().copied() else {
        return;
    };
    let Some(b) = built(ctx, first) else {
        return;
    };
    if let Some(part) = b.parts.iter().find(|p| !is_safe(ctx, **p)) {
        ctx.fact(
            out,
            FactKind::RiskShellInjection,
            call,
            format!(
                "`{}` runs a shell command built from `{}`",
                ctx.callee_path(call).unwrap_or_default(),
                text(*part, ctx.src)
            ),
        );
    }
}

fn ssrf<'t>(ctx: &Ctx<'t>, call: Node<'t>, name: &str, out: &mut FileCode) {
    let callee = ctx.callee_path(call).unwrap_or_default();
    let is_client = match name {
        "fetch" => callee == "fetch",
        "got" | "axios" => callee == name,
        _ => {
            callee.starts_with("axios.")
                || callee.starts_with("got.")
                || callee.starts_with("http.")
                || callee.starts_with("https.")
        }
    };
    if !is_client {
        return;
    }
    let Some(first) = args(call).first().copied() else {
        return;
    };
    let url = if first.kind() == "object" {
        prop(first, "url", ctx.src)
    } else {
        Some(first)
    };
    let Some(url) = url else {
        return;
    };
    if !from_request(ctx, url) {
        return;
    }
    let function = ctx
        .enclosing_function(call)
        .map_or("", |f| text(f, ctx.src));
    let lowered = function.to_ascii_lowercase();
    if lowered.contains("allow") || lowered.contains(".hostname") || lowered.contains("whitelist") {
        return;
    }
    ctx.fact(
        out,
        FactKind::RiskSsrf,
        call,
        format!(
            "`{callee}` fetches `{}`, a URL taken from the request, with no allow-list",
            text(url, ctx.src)
        ),
    );
}

/// `res.status(500).json({ error: err.message, stack: err.stack })` in a catch block or an
/// error-handling middleware.
fn exception_to_client<'t>(ctx: &Ctx<'t>, call: Node<'t>, out: &mut FileCode) {
    let chain = text(call.field("function").unwrap_or(call), ctx.src);
    let responder = ["res.", "reply.", "response."]
        .iter()
        .any(|r| chain.starts_with(r));
    if !responder {
        return;
    }
    let status_4xx = chain.contains(".status(4") || chain.contains(".code(4");
    let errors = error_names(ctx, call);
    let mut hit = None;
    let mut stack = None;
    for arg in args(call) {
        walk(arg, |n| {
            if stack.is_some() {
                return false;
            }
            let t = text(n, ctx.src);
            match n.kind() {
                "member_expression" => {
                    let property = n.field("property").map_or("", |p| text(p, ctx.src));
                    let object = n.field("object").map_or("", |o| text(o, ctx.src));
                    if property == "stack" && errors.iter().any(|e| e == object) {
                        stack = Some(format!("the stack trace `{t}`"));
                    } else if property == "message"
                        && !status_4xx
                        && errors.iter().any(|e| e == object)
                    {
                        hit = Some(format!("the exception message `{t}`"));
                    }
                    false
                }
                "identifier" if !status_4xx && errors.iter().any(|e| e == t) && arg == n => {
                    hit = Some(format!("the exception object `{t}`"));
                    false
                }
                _ => true,
            }
        });
    }
    if let Some(what) = stack.or(hit) {
        ctx.fact(
            out,
            FactKind::RiskExceptionToClient,
            call,
            format!("the response sends {what} to the client"),
        );
    }
}

/// Names bound to a caught exception around `node`: catch parameters and the first
/// parameter of a 4-argument Express error handler.
fn error_names<'t>(ctx: &Ctx<'t>, node: Node<'t>) -> Vec<String> {
    let mut names = Vec::new();
    let mut current = ctx.index.parent(node);
    while let Some(n) = current {
        match n.kind() {
            "catch_clause" => {
                if let Some(p) = n.field("parameter") {
                    names.push(text(p, ctx.src).to_string());
                }
            }
            k if super::ast::FUNCTION_KINDS.contains(&k) => {
                let params = param_names(n, ctx.src);
                if params.len() == 4 {
                    names.push(params[0].split(':').next().unwrap_or("").trim().to_string());
                }
            }
            _ => {}
        }
        current = ctx.index.parent(n);
    }
    names
}

/// Whether a node sits under an `if` that tests `NODE_ENV` (a development-only branch).
fn env_guarded<'t>(ctx: &Ctx<'t>, node: Node<'t>) -> bool {
    let mut current = ctx.index.parent(node);
    while let Some(n) = current {
        if matches!(n.kind(), "if_statement" | "ternary_expression")
            && n.field("condition").is_some_and(|c| {
                text(c, ctx.src).contains("NODE_ENV")
                    || text(c, ctx.src).contains("isDev")
                    || text(c, ctx.src).contains("isProd")
            })
        {
            return true;
        }
        current = ctx.index.parent(n);
    }
    false
}

/// `mongoose.set("debug", true)` / `app.set("env", "development")` outside a dev-only branch.
fn debug_switch<'t>(ctx: &Ctx<'t>, call: Node<'t>, out: &mut FileCode) {
    let a = args(call);
    let (Some(key), Some(value)) = (a.first(), a.get(1)) else {
        return;
    };
    let key = super::ast::string_value(*key, ctx.src).unwrap_or_default();
    let value_text = text(*value, ctx.src);
    let on = (key == "debug" && value.kind() == "true")
        || (key == "env"
            && super::ast::string_value(*value, ctx.src).as_deref() == Some("development"));
    if on && !env_guarded(ctx, call) {
        ctx.fact(
            out,
            FactKind::RiskDebugMode,
            call,
            format!(
                "`{}(\"{key}\", {value_text})` switches on debug behaviour unconditionally",
                ctx.callee_path(call).unwrap_or_default()
            ),
        );
    }
}

/// `app.use(errorhandler())`: the development error handler renders stack traces.
fn error_handler_in_prod<'t>(ctx: &Ctx<'t>, call: Node<'t>, out: &mut FileCode) {
    let Some(import) = ctx.module.locals_of("errorhandler").next() else {
        return;
    };
    let uses_it = args(call).iter().any(|a| {
        a.kind() == "call_expression" && ctx.callee_path(*a) == Some(import.local.as_str())
    });
    if uses_it && !env_guarded(ctx, call) {
        ctx.fact(
            out,
            FactKind::RiskDebugMode,
            call,
            "the `errorhandler` development middleware (full stack traces in responses) is used without a NODE_ENV check",
        );
    }
}

/// `process.env.NODE_ENV = "development"` in application code.
fn node_env_assignment(ctx: &Ctx<'_>, out: &mut FileCode) {
    for n in ctx.index.of_kind(ctx.root, "assignment_expression") {
        if let (Some(left), Some(right)) = (n.field("left"), n.field("right"))
            && super::ast::env_name(left, ctx.src).as_deref() == Some("NODE_ENV")
            && super::ast::string_value(right, ctx.src).is_some_and(|v| v == "development")
            && !env_guarded(ctx, n)
        {
            ctx.fact(
                out,
                FactKind::RiskDebugMode,
                n,
                "NODE_ENV is forced to `development` (debug error pages, no production optimisations)",
            );
        }
    }
}

/// Handlers that throw "not implemented", answer 501, or carry a "TODO: implement"; and
/// functions named to simulate or mock results outside test and mock folders.
fn stubs(ctx: &Ctx<'_>, handlers: &[Node<'_>], out: &mut FileCode) {
    let kinds = ["throw_statement", "comment", "call_expression"];
    for handler in handlers {
        // The first stub sign in the handler (pre-order) is the one reported.
        for n in ctx.index.of_kinds(*handler, &kinds) {
            let t = text(n, ctx.src);
            let hit = match n.kind() {
                "throw_statement" => {
                    let lower = t.to_ascii_lowercase();
                    (lower.contains("not implemented") || lower.contains("notimplemented"))
                        .then(|| "the handler throws \"not implemented\"".to_string())
                }
                "comment" => {
                    let lower = t.to_ascii_lowercase();
                    (lower.contains("todo: implement") || lower.contains("todo implement"))
                        .then(|| format!("the handler is a stub: `{}`", t.trim()))
                }
                "call_expression" => {
                    let name = ctx.callee_name(n).unwrap_or("");
                    let first = args(n).first().map_or("", |a| text(*a, ctx.src));
                    (matches!(name, "status" | "code" | "sendStatus") && first == "501")
                        .then(|| "the handler answers 501 Not Implemented".to_string())
                }
                _ => None,
            };
            if let Some(detail) = hit {
                ctx.fact(out, FactKind::RiskStub, n, detail);
                break;
            }
        }
    }
    let lower_path = ctx.path.to_ascii_lowercase();
    if !ctx.server_side
        || [
            "mock", "fake", "stub", "fixture", "seed", "stories", "dev/", "scripts/", "demo",
        ]
        .iter()
        .any(|d| lower_path.contains(d))
    {
        return;
    }
    let kinds = ["function_declaration", "method_definition"];
    for n in ctx.index.of_kinds(ctx.root, &kinds) {
        if let Some(name) = n.field("name").map(|x| text(x, ctx.src))
            && is_simulation_name(name)
            && ctx
                .index
                .ancestor_of_kind(n, &["class_declaration"])
                .is_none_or(|c| {
                    !c.field("name")
                        .is_some_and(|cn| is_simulation_name(text(cn, ctx.src)))
                })
        {
            ctx.fact(
                out,
                FactKind::RiskStub,
                n,
                format!("`{name}` simulates a result in production code"),
            );
        }
    }
}

/// `simulatePayment`, `mockCharge`, `fakeSend` (camelCase prefix), not `mockingbird`.
fn is_simulation_name(name: &str) -> bool {
    ["simulate", "mock", "fake", "stub"].iter().any(|p| {
        name.strip_prefix(p)
            .or_else(|| {
                let mut c = p.chars();
                let upper: String = c
                    .next()
                    .map(|f| f.to_ascii_uppercase())
                    .into_iter()
                    .chain(c)
                    .collect();
                name.strip_prefix(upper.as_str())
            })
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase() || c == '_'))
    })
}
