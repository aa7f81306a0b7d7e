//! What route handlers do with requests: stubs left in production, raw bodies passed on without
//! validation, password setting and policies, idempotency keys.

use super::ctx::{
    Ctx, callee, enclosing_function, fact, function_name, literal, method, parameters,
};
use super::routes::Handler;
use crate::model::{FactKind, FileCode, RouteKind};
use crate::syntax;
use crate::syntax::FieldChild;
use tree_sitter::Node;

pub fn extract(ctx: &Ctx<'_>, handlers: &[Handler<'_>], out: &mut FileCode) {
    for h in handlers {
        stub_handler(ctx, h.def, out);
        if h.kind == RouteKind::Http
            && matches!(h.method.as_str(), "POST" | "PUT" | "PATCH" | "ANY")
        {
            body_validation(ctx, h.def, out);
        }
    }
    for &def in &ctx.functions {
        simulated(ctx, def, out);
    }
    for &call in &ctx.calls {
        password_set(ctx, call, out);
        password_policy_call(ctx, call, out);
    }
    password_policy_fields(ctx, out);
    idempotency(ctx, out);
}

/// A handler that raises NotImplementedError, is only `pass`/`...`, carries a
/// "TODO: implement" comment, or returns a placeholder message.
fn stub_handler(ctx: &Ctx<'_>, def: Node<'_>, out: &mut FileCode) {
    let Some(body) = def.field("body") else {
        return;
    };
    let name = function_name(def, ctx.src);
    let text = ctx.text(body);
    let lower = text.to_ascii_lowercase();
    let mut cursor = body.walk();
    let statements: Vec<Node<'_>> = body
        .named_children(&mut cursor)
        .filter(|s| s.kind() != "comment")
        .filter(|s| {
            !(s.kind() == "expression_statement"
                && s.named_child(0).is_some_and(|c| c.kind() == "string"))
        })
        .collect();
    let empty = statements.is_empty()
        || statements.len() == 1
            && (statements[0].kind() == "pass_statement" || ctx.text(statements[0]) == "...");
    let why = if text.contains("NotImplementedError") {
        Some("raises NotImplementedError")
    } else if lower.contains("todo: implement") || lower.contains("todo implement") {
        Some("is marked \"TODO: implement\"")
    } else if empty {
        Some("has an empty body")
    } else if returns_placeholder(ctx, body) {
        Some("returns a placeholder response")
    } else {
        None
    };
    if let Some(why) = why {
        fact(
            out,
            FactKind::RiskStub,
            def,
            &format!("route handler {name} {why}"),
        );
    }
}

fn returns_placeholder(ctx: &Ctx<'_>, body: Node<'_>) -> bool {
    let mut found = false;
    syntax::walk(body, |n| {
        if found || n.kind() == "function_definition" {
            return false;
        }
        if n.kind() == "return_statement" {
            syntax::walk(n, |s| {
                if s.kind() == "string"
                    && let Some(v) = literal(s, ctx.src)
                {
                    let v = v.to_ascii_lowercase();
                    if v.contains("not implemented")
                        || v.contains("placeholder")
                        || v.contains("mock response")
                        || v.contains("dummy")
                        || v.contains("coming soon")
                        || v.contains("lorem ipsum")
                    {
                        found = true;
                    }
                }
                !found
            });
            return false;
        }
        true
    });
    found
}

/// Functions named to simulate or fake a result (`simulate_payment`, `mock_charge`,
/// `fake_send_email`) in non-test code.
fn simulated(ctx: &Ctx<'_>, def: Node<'_>, out: &mut FileCode) {
    let name = function_name(def, ctx.src);
    let lower = name.to_ascii_lowercase();
    let lower = lower.trim_start_matches('_');
    if ["simulate_", "mock_", "fake_", "stub_", "dummy_"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        fact(
            out,
            FactKind::RiskStub,
            def,
            &format!("{name} simulates a result outside tests"),
        );
    }
}

const RAW_BODY: &[&str] = &[
    "request.json()",
    "request.get_json(",
    "request.json",
    "request.form",
    "request.body",
    "request.data",
    "request.POST",
];

