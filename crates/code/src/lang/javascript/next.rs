//! Next.js route handlers (`app/**/route.ts` exporting `GET`/`POST`, `pages/api/**`), with
//! auth from a session check inside the handler (`getServerSession`, `auth()`) or from
//! `middleware.ts` (resolved in `link` against its `matcher`).

use super::Ctx;
use super::ast::{args, path_of, prop, string_list, string_value};
use super::auth::{Guard, classify};
use crate::model::{Auth, FactKind, FileCode, LinkHint, Route, RouteKind};
use crate::syntax::FieldChild;
use crate::syntax::{pos, text, walk};
use tree_sitter::Node;

pub const NEXT_SCOPE: &str = "next";
/// Guard hints from `middleware.ts`: this prefix, then the matchers one per line.
pub const MIDDLEWARE_SCOPE: &str = "next-middleware:";

const HTTP_EXPORTS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];
const SESSION_CALLS: &[&str] = &[
    "getServerSession",
    "getToken",
    "currentUser",
    "getSession",
    "getUser",
    "getAuth",
    "validateRequest",
];

pub fn extract<'t>(ctx: &Ctx<'t>, out: &mut FileCode) -> Vec<Node<'t>> {
    if is_middleware_file(ctx.path) {
        middleware(ctx, out);
        return Vec::new();
    }
    let handlers = if let Some(route_path) = app_route_path(ctx.path) {
        app_routes(ctx, &route_path, out)
    } else if let Some(route_path) = pages_api_path(ctx.path) {
        let handlers = pages_route(ctx, &route_path, out);
        if let Some(handler) = handlers.first() {
            pages_body_limit(ctx, *handler, out);
        }
        handlers
    } else {
        Vec::new()
    };
    if let Some(handler) = handlers.first() {
        ctx.fact(
            out,
            FactKind::HasRecoveryMiddleware,
            *handler,
            "Next.js answers 500 when a route handler throws",
        );
    }
    handlers
}

/// pages/api routes parse bodies with a 1mb default `sizeLimit` unless `bodyParser: false`.
fn pages_body_limit(ctx: &Ctx<'_>, handler: Node<'_>, out: &mut FileCode) {
    let source = text(ctx.root, ctx.src);
    if source.contains("bodyParser: false") || source.contains("bodyParser:false") {
        return;
    }
    let detail = if source.contains("sizeLimit") {
        "Next.js API route with a configured bodyParser sizeLimit"
    } else {
        "Next.js API routes parse bodies with a 1mb default sizeLimit"
    };
    ctx.fact(out, FactKind::HasBodySizeLimit, handler, detail);
}

fn segments_to_path(segments: &[&str]) -> String {
    let mut path = String::new();
    for segment in segments {
        if segment.starts_with('(') || segment.starts_with('@') || segment.is_empty() {
            continue;
        }
        let segment =
            if let Some(inner) = segment.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
                let inner = inner.trim_start_matches('[').trim_end_matches(']');
                match inner.strip_prefix("...") {
                    Some(name) => format!("*{name}"),
                    None => format!(":{inner}"),
                }
            } else {
                segment.to_string()
            };
        path.push('/');
        path.push_str(&segment);
    }
    if path.is_empty() { "/".into() } else { path }
}

/// `src/app/api/users/[id]/route.ts` → `/api/users/:id`.
pub fn app_route_path(file: &str) -> Option<String> {
    let segments: Vec<&str> = file.split('/').collect();
    let (name, dirs) = segments.split_last()?;
    if super::module::strip_extension(name) != "route" {
        return None;
    }
    let app = dirs.iter().position(|s| *s == "app")?;
    if app > 1 || (app == 1 && dirs[0] != "src") {
        return None;
    }
    Some(segments_to_path(&dirs[app + 1..]))
}

/// `pages/api/users/index.ts` → `/api/users`.
pub fn pages_api_path(file: &str) -> Option<String> {
    let rest = file
        .strip_prefix("pages/api/")
        .or_else(|| file.strip_prefix("src/pages/api/"))?;
    let stem = super::module::strip_extension(rest);
    let stem = stem.strip_suffix("/index").unwrap_or(stem);
    let mut segments = vec!["api"];
    if stem != "index" {
        segments.extend(stem.split('/'));
    }
    Some(segments_to_path(&segments))
}

