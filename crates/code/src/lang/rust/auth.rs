//! What counts as an auth guard in Rust web code: extractor types in a handler's parameters
//! (`AuthUser`, `Claims`, `Extension<CurrentUser>`, `RequireRole<Admin>`) and middleware in
//! `.layer(..)`/`.route_layer(..)`/`.wrap(..)` (`from_fn(require_auth)`,
//! `HttpAuthentication::bearer(..)`, `ValidateRequestHeaderLayer::bearer(..)`).

use super::ast::{self, Ctx};
use tree_sitter::Node;

/// A guard found on a handler or a router.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Guard {
    Required {
        evidence: String,
        roles: Vec<String>,
    },
    /// A session or optional identity: the handler may or may not check it.
    Maybe(String),
}

/// Classifies a handler parameter's type.
pub fn from_param_type(ty: &str) -> Option<Guard> {
    let ty = ty.trim().trim_start_matches('&').trim();
    let (outer, inner) = split_generic(ty);
    let outer_name = last_segment(outer);
    match outer_name {
        // An optional identity does not guard the route.
        "Option" => return None,
        "Extension" | "ReqData" | "Data" | "Extract" => return inner.and_then(from_param_type),
        "TypedHeader" | "Header" if inner.is_some_and(|i| i.contains("Authorization")) => {
            return Some(required(
                "`Authorization` header extractor (requests without credentials are rejected)",
                Vec::new(),
            ));
        }
        _ => {}
    }
    let lower = outer_name.to_ascii_lowercase();
    let roles = roles_of(outer_name, inner);
    if outer_name == "AuthSession" || lower == "session" || lower.ends_with("session") {
        return Some(Guard::Maybe(format!(
            "handler reads a `{outer_name}`: vouch cannot tell whether it checks a login"
        )));
    }
    let is_auth = lower.ends_with("claims")
        || lower.contains("auth")
        || matches!(
            outer_name,
            "User" | "CurrentUser" | "LoggedInUser" | "SessionUser" | "Identity" | "Principal"
        )
        || lower.ends_with("apikey")
        || !roles.is_empty();
    is_auth.then(|| required(&format!("`{outer_name}` extractor"), roles))
}

fn required(evidence: &str, roles: Vec<String>) -> Guard {
    Guard::Required {
        evidence: evidence.to_string(),
        roles,
    }
}

/// `RequireRole<Admin>` → `admin`; `AdminUser` → `admin`; `RequirePermission<Write>` → `write`.
fn roles_of(outer: &str, inner: Option<&str>) -> Vec<String> {
    let lower = outer.to_ascii_lowercase();
    if (lower.contains("role") || lower.contains("permission"))
        && let Some(i) = inner
    {
        return vec![last_segment(i).to_ascii_lowercase()];
    }
    if lower.contains("admin") {
        return vec!["admin".into()];
    }
    Vec::new()
}

/// `a::B<C<D>>` → (`a::B`, Some(`C<D>`)).
fn split_generic(ty: &str) -> (&str, Option<&str>) {
    match ty.find('<') {
        Some(i) if ty.ends_with('>') => (&ty[..i], Some(&ty[i + 1..ty.len() - 1])),
        _ => (ty, None),
    }
}

fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path).trim()
}

/// The guard a handler function's parameters and role checks give.
pub fn of_function(ctx: &Ctx<'_>, func: Node<'_>) -> Option<Guard> {
    let params = func.child_by_field_name("parameters")?;
    let mut guard = None;
    let mut cursor = params.walk();
    for p in params.named_children(&mut cursor) {
        let ty = p.child_by_field_name("type").map(|t| ctx.text(t));
        match ty.and_then(from_param_type) {
            Some(g @ Guard::Required { .. }) => {
                guard = Some(g);
                break;
            }
            Some(g) if guard.is_none() => guard = Some(g),
            _ => {}
        }
    }
    // A role check in the body (`if !user.is_admin() { return Err(FORBIDDEN) }`).
    if let Some(Guard::Required { roles, .. }) = &mut guard
        && roles.is_empty()
        && let Some(body) = func.child_by_field_name("body")
    {
        roles.extend(body_roles(ctx.text(body)));
    }
    guard
}

/// Roles a handler body checks itself.
pub fn body_roles(body: &str) -> Vec<String> {
    let lower = body.to_ascii_lowercase();
    let checks_admin = [
        "is_admin",
        "require_admin",
        "ensure_admin",
        "role::admin",
        "roles::admin",
        "\"admin\"",
    ]
    .iter()
    .any(|w| lower.contains(w));
    let denies =
        lower.contains("forbidden") || lower.contains("unauthorized") || body.contains('?');
    if checks_admin && denies {
        vec!["admin".into()]
    } else {
        Vec::new()
    }
}

