//! What a middleware or handler wrapper is, from the name the code gives it: an auth guard
//! (with the roles it demands), something known not to authenticate (logging, CORS, metrics),
//! or a function vouch cannot name (its routes' auth is then unknown, never "none").

use super::ast::{Call, Ctx, string_value};
use crate::syntax::FieldChild;
use tree_sitter::Node;

#[derive(Debug, PartialEq, Eq)]
pub enum Middleware {
    /// Authenticates; `roles` are roles/permissions it demands on top.
    Auth {
        evidence: String,
        roles: Vec<String>,
    },
    /// Known not to authenticate.
    Neutral,
    /// Cannot tell: may or may not authenticate.
    Unknown(String),
}

const AUTH_WORDS: &[&str] = &[
    "auth",
    "jwt",
    "requireuser",
    "currentuser",
    "requirelogin",
    "loginrequired",
    "mustlogin",
    "bearer",
    "apikey",
    "api_key",
    "verifytoken",
    "validatetoken",
    "checktoken",
    "tokenrequired",
    "requiretoken",
    "permission",
    "rbac",
    "requirerole",
    "hasrole",
    "casbin",
    "adminonly",
    "requireadmin",
    "isadmin",
    "protected",
    "loggedin",
    "signedin",
    "activateduser",
];

const NEUTRAL_WORDS: &[&str] = &[
    "log",
    "recover",
    "cors",
    "gzip",
    "compress",
    "otel",
    "tracing",
    "tracer",
    "trace",
    "metric",
    "prometheus",
    "instrument",
    "requestid",
    "request_id",
    "realip",
    "timeout",
    "ratelimit",
    "rate_limit",
    "limit",
    "throttle",
    "heartbeat",
    "cleanpath",
    "slash",
    "nocache",
    "secure",
    "helmet",
    "sentry",
    "contenttype",
    "setheader",
    "maxbytes",
    "bodylimit",
    "requestsize",
    "etag",
    "static",
    "handlerfunc",
    "wraph",
    "wrapf",
    "gin.default",
    "stripprefix",
    "csrf",
    "decompress",
    "urlformat",
    "pprof",
    "profiler",
    "servefiles",
    "fileserver",
    "withvalue",
    "zap",
    "zerolog",
    "slog",
    "sessions.sessions",
    "methodoverride",
    "rewrite",
    "redirect",
    "favicon",
    "monitor",
    "health",
    "idempoten",
    "cookie",
    "gethead",
    "compress",
    "cache",
    "locale",
    "i18n",
];

/// Classifies a middleware expression (`auth`, `mw.RequireAuth(cfg)`, `jwtauth.Verifier(ta)`).
pub fn classify(ctx: &Ctx<'_>, expr: Node<'_>) -> Middleware {
    let text = ctx.text(expr);
    // The callee of a constructor call names the middleware; the arguments do not.
    let head = match Call::of(expr, ctx.src) {
        Some(call) => ctx.text(call.node.field("function").unwrap_or(expr)),
        None => text,
    };
    let head_lower: String = head
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let short = head.trim().to_string();
    if AUTH_WORDS.iter().any(|w| head_lower.contains(w)) && !head_lower.contains("author") {
        return Middleware::Auth {
            evidence: short,
            roles: roles_of(ctx, expr, &head_lower),
        };
    }
    if head_lower.contains("author") && head_lower.contains("authoriz") {
        return Middleware::Auth {
            evidence: short,
            roles: roles_of(ctx, expr, &head_lower),
        };
    }
    if NEUTRAL_WORDS.iter().any(|w| head_lower.contains(w)) {
        return Middleware::Neutral;
    }
    // `c := cors.New(...)` then `r.Use(c.Handler)`: the variable's constructor names it.
    if let Some(rhs) = local_constructor(ctx, expr) {
        return match classify(ctx, rhs) {
            Middleware::Unknown(_) => Middleware::Unknown(short),
            known => known,
        };
    }
    Middleware::Unknown(short)
}

/// The call a local variable (the operand of `x` or `x.Handler`) was assigned from.
fn local_constructor<'t>(ctx: &Ctx<'t>, expr: Node<'t>) -> Option<Node<'t>> {
    let ident = match expr.kind() {
        "identifier" => expr,
        "selector_expression" => expr.field("operand")?,
        _ => return None,
    };
    if ident.kind() != "identifier" {
        return None;
    }
    let name = ctx.text(ident);
    let func = ctx.top_function(ident)?;
    // The first declaration before the use, in source order.
    ctx.index
        .of_kind(func, "short_var_declaration")
        .into_iter()
        .take_while(|n| n.start_byte() <= ident.start_byte())
        .find_map(|n| {
            let (l, r) = (n.field("left")?, n.field("right")?);
            let value = r.named_child(0)?;
            (l.named_child_count() == 1
                && ctx.text(l).trim() == name
                && value.kind() == "call_expression")
                .then_some(value)
        })
}

/// Roles a guard demands: string arguments of role/permission guards, `admin` from names such
/// as `AdminOnly`.
fn roles_of(ctx: &Ctx<'_>, expr: Node<'_>, head_lower: &str) -> Vec<String> {
    let mut roles = Vec::new();
    let role_guard = [
        "role",
        "permission",
        "rbac",
        "scope",
        "casbin",
        "authoriz",
        "admin",
    ]
    .iter()
    .any(|w| head_lower.contains(w));
    if !role_guard {
        return roles;
    }
    if let Some(call) = Call::of(expr, ctx.src) {
        for arg in call.args() {
            if let Some(s) = string_value(arg, ctx.src) {
                roles.push(s);
            } else if arg.kind() == "selector_expression" || arg.kind() == "identifier" {
                // `models.RoleAdmin`, `PermWriteOrders`: constants named like a role.
                let t = ctx.text(arg);
                let last = t.rsplit('.').next().unwrap_or(t);
                let l = last.to_ascii_lowercase();
                if ["role", "perm", "admin", "scope"]
                    .iter()
                    .any(|w| l.contains(w))
                    && !l.contains("handler")
                {
                    roles.push(last.to_string());
                }
            }
        }
    }
    if roles.is_empty() && head_lower.contains("admin") {
        roles.push("admin".into());
    }
    roles
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify_src(expr: &str) -> Middleware {
        let src = format!("package main\n\nvar x = {expr}\n");
        let tree = crate::parse::parse(crate::Language::Go, src.as_bytes()).expect("parses");
        let root = tree.root_node();
        let ctx = Ctx::new("main.go", src.as_bytes(), root);
        let spec = ctx.index.of_kind(root, "expression_list")[0];
        let node = spec.named_child(0).expect("expr");
        classify(&ctx, node)
    }

    #[test]
    fn names_auth_neutral_and_unknown() {
        assert!(matches!(
            classify_src("requireAuth"),
            Middleware::Auth { .. }
        ));
        assert!(matches!(
            classify_src("jwtauth.Verifier(tokenAuth)"),
            Middleware::Auth { .. }
        ));
        assert!(matches!(
            classify_src("middleware.Logger"),
            Middleware::Neutral
        ));
        assert!(matches!(
            classify_src("cors.Handler(opts)"),
            Middleware::Neutral
        ));
        assert!(matches!(classify_src("withTenant"), Middleware::Unknown(_)));
        assert_eq!(
            classify_src("RequireRole(\"admin\", \"ops\")"),
            Middleware::Auth {
                evidence: "RequireRole".into(),
                roles: vec!["admin".into(), "ops".into()]
            }
        );
        assert!(matches!(
            classify_src("authorsHandler"),
            Middleware::Unknown(_)
        ));
    }
}