fn is_middleware_file(file: &str) -> bool {
    let stem = super::module::strip_extension(file);
    (stem == "middleware" || stem == "src/middleware") && stem.len() < file.len()
}

fn app_routes<'t>(ctx: &Ctx<'t>, route_path: &str, out: &mut FileCode) -> Vec<Node<'t>> {
    let mut handlers = Vec::new();
    let mut cursor = ctx.root.walk();
    for statement in ctx.root.named_children(&mut cursor) {
        if statement.kind() != "export_statement" {
            continue;
        }
        let Some(declaration) = statement.field("declaration") else {
            continue;
        };
        let exported: Vec<(Node<'t>, Node<'t>)> = match declaration.kind() {
            "function_declaration" => declaration
                .field("name")
                .map(|n| (n, declaration))
                .into_iter()
                .collect(),
            "lexical_declaration" => {
                let mut c = declaration.walk();
                declaration
                    .named_children(&mut c)
                    .filter_map(|d| Some((d.field("name")?, d.field("value")?)))
                    .collect()
            }
            _ => Vec::new(),
        };
        for (name, value) in exported {
            let method = text(name, ctx.src);
            if !HTTP_EXPORTS.contains(&method) {
                continue;
            }
            let handler = match value.kind() {
                "call_expression" => args(value)
                    .into_iter()
                    .find(|a| matches!(a.kind(), "arrow_function" | "function_expression"))
                    .unwrap_or(value),
                _ => value,
            };
            handlers.push(handler);
            let auth = handler_auth(ctx, value);
            out.routes
                .push(route(ctx, statement, method, route_path, method, auth));
        }
    }
    handlers
}

fn route(
    ctx: &Ctx<'_>,
    at: Node<'_>,
    method: &str,
    path: &str,
    handler: &str,
    auth: Option<String>,
) -> Route {
    let p = pos(at);
    let (auth, scope) = match auth {
        Some(evidence) => (Auth::Required { evidence }, NEXT_SCOPE),
        None => (Auth::None, NEXT_SCOPE),
    };
    Route {
        method: method.to_string(),
        path: path.to_string(),
        handler: handler.to_string(),
        file: ctx.path.to_string(),
        line: p.line,
        column: p.column,
        framework: "nextjs",
        kind: RouteKind::Http,
        auth,
        roles: Vec::new(),
        scope: scope.to_string(),
    }
}

/// A session/auth call inside the handler, or a wrapper (`withAuth(handler)`).
fn handler_auth(ctx: &Ctx<'_>, handler: Node<'_>) -> Option<String> {
    ctx.index
        .of_kind(handler, "call_expression")
        .into_iter()
        .find_map(|n| {
            let name = ctx.callee_name(n).unwrap_or("");
            let is_auth = SESSION_CALLS.contains(&name)
                || matches!(
                    classify(n, ctx.src),
                    Guard::Auth { .. } | Guard::Role { .. }
                );
            is_auth.then(|| format!("{}()", ctx.callee_path(n).unwrap_or(name)))
        })
}

fn pages_route<'t>(ctx: &Ctx<'t>, route_path: &str, out: &mut FileCode) -> Vec<Node<'t>> {
    let Some(handler) = default_handler(ctx) else {
        return Vec::new();
    };
    let mut methods = Vec::new();
    let mut reads_body = false;
    walk(handler, |n| {
        match n.kind() {
            "binary_expression" => {
                let left = n.field("left");
                let right = n.field("right");
                if let (Some(l), Some(r)) = (left, right) {
                    let is_method =
                        |x: Node<'_>| path_of(x, ctx.src).is_some_and(|p| p.ends_with(".method"));
                    let literal = if is_method(l) {
                        string_value(r, ctx.src)
                    } else if is_method(r) {
                        string_value(l, ctx.src)
                    } else {
                        None
                    };
                    methods.extend(literal);
                }
            }
            "switch_statement" => {
                let on_method = n
                    .field("value")
                    .is_some_and(|v| text(v, ctx.src).contains(".method"));
                if on_method {
                    walk(n, |c| {
                        if c.kind() == "switch_case"
                            && let Some(v) = c.field("value")
                        {
                            methods.extend(string_value(v, ctx.src));
                        }
                        true
                    });
                }
            }
            "member_expression" if path_of(n, ctx.src).is_some_and(|p| p.ends_with("req.body")) => {
                reads_body = true;
            }
            _ => {}
        }
        true
    });
    methods.retain(|m| m.chars().all(|c| c.is_ascii_uppercase()));
    methods.sort();
    methods.dedup();
    if methods.is_empty() {
        methods.push(if reads_body { "ANY" } else { "GET" }.to_string());
    }
    let auth = handler_auth(ctx, handler);
    let name = super::ast::function_name(handler, ctx.src).unwrap_or("handler");
    for method in methods {
        out.routes
            .push(route(ctx, handler, &method, route_path, name, auth.clone()));
    }
    vec![handler]
}

