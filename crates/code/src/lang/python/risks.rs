//! Risks that depend on where code sits: debug switches in entry points, CORS policies,
//! exception text returned by handlers, hardcoded credentials, authorisation functions that
//! always allow, SSRF in handlers and GraphQL introspection.

use super::clients::Client;
use super::ctx::{
    Ctx, args, at_module_level, callee, decorator_expr, decorators, enclosing_function, fact,
    function_name, in_main_block, is_true, kwarg, literal, method, parameters, value_of,
};
use super::routes::Handler;
use crate::lang::credential_value::may_be_credential;
use crate::model::{Fact, FactKind, FileCode, Value};
use crate::syntax;
use crate::syntax::FieldChild;
use std::collections::{HashMap, HashSet};
use tree_sitter::Node;

pub fn extract(ctx: &Ctx<'_>, handlers: &[Handler<'_>], clients: &[Client], out: &mut FileCode) {
    for &call in &ctx.calls {
        debug_call(ctx, call, out);
        cors(ctx, call, out);
        credential_kwarg(ctx, call, out);
        graphql_introspection(ctx, call, out);
    }
    for &cmp in &ctx.comparisons {
        credential_comparison(ctx, cmp, out);
    }
    for &assign in &ctx.assignments {
        credential_assignment(ctx, assign, out);
        debug_assignment(ctx, assign, out);
    }
    let handler_ids: HashSet<usize> = handlers.iter().map(|h| h.def.id()).collect();
    for &except in &ctx.excepts {
        exception_to_client(ctx, except, &handler_ids, out);
    }
    for &def in &ctx.functions {
        always_allows(ctx, def, out);
    }
    // Outbound calls grouped by the handler they sit in (one pass over the calls).
    let mut calls_in: HashMap<usize, Vec<Node<'_>>> = HashMap::new();
    for &call in &ctx.calls {
        if let Some(f) = enclosing_function(call)
            && handler_ids.contains(&f.id())
        {
            calls_in.entry(f.id()).or_default().push(call);
        }
    }
    for h in handlers {
        if let Some(calls) = calls_in.get(&h.def.id()) {
            ssrf(ctx, h.def, calls, clients, out);
        }
    }
}

fn debug_call(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let name = callee(call, ctx.src);
    let qualified = ctx.qualified(call);
    if qualified == "uvicorn.run" && is_true(kwarg(call, ctx.src, "reload")) {
        if in_main_block(call, ctx.src) || at_module_level(call) {
            fact(
                out,
                FactKind::RiskDebugMode,
                call,
                "uvicorn.run(reload=True) in the entry point (the dev auto-reloader)",
            );
        }
        return;
    }
    // `app.run(debug=True)`: Flask's development server with the interactive debugger.
    if method(call, ctx.src) == "run"
        && is_true(kwarg(call, ctx.src, "debug"))
        && (ctx.imports_any(&["flask"])
            || (in_main_block(call, ctx.src) && name.to_ascii_lowercase().contains("app")))
    {
        fact(
            out,
            FactKind::RiskDebugMode,
            call,
            &format!("{name}(debug=True) starts Flask's debugger"),
        );
        return;
    }
    let last = qualified.rsplit('.').next().unwrap_or("");
    if matches!(last, "FastAPI" | "Starlette") && is_true(kwarg(call, ctx.src, "debug")) {
        fact(
            out,
            FactKind::RiskDebugMode,
            call,
            &format!("{last}(debug=True) returns tracebacks to clients"),
        );
    }
}

fn is_dev_settings_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    ["dev", "local", "test", "ci"]
        .iter()
        .any(|w| name.starts_with(w) || name.contains(&format!("_{w}")))
}

