//! What counts as an auth guard in Rust web code: extractor types in a handler's parameters
//! (`AuthUser`, `Claims`, `Extension<CurrentUser>`, `RequireRole<Admin>`) and middleware in
//! `.layer(..)`/`.route_layer(..)`/`.wrap(..)` (`from_fn(require_auth)`,
//! `HttpAuthentication::bearer(..)`, `ValidateRequestHeaderLayer::bearer(..)`).

use super::ast::{self, Ctx};
use crate::syntax::FieldChild;
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
    if ty.len() > 512 {
        return None;
    }
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
    let params = func.field("parameters")?;
    let mut guard = None;
    let mut cursor = params.walk();
    for p in params.named_children(&mut cursor) {
        let ty = p.field("type").map(|t| ctx.text(t));
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
        && let Some(body) = func.field("body")
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

/// Layers and middleware that never authenticate (tower-http, actix-web, observability).
const NOT_AUTH: &[&str] = &[
    "TraceLayer",
    "CorsLayer",
    "Cors",
    "CompressionLayer",
    "DecompressionLayer",
    "TimeoutLayer",
    "Governor",
    "CatchPanicLayer",
    "SetRequestIdLayer",
    "PropagateRequestIdLayer",
    "RequestIdLayer",
    "DefaultBodyLimit",
    "RequestBodyLimitLayer",
    "Extension",
    "AddExtensionLayer",
    "HandleErrorLayer",
    "SetResponseHeaderLayer",
    "SetRequestHeaderLayer",
    "SetSensitiveHeadersLayer",
    "SetSensitiveRequestHeadersLayer",
    "NormalizePath",
    "Logger",
    "TracingLogger",
    "Compress",
    "ErrorHandlers",
    "DefaultHeaders",
    "SessionManagerLayer",
    "SessionMiddleware",
    "CookieManagerLayer",
    "NewSentryLayer",
    "SentryHttpLayer",
    "ConcurrencyLimitLayer",
    "LoadShedLayer",
    "BufferLayer",
    "RateLimitLayer",
    "PrometheusMetricLayer",
    "GenericMetricLayer",
    "OtelAxumLayer",
    "OtelInResponseLayer",
    "MapResponseLayer",
    "MapRequestLayer",
    "ServeDir",
    "RequestIdentifier",
    "CsrfLayer",
    "HandleError",
    "Condition",
    "RequestTracing",
    "RequestMetrics",
    "RequestDecompressionLayer",
    "InFlightRequestsLayer",
    "ResponseTimeLayer",
    "SecureHeaders",
    "HelmetLayer",
];

/// Words in a custom middleware's name that say it is not about identity.
const NOT_AUTH_WORDS: &[&str] = &[
    "metric",
    "log",
    "trace",
    "tracing",
    "timing",
    "time",
    "request_id",
    "cors",
    "compress",
    "header",
    "cache",
    "panic",
    "limit",
    "error",
    "print",
    "track",
    "telemetry",
    "span",
    "locale",
    "version",
    "security_headers",
    "csp",
    "etag",
    "redirect",
    "static",
    "propagate",
];

/// Classifies the argument of `.layer(..)`, `.route_layer(..)` or `.wrap(..)`: a guard, a
/// custom middleware that may authenticate (`Maybe`), or None for known non-auth layers.
pub fn of_middleware(ctx: &Ctx<'_>, arg: Node<'_>) -> Option<Guard> {
    of_middleware_at(ctx, arg, 0)
}

fn of_middleware_at(ctx: &Ctx<'_>, arg: Node<'_>, depth: usize) -> Option<Guard> {
    if depth > 8 {
        return None;
    }
    let src = ctx.src;
    match arg.kind() {
        "call_expression" => {
            let callee = ast::callee(arg, src);
            let name = ast::call_name(arg, src);
            // ServiceBuilder::new().layer(a).layer(b): the strongest of its layers.
            if ast::receiver(arg).is_some() && matches!(name, "layer" | "wrap" | "into_inner") {
                let (_, links) = ast::chain(arg, src);
                let guards: Vec<Guard> = links
                    .iter()
                    .filter(|l| matches!(l.method, "layer" | "wrap"))
                    .filter_map(|l| {
                        ast::args(l.call)
                            .first()
                            .and_then(|a| of_middleware_at(ctx, *a, depth + 1))
                    })
                    .collect();
                return strongest(guards);
            }
            // `CorsLayer::new().allow_origin(..)`: the layer is what the chain starts from.
            if ast::receiver(arg).is_some() {
                let (base, _) = ast::chain(arg, src);
                return match base.kind() {
                    "call_expression" | "identifier" | "scoped_identifier" => {
                        of_middleware_at(ctx, base, depth + 1)
                    }
                    _ => None,
                };
            }
            if name.starts_with("from_extractor") {
                let f = arg.field("function")?;
                let targs = ast::descendant_text_of_kind(f, "type_arguments", src)?;
                let first =
                    ast::split_top_level(targs.trim_start_matches('<').trim_end_matches('>'))
                        .first()
                        .map(|s| s.to_string())?;
                return Some(from_param_type(&first).unwrap_or_else(|| {
                    Guard::Maybe(format!("the `{first}` extractor layer may authenticate"))
                }));
            }
            if matches!(
                name,
                "from_fn"
                    | "from_fn_with_state"
                    | "wrap_fn"
                    | "map_request"
                    | "map_request_with_state"
            ) {
                let f = ast::args(arg).last().copied()?;
                let fname = ctx.text(f);
                if f.kind() == "closure_expression" {
                    return None;
                }
                return named(fname, &format!("{callee}({fname})"))
                    .or_else(|| custom(fname, &format!("{callee}({fname})")));
            }
            named(callee, &format!("{callee}(..)")).or_else(|| custom(callee, callee))
        }
        "macro_invocation" => {
            let t = ctx.text(arg);
            named(
                t.split('!').next().unwrap_or(t),
                t.split('(').next().unwrap_or(t),
            )
        }
        "identifier" => {
            let t = ctx.text(arg);
            // `let auth = from_fn(require_auth); app.layer(auth)`
            if let Some(value) = ast::local_binding(ctx, arg, t) {
                return of_middleware_at(ctx, value, depth + 1);
            }
            named(t, t).or_else(|| custom(t, t))
        }
        "scoped_identifier" | "struct_expression" => {
            let t = ctx.text(arg);
            let head = t.split('{').next().unwrap_or(t).trim();
            named(head, head).or_else(|| custom(head, head))
        }
        "reference_expression" | "parenthesized_expression" => {
            let inner = arg.field("value").or_else(|| arg.named_child(0))?;
            of_middleware_at(ctx, inner, depth + 1)
        }
        _ => None,
    }
}

/// A Required guard beats a Maybe.
fn strongest(guards: Vec<Guard>) -> Option<Guard> {
    let mut maybe = None;
    for g in guards {
        match g {
            Guard::Required { .. } => return Some(g),
            Guard::Maybe(_) if maybe.is_none() => maybe = Some(g),
            _ => {}
        }
    }
    maybe
}

/// A layer vouch does not know: it may authenticate unless its name says otherwise.
fn custom(name: &str, evidence: &str) -> Option<Guard> {
    let type_name = name
        .split("::")
        .find(|s| s.starts_with(|c: char| c.is_ascii_uppercase()))
        .unwrap_or(name);
    if NOT_AUTH.iter().any(|n| type_name.starts_with(n)) {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    if NOT_AUTH_WORDS.iter().any(|w| lower.contains(w)) {
        return None;
    }
    Some(Guard::Maybe(format!(
        "middleware `{evidence}` is applied and vouch cannot tell whether it authenticates"
    )))
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