/// `export default function handler(req, res)` / `export default withAuth(handler)`.
fn default_handler<'t>(ctx: &Ctx<'t>) -> Option<Node<'t>> {
    let mut cursor = ctx.root.walk();
    let statements: Vec<Node<'t>> = ctx.root.named_children(&mut cursor).collect();
    for statement in statements {
        if statement.kind() != "export_statement" {
            continue;
        }
        let is_default = {
            let mut c = statement.walk();
            statement.children(&mut c).any(|x| x.kind() == "default")
        };
        if !is_default {
            continue;
        }
        let node = statement
            .field("declaration")
            .or_else(|| statement.field("value"))?;
        return match node.kind() {
            "identifier" => super::express::local_function(ctx, text(node, ctx.src)),
            _ => Some(node),
        };
    }
    None
}

/// `middleware.ts`: whether it authenticates, and the paths its `config.matcher` covers.
fn middleware(ctx: &Ctx<'_>, out: &mut FileCode) {
    let evidence = handler_auth(ctx, ctx.root).or_else(|| {
        let source = text(ctx.root, ctx.src);
        if source.contains("auth as middleware") {
            Some("export { auth as middleware }".to_string())
        } else if source.contains("next-auth/middleware") {
            Some("next-auth/middleware".to_string())
        } else {
            None
        }
    });
    let Some(evidence) = evidence else {
        return;
    };
    let mut matchers = Vec::new();
    for n in ctx.index.of_kind(ctx.root, "variable_declarator") {
        if n.field("name")
            .is_some_and(|x| text(x, ctx.src) == "config")
            && let Some(value) = n.field("value")
            && let Some(m) = prop(value, "matcher", ctx.src)
        {
            matchers = string_list(m, ctx.src).unwrap_or_else(|| vec!["(?!".into()]);
        }
    }
    out.link_hints.push(LinkHint::Guard {
        scope: format!("{MIDDLEWARE_SCOPE}{}", matchers.join("\n")),
        evidence: format!("middleware.ts: {evidence}"),
        line: 1,
    });
}

/// Whether a middleware matcher list covers `path` (`None`: a regex vouch does not evaluate).
pub fn matcher_covers(matchers: &str, path: &str) -> Option<bool> {
    if matchers.is_empty() {
        return Some(true);
    }
    for matcher in matchers.lines() {
        if matcher.contains("(?") {
            return None;
        }
        let prefix = matcher
            .split([':', '('])
            .next()
            .unwrap_or("")
            .trim_end_matches('/');
        let whole = !matcher.contains([':', '(']);
        let covered = if whole {
            path == matcher
        } else {
            prefix.is_empty()
                || path == prefix
                || path
                    .strip_prefix(prefix)
                    .is_some_and(|r| r.starts_with('/'))
        };
        if covered {
            return Some(true);
        }
    }
    Some(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_paths_from_files() {
        assert_eq!(
            app_route_path("src/app/api/users/[id]/route.ts").as_deref(),
            Some("/api/users/:id")
        );
        assert_eq!(
            app_route_path("app/(admin)/api/items/route.js").as_deref(),
            Some("/api/items")
        );
        assert_eq!(app_route_path("lib/app/route.ts"), None);
        assert_eq!(
            pages_api_path("pages/api/users/index.ts").as_deref(),
            Some("/api/users")
        );
        assert_eq!(
            pages_api_path("pages/api/index.ts").as_deref(),
            Some("/api")
        );
    }

    #[test]
    fn matchers() {
        assert_eq!(matcher_covers("/api/:path*", "/api/users"), Some(true));
        assert_eq!(
            matcher_covers("/dashboard/:path*", "/api/users"),
            Some(false)
        );
        assert_eq!(matcher_covers("/((?!_next).*)", "/api/users"), None);
        assert_eq!(matcher_covers("", "/x"), Some(true));
    }
}