/// Django `DEBUG = True` at module level of a settings module that is not a dev/local/test
/// profile; Flask `app.debug = True` / `app.config["DEBUG"] = True`.
fn debug_assignment(ctx: &Ctx<'_>, assign: Node<'_>, out: &mut FileCode) {
    let (Some(left), Some(right)) = (assign.field("left"), assign.field("right")) else {
        return;
    };
    if right.kind() != "true" {
        return;
    }
    let target = ctx.text(left);
    let path = ctx.path.to_ascii_lowercase();
    // A Django settings module: the root one (INSTALLED_APPS) or a per-environment file of a
    // `settings/` package.
    let django_settings = super::django_settings::is_settings_module(ctx)
        || path.contains("/settings/")
        || path.starts_with("settings/");
    if target == "DEBUG"
        && at_module_level(assign)
        && django_settings
        && !is_dev_settings_path(&path)
    {
        fact(
            out,
            FactKind::RiskDebugMode,
            assign,
            "DEBUG = True in the Django settings used in production",
        );
    } else if (target.ends_with(".debug") || target.ends_with("config[\"DEBUG\"]"))
        && ctx.imports_any(&["flask"])
    {
        fact(
            out,
            FactKind::RiskDebugMode,
            assign,
            &format!("{target} = True enables Flask's debugger"),
        );
    }
}

/// Starlette/FastAPI `CORSMiddleware`, flask-cors `CORS(app, ...)`.
fn cors(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let name = callee(call, ctx.src);
    if method(call, ctx.src) == "add_middleware"
        && args(call)
            .first()
            .is_some_and(|a| ctx.text(*a).ends_with("CORSMiddleware"))
    {
        let credentials = is_true(kwarg(call, ctx.src, "allow_credentials"));
        let origins = if kwarg(call, ctx.src, "allow_origin_regex").is_some_and(|r| {
            literal(r, ctx.src).is_some_and(|r| matches!(r.as_str(), ".*" | "^.*$" | ".+" | "^.*"))
        }) {
            Value::Reflected
        } else {
            match kwarg(call, ctx.src, "allow_origins") {
                Some(o) => value_of(o, ctx.src),
                None => return,
            }
        };
        out.facts.push(Fact::new(
            FactKind::CorsPolicy {
                origins,
                credentials,
            },
            syntax::pos(call),
            "CORSMiddleware",
        ));
        return;
    }
    if matches!(name, "CORS" | "flask_cors.CORS" | "cors.init_app") {
        let credentials = is_true(kwarg(call, ctx.src, "supports_credentials"));
        let origins = match kwarg(call, ctx.src, "origins") {
            Some(o) => value_of(o, ctx.src),
            None => match kwarg(call, ctx.src, "resources") {
                Some(r) => resource_origins(ctx, r),
                // flask-cors allows every origin unless told otherwise.
                None => Value::List(vec!["*".into()]),
            },
        };
        out.facts.push(Fact::new(
            FactKind::CorsPolicy {
                origins,
                credentials,
            },
            syntax::pos(call),
            "flask-cors CORS(...)",
        ));
    }
}

/// `resources={r"/api/*": {"origins": [...]}}`: the first origins value found.
fn resource_origins(ctx: &Ctx<'_>, resources: Node<'_>) -> Value {
    let mut found = None;
    syntax::walk(resources, |n| {
        if found.is_some() {
            return false;
        }
        if n.kind() == "pair"
            && n.field("key")
                .and_then(|k| literal(k, ctx.src))
                .is_some_and(|k| k == "origins")
            && let Some(v) = n.field("value")
        {
            found = Some(value_of(v, ctx.src));
            return false;
        }
        true
    });
    found.unwrap_or(Value::List(vec!["*".into()]))
}

const CREDENTIAL_NAMES: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "token",
    "api_key",
    "apikey",
    "secret",
    "access_token",
    "auth_token",
    "bearer_token",
    "x_api_key",
    "admin_password",
    "credentials",
];

fn names_credential(target: &str) -> bool {
    let last = target
        .rsplit(['.', '['])
        .next()
        .unwrap_or(target)
        .trim_matches(|c| c == '"' || c == '\'' || c == ']')
        .to_ascii_lowercase();
    CREDENTIAL_NAMES.contains(&last.as_str())
        || last.ends_with("_password")
        || last.ends_with("_secret")
        || last.ends_with("_api_key")
        || last.ends_with("_token") && !last.ends_with("_type")
}

