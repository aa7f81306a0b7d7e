//! What handlers and their helpers do wrong or right: debug mode, error text sent to clients,
//! auth functions that always allow, stubs, password policies, GraphQL introspection and raw
//! request bodies.

use super::ast::{Call, Ctx, function_name, string_value};
use crate::model::{Fact, FactKind, FileCode};
use crate::syntax::FieldChild;
use crate::syntax::{pos, walk};
use tree_sitter::Node;

const AUTH_FUNCTIONS: &[&str] = &[
    "authorize",
    "authorise",
    "isallowed",
    "haspermission",
    "checkpermission",
    "isauthorized",
    "isauthorised",
    "canaccess",
    "authmiddleware",
    "requireauth",
    "authrequired",
    "authenticate",
    "requireuser",
    "requireadmin",
    "isadmin",
    "checkauth",
    "verifytoken",
    "validatetoken",
];

const SERVER_ERRORS: &[&str] = &[
    "StatusInternalServerError",
    "StatusBadGateway",
    "StatusServiceUnavailable",
    "StatusGatewayTimeout",
    "500",
    "502",
    "503",
];

pub fn extract(
    ctx: &Ctx<'_>,
    root: Node<'_>,
    calls: &[Node<'_>],
    other: &[Node<'_>],
    out: &mut FileCode,
) {
    let generated = ctx
        .text(root)
        .lines()
        .take(5)
        .any(|l| l.contains("Code generated") && l.contains("DO NOT EDIT"));
    for &node in calls {
        let Some(call) = Call::of(node, ctx.src) else {
            continue;
        };
        debug_mode(ctx, call, out);
        error_to_client(ctx, call, out);
        if !generated {
            stub_call(ctx, call, out);
        }
        password_set(ctx, call, out);
        graphql(ctx, call, out);
        raw_body(ctx, call, out);
    }
    for &n in other {
        match n.kind() {
            "function_declaration" | "method_declaration" => always_allows(ctx, n, out),
            "comment" => {
                if !generated {
                    todo_comment(ctx, n, out);
                }
                continue;
            }
            "assignment_statement" => {
                let t = ctx.text(n).replace(' ', "");
                if t.ends_with(".Debug=true") && ctx.imports_any(&["github.com/labstack/echo"]) {
                    out.facts.push(Fact::new(
                        FactKind::RiskDebugMode,
                        pos(n),
                        "echo debug mode enabled (`e.Debug = true`)",
                    ));
                }
            }
            "binary_expression" => password_length_check(ctx, n, out),
            "field_declaration" => password_tag(ctx, n, out),
            _ => {}
        }
    }
}

/// `gin.SetMode(gin.DebugMode)`.
fn debug_mode(ctx: &Ctx<'_>, call: Call<'_>, out: &mut FileCode) {
    if call.name == "SetMode"
        && call.recv.is_some_and(|r| {
            ctx.package_of(r)
                .is_some_and(|p| p.starts_with("github.com/gin-gonic/gin"))
        })
        && call.arg(0).is_some_and(|a| {
            ctx.text(a).ends_with("DebugMode")
                || string_value(a, ctx.src).as_deref() == Some("debug")
        })
    {
        out.facts.push(Fact::new(
            FactKind::RiskDebugMode,
            call.pos(),
            "gin debug mode set (`gin.SetMode(gin.DebugMode)`)",
        ));
    }
}

fn is_server_error(ctx: &Ctx<'_>, n: Node<'_>) -> bool {
    let t = ctx.text(n);
    SERVER_ERRORS
        .iter()
        .any(|s| t == *s || t.ends_with(&format!(".{s}")))
}

/// Whether an expression renders an error's text: `err.Error()`, `fmt.Sprintf("%v", err)`.
fn renders_error(ctx: &Ctx<'_>, n: Node<'_>) -> bool {
    let mut found = false;
    walk(n, |x| {
        if found {
            return false;
        }
        if let Some(c) = Call::of(x, ctx.src) {
            let recv = c.recv.map(|r| ctx.text(r)).unwrap_or("");
            if c.name == "Error" && c.args().is_empty() && is_err_name(recv) {
                found = true;
            }
            if recv == "fmt"
                && c.name.starts_with("Sprint")
                && c.args().iter().skip(1).any(|a| is_err_name(ctx.text(*a)))
            {
                found = true;
            }
            if recv == "debug" && c.name == "Stack" {
                found = true;
            }
        }
        true
    });
    found
}

fn is_err_name(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l == "err" || l == "e" || l.ends_with("err") || l.ends_with("error")
}

/// `http.Error(w, err.Error(), 500)`, `c.JSON(http.StatusInternalServerError, gin.H{"error":
/// err.Error()})`, `c.Status(500).SendString(err.Error())`.
fn error_to_client(ctx: &Ctx<'_>, call: Call<'_>, out: &mut FileCode) {
    if !matches!(
        call.name,
        "Error"
            | "JSON"
            | "String"
            | "AbortWithStatusJSON"
            | "NewHTTPError"
            | "NewError"
            | "SendString"
            | "IndentedJSON"
            | "PureJSON"
            | "Write"
    ) {
        return;
    }
    let args = call.args();
    let mut status = args.iter().any(|a| is_server_error(ctx, *a));
    if !status
        && let Some(r) = call.recv
        && let Some(inner) = Call::of(r, ctx.src)
        && inner.name == "Status"
    {
        status = inner.args().iter().any(|a| is_server_error(ctx, *a));
    }
    if !status {
        return;
    }
    if args
        .iter()
        .any(|a| !is_server_error(ctx, *a) && renders_error(ctx, *a))
    {
        out.facts.push(Fact::new(
            FactKind::RiskExceptionToClient,
            call.pos(),
            "internal error text returned to the client in a 5xx response",
        ));
    }
}

/// `panic("not implemented")`, `errors.New("not implemented")`, `http.StatusNotImplemented`,
/// `codes.Unimplemented`.
fn stub_call(ctx: &Ctx<'_>, call: Call<'_>, out: &mut FileCode) {
    if !matches!(
        call.name,
        "panic"
            | "New"
            | "Errorf"
            | "WriteHeader"
            | "Error"
            | "JSON"
            | "String"
            | "Status"
            | "SendStatus"
            | "NoContent"
    ) {
        return;
    }
    let recv = call.recv.map(|r| ctx.text(r)).unwrap_or("");
    let args = call.args();
    let message = |i: usize| {
        args.get(i)
            .and_then(|a| string_value(*a, ctx.src))
            .map(|s| s.to_ascii_lowercase())
    };
    let stub_text = |s: &str| {
        s.contains("not implemented")
            || s.starts_with("todo")
            || s.contains("unimplemented")
            || s.contains("not yet implemented")
    };
    let is_stub = match (recv, call.name) {
        ("", "panic") => message(0).is_some_and(|m| stub_text(&m)),
        ("status", "Error" | "Errorf") => args
            .first()
            .is_some_and(|a| ctx.text(*a) == "codes.Unimplemented"),
        // Returned from a function, not a package-level sentinel (`var ErrNotImplemented`).
        ("errors", "New") | ("fmt", "Errorf") => {
            message(0).is_some_and(|m| stub_text(&m))
                && ctx
                    .index
                    .ancestor_of_kind(call.node, &["return_statement"])
                    .is_some()
        }
        (
            _,
            "WriteHeader" | "Error" | "JSON" | "String" | "Status" | "SendStatus" | "NoContent",
        ) => args
            .iter()
            .any(|a| ctx.text(*a).ends_with("StatusNotImplemented") || ctx.text(*a) == "501"),
        _ => false,
    };
    if is_stub {
        out.facts.push(Fact::new(
            FactKind::RiskStub,
            call.pos(),
            "handler answers \"not implemented\": a stub in production code",
        ));
    }
}

/// `// TODO: implement` inside a function body.
fn todo_comment(ctx: &Ctx<'_>, n: Node<'_>, out: &mut FileCode) {
    let l = ctx.text(n).to_ascii_lowercase();
    let stub = [
        "todo: implement",
        "todo implement",
        "fixme: implement",
        "todo: replace mock",
        "todo: real implementation",
    ]
    .iter()
    .any(|w| l.contains(w));
    if stub
        && ctx
            .index
            .ancestor_of_kind(n, &["function_declaration", "method_declaration"])
            .is_some()
    {
        out.facts.push(Fact::new(
            FactKind::RiskStub,
            pos(n),
            format!("`{}` in a function body", ctx.text(n).trim()),
        ));
    }
}

/// An auth function whose whole body is `return true`, or an auth middleware that calls the
/// next handler without a single condition.
fn always_allows(ctx: &Ctx<'_>, func: Node<'_>, out: &mut FileCode) {
    let name = function_name(func, ctx.src);
    let lname = name
        .rsplit('.')
        .next()
        .unwrap_or(&name)
        .to_ascii_lowercase();
    if !AUTH_FUNCTIONS.iter().any(|w| lname.contains(w)) {
        return;
    }
    let Some(body) = func.field("body") else {
        return;
    };
    let stmts = super::ast::statements(body);
    let only_true = stmts.len() == 1
        && stmts[0].kind() == "return_statement"
        && matches!(
            ctx.text(stmts[0]).replace(' ', "").as_str(),
            "returntrue" | "returntrue,nil"
        );
    let text = ctx.text(body);
    let mut conditional = false;
    walk(body, |n| {
        if matches!(
            n.kind(),
            "if_statement"
                | "expression_switch_statement"
                | "type_switch_statement"
                | "select_statement"
        ) {
            conditional = true;
        }
        !conditional
    });
    let passes_through = !conditional
        && (text.contains("next.ServeHTTP(")
            || text.contains("c.Next()")
            || text.contains("return next(c)")
            || text.contains("return c.Next()"));
    if only_true || passes_through {
        out.facts.push(Fact::new(
            FactKind::RiskAuthAlwaysAllows,
            pos(func),
            format!("`{name}` allows every request: no condition can deny"),
        ));
    }
}

/// `bcrypt.GenerateFromPassword`, `argon2.IDKey`, `scrypt.Key` on a new password.
fn password_set(ctx: &Ctx<'_>, call: Call<'_>, out: &mut FileCode) {
    let Some(recv) = call.recv else {
        return;
    };
    let strong = match (ctx.package_of(recv), call.name) {
        (Some(p), "GenerateFromPassword") if p.ends_with("/bcrypt") => true,
        (Some(p), "IDKey" | "Key") if p.ends_with("/argon2") || p.ends_with("/scrypt") => true,
        _ => false,
    };
    if strong && super::crypto::is_setting_function(ctx, call.node) {
        out.facts.push(Fact::new(
            FactKind::PasswordSet,
            call.pos(),
            "new password hashed for storage",
        ));
    }
}

/// `len(req.Password) < 12`.
fn password_length_check(ctx: &Ctx<'_>, n: Node<'_>, out: &mut FileCode) {
    let op = n.field("operator").map(|o| ctx.text(o));
    if !matches!(op, Some("<" | "<=" | ">=" | ">")) {
        return;
    }
    let t = ctx.text(n).to_ascii_lowercase();
    if (t.contains("len(") || t.contains("runecountinstring("))
        && (t.contains("password") || t.contains("passwd"))
    {
        out.facts.push(Fact::new(
            FactKind::HasPasswordPolicy,
            pos(n),
            "minimum password length checked",
        ));
    }
}

/// `Password string `validate:"required,min=12"``.
fn password_tag(ctx: &Ctx<'_>, n: Node<'_>, out: &mut FileCode) {
    let (Some(name), Some(tag)) = (n.field("name"), n.field("tag")) else {
        return;
    };
    let lname = ctx.text(name).to_ascii_lowercase();
    let tag = ctx.text(tag);
    if lname.contains("password")
        && !lname.contains("hash")
        && (tag.contains("min=") || tag.contains("gte="))
    {
        out.facts.push(Fact::new(
            FactKind::HasPasswordPolicy,
            pos(n),
            "password field validated with a minimum length",
        ));
    }
}

/// gqlgen `handler.NewDefaultServer` (introspection on), `srv.Use(extension.Introspection{})`
/// outside a condition, graph-gophers `graphql.MustParseSchema` without `DisableIntrospection`.
fn graphql(ctx: &Ctx<'_>, call: Call<'_>, out: &mut FileCode) {
    let Some(recv) = call.recv else {
        return;
    };
    let pkg = ctx.package_of(recv).unwrap_or("");
    let conditional = ctx
        .index
        .ancestor_of_kind(call.node, &["if_statement"])
        .is_some();
    let risky = match call.name {
        "NewDefaultServer" if pkg.starts_with("github.com/99designs/gqlgen") => !conditional,
        "Use" => {
            call.args()
                .iter()
                .any(|a| ctx.text(*a).contains("extension.Introspection"))
                && !conditional
        }
        "MustParseSchema" | "ParseSchema"
            if pkg.starts_with("github.com/graph-gophers/graphql-go") =>
        {
            !call
                .args()
                .iter()
                .any(|a| ctx.text(*a).contains("DisableIntrospection"))
        }
        _ => false,
    };
    if risky {
        out.facts.push(Fact::new(
            FactKind::RiskGraphqlIntrospection,
            call.pos(),
            "GraphQL introspection is enabled in every environment",
        ));
    }
}

/// `json.NewDecoder(r.Body).Decode(&m)`, `c.ShouldBindJSON(&m)`, `c.BodyParser(&m)` into a
/// `map[string]any`: the body is passed on with no schema at all.
fn raw_body(ctx: &Ctx<'_>, call: Call<'_>, out: &mut FileCode) {
    let binds = match call.name {
        "Decode" => ctx.text(call.node).contains("Body"),
        "ShouldBindJSON" | "BindJSON" | "ShouldBind" | "Bind" | "BodyParser" => true,
        _ => false,
    };
    if !binds {
        return;
    }
    let Some(target) = call.args().into_iter().next() else {
        return;
    };
    let Some(name) = ctx.text(target).strip_prefix('&') else {
        return;
    };
    let Some(func) = ctx.top_function(call.node) else {
        return;
    };
    let body: String = ctx
        .text(func)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let map_decl = [
        format!("var {name} map[string]"),
        format!("{name} := map[string]"),
        format!("{name} := make(map[string]"),
    ]
    .iter()
    .any(|d| body.contains(d.as_str()));
    if map_decl {
        out.facts.push(Fact::new(
            FactKind::RiskUnvalidatedBody,
            call.pos(),
            format!("the request body is decoded into `{name}`, a map[string]any with no schema"),
        ));
    }
}