const VALIDATORS: &[&str] = &[
    "model_validate",
    "parse_obj",
    "parse_raw",
    "validate(",
    ".load(",
    "is_valid(",
    "TypeAdapter",
    "validate_json",
    "Schema(",
    "Serializer(",
];

/// Raw body read in a write handler and passed on whole (`**data`, `data` as an argument)
/// with no schema validation; a typed model parameter or validation call is evidence.
fn body_validation(ctx: &Ctx<'_>, def: Node<'_>, out: &mut FileCode) {
    let Some(body) = def.field("body") else {
        return;
    };
    let text = ctx.text(body);
    let name = function_name(def, ctx.src);
    if VALIDATORS.iter().any(|v| text.contains(v)) {
        fact(
            out,
            FactKind::HasBodyValidation,
            def,
            &format!("{name} validates its body with a schema"),
        );
        return;
    }
    if typed_model_parameter(ctx, def) {
        fact(
            out,
            FactKind::HasBodyValidation,
            def,
            &format!("{name} takes a typed model"),
        );
        return;
    }
    // Names bound to the raw body: `data = await request.json()`.
    let mut raw_vars = Vec::new();
    syntax::walk(body, |n| {
        if n.kind() == "assignment"
            && let (Some(l), Some(r)) = (n.field("left"), n.field("right"))
            && l.kind() == "identifier"
            && RAW_BODY.iter().any(|w| ctx.text(r).contains(w))
        {
            raw_vars.push(ctx.text(l).to_string());
        }
        n.kind() != "function_definition"
    });
    let mut passed = None;
    syntax::walk(body, |n| {
        if passed.is_some() {
            return false;
        }
        if n.kind() == "argument_list" {
            let mut cursor = n.walk();
            for a in n.named_children(&mut cursor) {
                let arg = match a.kind() {
                    "dictionary_splat" | "list_splat" => a.named_child(0).unwrap_or(a),
                    "keyword_argument" => a.field("value").unwrap_or(a),
                    _ => a,
                };
                let t = ctx.text(arg);
                let raw = raw_vars.iter().any(|v| v == t)
                    || RAW_BODY
                        .iter()
                        .any(|w| t == *w || t == format!("await {w}"));
                if raw
                    && let Some(call) = n.parent()
                    && !matches!(
                        callee(call, ctx.src),
                        "print" | "len" | "jsonify" | "logger.info" | "log.info"
                    )
                {
                    passed = Some((call, t.to_string()));
                    return false;
                }
            }
        }
        n.kind() != "function_definition"
    });
    if let Some((call, what)) = passed {
        fact(
            out,
            FactKind::RiskUnvalidatedBody,
            call,
            &format!(
                "{name} passes the raw request body `{what}` to {} without schema validation",
                callee(call, ctx.src)
            ),
        );
    }
}

/// A parameter annotated with a class that is not a primitive, `Request` or a dependency:
/// FastAPI validates it as the body.
fn typed_model_parameter(ctx: &Ctx<'_>, def: Node<'_>) -> bool {
    parameters(def, ctx.src).iter().any(|(_, p)| {
        if p.kind() == "typed_default_parameter"
            && p.field("value").is_some_and(|v| {
                ctx.text(v).contains("Depends")
                    || ctx.text(v).contains("Query")
                    || ctx.text(v).contains("Header")
            })
        {
            return false;
        }
        let Some(ty) = p.field("type") else {
            return false;
        };
        let t = ctx.text(ty);
        let first = t.chars().next().unwrap_or('a');
        first.is_ascii_uppercase()
            && !t.contains("Depends")
            && !matches!(
                t,
                "Request"
                    | "Response"
                    | "WebSocket"
                    | "BackgroundTasks"
                    | "Session"
                    | "AsyncSession"
                    | "UUID"
            )
            && !t.ends_with("Dep")
            && !t.starts_with("Current")
            && !t.starts_with("Optional[str")
    })
}