/// Token names also name cookies and headers (`CSRF_TOKEN = "csrftoken"`): a token value
/// must look generated (a digit or symbol, or long).
fn looks_random(value: &str) -> bool {
    value.len() >= 16 || value.chars().any(|c| !c.is_ascii_alphabetic())
}

fn credential(out: &mut FileCode, node: Node<'_>, value: String, detail: String) {
    out.facts.push(Fact {
        secret: Some(value),
        ..Fact::new(FactKind::RiskHardcodedCredential, syntax::pos(node), detail)
    });
}

/// `if password == "hunter2"`, `if token != "static-token"`.
fn credential_comparison(ctx: &Ctx<'_>, cmp: Node<'_>, out: &mut FileCode) {
    let text = ctx.text(cmp);
    if !(text.contains("==") || text.contains("!=")) {
        return;
    }
    let mut cursor = cmp.walk();
    let parts: Vec<Node<'_>> = cmp.named_children(&mut cursor).collect();
    if parts.len() != 2 {
        return;
    }
    for (a, b) in [(parts[0], parts[1]), (parts[1], parts[0])] {
        if matches!(a.kind(), "identifier" | "attribute" | "subscript")
            && names_credential(ctx.text(a))
            && let Some(value) = literal(b, ctx.src)
            && may_be_credential(&value)
        {
            let detail = format!("{} compared with a literal credential", ctx.text(a));
            credential(out, cmp, value, detail);
            return;
        }
    }
}

/// `create_user(username="admin", password="admin123")`, `connect(password="s3cret")`.
fn credential_kwarg(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let Some(list) = call.field("arguments") else {
        return;
    };
    let mut cursor = list.walk();
    for arg in list.named_children(&mut cursor) {
        let (Some(name), Some(v)) = (arg.field("name"), arg.field("value")) else {
            continue;
        };
        let kw = ctx.text(name);
        if arg.kind() != "keyword_argument"
            || !matches!(
                kw,
                "password" | "passwd" | "api_key" | "token" | "secret" | "admin_password"
            )
        {
            continue;
        }
        if let Some(value) = literal(v, ctx.src)
            && may_be_credential(&value)
        {
            let detail = format!("{}({kw}=...) with a literal", callee(call, ctx.src));
            credential(out, v, value, detail);
        }
    }
}

/// `ADMIN_PASSWORD = "..."`, `API_TOKEN = "..."` at module or class level (settings fields
/// with literal defaults are reported by the JWT-secret check when they sign tokens).
fn credential_assignment(ctx: &Ctx<'_>, assign: Node<'_>, out: &mut FileCode) {
    if enclosing_function(assign).is_some() {
        return;
    }
    let (Some(left), Some(right)) = (assign.field("left"), assign.field("right")) else {
        return;
    };
    let target = ctx.text(left);
    if !names_credential(target) || super::config::is_signing_secret(target) {
        return;
    }
    if let Some(value) = literal(right, ctx.src)
        && may_be_credential(&value)
        && (!target.to_ascii_lowercase().ends_with("token") || looks_random(&value))
    {
        let detail = format!("{target} is a literal credential");
        credential(out, assign, value, detail);
    }
}