/// Classifies the argument of `.layer(..)`, `.route_layer(..)` or `.wrap(..)`.
pub fn of_middleware(ctx: &Ctx<'_>, arg: Node<'_>) -> Option<Guard> {
    let src = ctx.src;
    match arg.kind() {
        "call_expression" => {
            let callee = ast::callee(arg, src);
            let name = ast::call_name(arg, src);
            // ServiceBuilder::new().layer(a).layer(b): any of its layers.
            if ast::receiver(arg).is_some() && matches!(name, "layer" | "wrap") {
                let (_, links) = ast::chain(arg, src);
                return links
                    .iter()
                    .filter(|l| matches!(l.method.as_str(), "layer" | "wrap"))
                    .filter_map(|l| {
                        ast::args(l.call)
                            .first()
                            .and_then(|a| of_middleware(ctx, *a))
                    })
                    .next();
            }
            if matches!(
                name,
                "from_fn" | "from_fn_with_state" | "wrap_fn" | "from_extractor_with_state"
            ) || name == "from_extractor"
            {
                if name.starts_with("from_extractor") {
                    let f = arg.child_by_field_name("function")?;
                    let targs = ast::descendant_text_of_kind(f, "type_arguments", src)?;
                    let first =
                        ast::split_top_level(targs.trim_start_matches('<').trim_end_matches('>'))
                            .first()
                            .map(|s| s.to_string())?;
                    return from_param_type(&first).filter(|g| matches!(g, Guard::Required { .. }));
                }
                let f = ast::args(arg).last().copied()?;
                return named(ctx.text(f), &format!("{callee}({})", ctx.text(f)));
            }
            named(callee, &format!("{callee}(..)"))
        }
        "macro_invocation" => {
            let t = ctx.text(arg);
            named(
                t.split('!').next().unwrap_or(t),
                t.split('(').next().unwrap_or(t),
            )
        }
        "identifier" | "scoped_identifier" | "struct_expression" => {
            let t = ctx.text(arg);
            named(
                t.split('{').next().unwrap_or(t).trim(),
                t.split('{').next().unwrap_or(t).trim(),
            )
        }
        _ => None,
    }
}

/// A middleware named in text (actix `#[get("/x", wrap = "Auth")]`).
pub fn middleware_name(name: &str) -> Option<Guard> {
    named(name, name)
}

/// A middleware or layer name that says it authenticates.
fn named(name: &str, evidence: &str) -> Option<Guard> {
    let lower = name.to_ascii_lowercase();
    if lower.contains("csrf") || lower.contains("cors") || lower.contains("author_") {
        return None;
    }
    let is_auth = [
        "auth",
        "jwt",
        "bearer",
        "login_required",
        "require_login",
        "require_user",
    ]
    .iter()
    .any(|w| lower.contains(w))
        || lower.ends_with("::basic")
        || lower.contains("api_key")
        || lower.contains("apikey")
        || lower.contains("verify_token")
        || lower.contains("validate_token")
        || lower.contains("require_admin");
    let roles = if lower.contains("admin") {
        vec!["admin".to_string()]
    } else {
        Vec::new()
    };
    is_auth.then(|| Guard::Required {
        evidence: evidence.to_string(),
        roles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(g: Option<Guard>) -> Option<Vec<String>> {
        match g {
            Some(Guard::Required { roles, .. }) => Some(roles),
            _ => None,
        }
    }

    #[test]
    fn extractor_types() {
        assert_eq!(ev(from_param_type("AuthUser")), Some(vec![]));
        assert_eq!(ev(from_param_type("Extension<Claims>")), Some(vec![]));
        assert_eq!(
            ev(from_param_type("RequireRole<Admin>")),
            Some(vec!["admin".into()])
        );
        assert_eq!(ev(from_param_type("AdminUser")), Some(vec!["admin".into()]));
        assert_eq!(ev(from_param_type("Option<AuthUser>")), None);
        assert_eq!(ev(from_param_type("Json<CreateUser>")), None);
        assert_eq!(ev(from_param_type("State<AppState>")), None);
        assert!(matches!(from_param_type("Session"), Some(Guard::Maybe(_))));
        assert_eq!(
            ev(from_param_type("TypedHeader<Authorization<Bearer>>")),
            Some(vec![])
        );
    }

    #[test]
    fn middleware_names() {
        assert!(named("require_auth", "x").is_some());
        assert!(named("auth::jwt_guard", "x").is_some());
        assert!(named("TraceLayer::new_for_http", "x").is_none());
        assert!(named("CorsLayer::new", "x").is_none());
        assert_eq!(
            ev(named("require_admin", "x")),
            Some(vec!["admin".to_string()])
        );
    }
}