/// Code that stores a new password: `hash_password(body.password)`,
/// `user.set_password(form.password)`, `pwd_context.hash(data.password)`.
fn password_set(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let m = method(call, ctx.src);
    let hashes = matches!(
        m,
        "hash"
            | "hash_password"
            | "set_password"
            | "make_password"
            | "generate_password_hash"
            | "hashpw"
            | "get_password_hash"
    );
    if !hashes {
        return;
    }
    let args_text = call.field("arguments").map(|a| ctx.text(a)).unwrap_or("");
    if !args_text.to_ascii_lowercase().contains("password") {
        return;
    }
    let in_login = enclosing_function(call).is_some_and(|f| {
        let n = function_name(f, ctx.src).to_ascii_lowercase();
        n.contains("verify")
            || n.contains("login")
            || n.contains("authenticate")
            || n.contains("check")
            || n == "hash_password"
            || n == "get_password_hash"
    });
    if in_login {
        return;
    }
    fact(
        out,
        FactKind::PasswordSet,
        call,
        &format!("{} stores a user-chosen password", callee(call, ctx.src)),
    );
}

fn password_policy_call(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let name = callee(call, ctx.src);
    let last = name.rsplit('.').next().unwrap_or(name);
    let policy = matches!(
        last,
        "validate_password"
            | "zxcvbn"
            | "is_password_pwned"
            | "pwned_password"
            | "check_password_strength"
    ) || name.contains("pwnedpasswords");
    if policy {
        fact(
            out,
            FactKind::HasPasswordPolicy,
            call,
            &format!("{name} checks new passwords"),
        );
    }
}

/// `password: str = Field(min_length=12)`, `constr(min_length=...)` on a password field,
/// `@field_validator("password")`, `len(password) < N`.
fn password_policy_fields(ctx: &Ctx<'_>, out: &mut FileCode) {
    for &assign in &ctx.assignments {
        let Some(left) = assign.field("left") else {
            continue;
        };
        if !ctx.text(left).to_ascii_lowercase().contains("password") {
            continue;
        }
        let rest = format!(
            "{} {}",
            assign.field("type").map(|t| ctx.text(t)).unwrap_or(""),
            assign.field("right").map(|t| ctx.text(t)).unwrap_or("")
        );
        if rest.contains("min_length") {
            fact(
                out,
                FactKind::HasPasswordPolicy,
                assign,
                &format!("{} has a minimum length", ctx.text(left)),
            );
        }
    }
    for &cmp in &ctx.comparisons {
        let t = ctx.text(cmp);
        if t.starts_with("len(") && t.to_ascii_lowercase().contains("password") && t.contains('<') {
            fact(
                out,
                FactKind::HasPasswordPolicy,
                cmp,
                "password length checked",
            );
        }
    }
    for &def in &ctx.functions {
        for deco in super::ctx::decorators(def) {
            let t = ctx.text(deco);
            if (t.contains("validator(") || t.contains("field_validator("))
                && t.contains("password")
            {
                fact(
                    out,
                    FactKind::HasPasswordPolicy,
                    def,
                    "password field validator",
                );
            }
        }
    }
}

/// An `Idempotency-Key` header read (string or FastAPI `Header()` parameter).
fn idempotency(ctx: &Ctx<'_>, out: &mut FileCode) {
    if !ctx.text(ctx.root).contains("dempotency") {
        return;
    }
    let mut found = None;
    syntax::walk(ctx.root, |n| {
        if found.is_some() {
            return false;
        }
        match n.kind() {
            "string" => {
                // A key in a `headers={...}` dict is one this service sends, not honours.
                let sent = n.parent().is_some_and(|p| p.kind() == "pair");
                if !sent
                    && literal(n, ctx.src)
                        .is_some_and(|s| s.eq_ignore_ascii_case("idempotency-key"))
                {
                    found = Some(n);
                }
                false
            }
            "identifier" => {
                if ctx.text(n) == "idempotency_key"
                    && n.parent().is_some_and(|p| {
                        matches!(
                            p.kind(),
                            "typed_parameter" | "typed_default_parameter" | "default_parameter"
                        ) && ctx.text(p).contains("Header(")
                    })
                {
                    found = Some(n);
                }
                false
            }
            _ => true,
        }
    });
    if let Some(n) = found {
        fact(
            out,
            FactKind::HasIdempotencyKey,
            n,
            "Idempotency-Key header read",
        );
    }
}