/// Broad `except` clauses (`Exception`, bare) whose handler returns the exception text or a
/// traceback: `return {"error": str(e)}`, `raise HTTPException(500, detail=str(exc))`.
fn exception_to_client(
    ctx: &Ctx<'_>,
    except: Node<'_>,
    handlers: &HashSet<usize>,
    out: &mut FileCode,
) {
    // `except Exception as e` is `value: (as_pattern (identifier) alias: ...)`.
    let value = except.field("value");
    let (caught_node, alias) = match value {
        Some(v) if v.kind() == "as_pattern" => (
            v.named_child(0),
            v.field("alias").map(|a| ctx.text(a).to_string()),
        ),
        other => (other, None),
    };
    let caught = caught_node.map(|v| ctx.text(v)).unwrap_or("");
    let broad = caught.is_empty()
        || caught
            .split([',', '(', ')', ' '])
            .any(|c| matches!(c, "Exception" | "BaseException"));
    let in_handler = enclosing_function(except)
        .is_some_and(|f| handlers.contains(&f.id()) || is_error_handler(ctx, f));
    let mut cursor = except.walk();
    let Some(block) = except
        .named_children(&mut cursor)
        .find(|c| c.kind() == "block")
    else {
        return;
    };
    syntax::walk(block, |n| {
        let (returned, client_facing) = match n.kind() {
            "return_statement" => (n, in_handler),
            "raise_statement" if ctx.text(n).contains("HTTPException") => (n, true),
            "function_definition" => return false,
            _ => return true,
        };
        if !client_facing {
            return false;
        }
        let text = ctx.text(returned);
        let leaks_trace = text.contains("traceback.") || text.contains("format_exc");
        let leaks_text = broad
            && alias.as_deref().is_some_and(|a| {
                text.contains(&format!("str({a})"))
                    || text.contains(&format!("repr({a})"))
                    || text.contains(&format!("{{{a}}}"))
                    || text.contains(&format!("{{{a}!r}}"))
                    || text.contains(&format!("{a}.args"))
            });
        if leaks_trace || leaks_text {
            let what = if leaks_trace {
                "a stack trace"
            } else {
                "the exception text"
            };
            fact(
                out,
                FactKind::RiskExceptionToClient,
                returned,
                &format!(
                    "response carries {what} of a caught {}",
                    if caught.is_empty() {
                        "exception"
                    } else {
                        caught
                    }
                ),
            );
        }
        false
    });
}

/// `@app.exception_handler(Exception)`, `@app.errorhandler(500)`.
fn is_error_handler(ctx: &Ctx<'_>, def: Node<'_>) -> bool {
    decorators(def).into_iter().any(|d| {
        decorator_expr(d).is_some_and(|e| {
            let m = method(e, ctx.src);
            matches!(m, "exception_handler" | "errorhandler" | "app_errorhandler")
        })
    })
}

const PERMISSION_FUNCTIONS: &[&str] = &[
    "has_permission",
    "has_object_permission",
    "check_permission",
    "check_permissions",
    "is_authorized",
    "is_authorised",
    "authorize",
    "authorise",
    "can_access",
    "check_access",
    "has_access",
    "verify_token",
    "check_auth",
    "is_allowed",
    "has_role",
    "require_role",
];

/// An authorisation function whose body (after its docstring) is just `return True`.
fn always_allows(ctx: &Ctx<'_>, def: Node<'_>, out: &mut FileCode) {
    let name = function_name(def, ctx.src);
    if !PERMISSION_FUNCTIONS.contains(&name.to_ascii_lowercase().as_str()) {
        return;
    }
    let Some(body) = def.field("body") else {
        return;
    };
    let mut cursor = body.walk();
    let statements: Vec<Node<'_>> = body
        .named_children(&mut cursor)
        .filter(|s| s.kind() != "comment")
        .filter(|s| {
            !(s.kind() == "expression_statement"
                && s.named_child(0).is_some_and(|c| c.kind() == "string"))
        })
        .collect();
    let only_true = statements.len() == 1
        && statements[0].kind() == "return_statement"
        && statements[0]
            .named_child(0)
            .is_some_and(|v| v.kind() == "true");
    if only_true {
        fact(
            out,
            FactKind::RiskAuthAlwaysAllows,
            def,
            &format!("{name} always returns True"),
        );
    }
}

/// An outbound request in a handler to a URL the request supplies, without an allow-list.
fn ssrf(ctx: &Ctx<'_>, def: Node<'_>, calls: &[Node<'_>], clients: &[Client], out: &mut FileCode) {
    let body_text = def.field("body").map(|b| ctx.text(b)).unwrap_or("");
    let lower = body_text.to_ascii_lowercase();
    if lower.contains("allowed")
        || lower.contains("allowlist")
        || lower.contains("whitelist")
        || lower.contains("urlparse")
        || lower.contains("hostname")
    {
        return;
    }
    let params: Vec<String> = parameters(def, ctx.src)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    for &call in calls {
        let q = ctx.qualified(call);
        let is_fetch = matches!(
            q.as_str(),
            "requests.get"
                | "requests.post"
                | "requests.request"
                | "requests.head"
                | "httpx.get"
                | "httpx.post"
                | "httpx.request"
                | "urllib.request.urlopen"
                | "urlopen"
        ) || (matches!(method(call, ctx.src), "get" | "post" | "request")
            && super::clients::is_client_receiver(ctx, clients, call));
        if !is_fetch {
            continue;
        }
        let url_index = usize::from(q.ends_with("request") && !q.ends_with("urlopen"));
        let Some(url) = kwarg(call, ctx.src, "url").or_else(|| args(call).get(url_index).copied())
        else {
            continue;
        };
        if let Some(source) = user_supplied(ctx, url, &params) {
            fact(
                out,
                FactKind::RiskSsrf,
                call,
                &format!("{q} fetches `{source}` from the request with no allow-list"),
            );
        }
    }
}

/// The request value a URL expression is, when it is one: a handler parameter, a URL-named
/// attribute of one (`body.callback_url`), `request.args["url"]`, or an f-string starting
/// with one.
fn user_supplied(ctx: &Ctx<'_>, url: Node<'_>, params: &[String]) -> Option<String> {
    let text = ctx.text(url);
    match url.kind() {
        "identifier" if params.iter().any(|p| p == text) => Some(text.to_string()),
        "attribute" => {
            let root = text.split('.').next().unwrap_or("");
            let last = text.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
            let url_like = ["url", "uri", "endpoint", "webhook", "callback", "host"]
                .iter()
                .any(|w| last.contains(w));
            (params.iter().any(|p| p == root) && url_like).then(|| text.to_string())
        }
        "subscript" | "call"
            if text.starts_with("request.args")
                || text.starts_with("request.form")
                || text.starts_with("request.json")
                || text.starts_with("request.query_params")
                || text.starts_with("request.GET") =>
        {
            Some(text.to_string())
        }
        "string" => {
            let mut cursor = url.walk();
            let first = url
                .named_children(&mut cursor)
                .find(|c| c.kind() != "string_start")?;
            if first.kind() != "interpolation" {
                return None;
            }
            let e = first.field("expression")?;
            user_supplied(ctx, e, params)
        }
        _ => None,
    }
}

/// strawberry `Schema` without a DisableIntrospection extension; ariadne `GraphQL(...)` with
/// introspection left on (its default) or set to True.
fn graphql_introspection(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let q = ctx.qualified(call);
    if q == "strawberry.Schema" || q == "strawberry.federation.Schema" {
        let disabled = kwarg(call, ctx.src, "extensions").is_some_and(|e| {
            let t = ctx.text(e);
            // Extensions built elsewhere cannot be read: only a literal list is judged.
            t.contains("Introspection") || !t.starts_with('[')
        });
        if !disabled {
            fact(
                out,
                FactKind::RiskGraphqlIntrospection,
                call,
                "strawberry.Schema without the DisableIntrospection extension (introspection is on by default)",
            );
        }
        return;
    }
    let last = q.rsplit('.').next().unwrap_or("");
    if q.starts_with("ariadne") && matches!(last, "GraphQL") {
        match kwarg(call, ctx.src, "introspection") {
            Some(v) if v.kind() == "true" => fact(
                out,
                FactKind::RiskGraphqlIntrospection,
                call,
                "ariadne GraphQL(introspection=True)",
            ),
            None => fact(
                out,
                FactKind::RiskGraphqlIntrospection,
                call,
                "ariadne GraphQL(...) leaves introspection on (its default)",
            ),
            _ => {}
        }
    }
}
