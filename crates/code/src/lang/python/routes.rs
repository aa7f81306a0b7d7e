//! FastAPI/Starlette and Flask routes: decorators on apps, routers and blueprints, their
//! prefixes and guards, mounts (`include_router`, `register_blueprint`, `mount`), WebSocket
//! handlers and GraphQL endpoints. Django lives in `django.rs`.

use super::auth::{self, Guard};
use super::ctx::{
    Ctx, args, callee, decorator_expr, decorators, fact, function_name, kwarg, literal,
    literal_list, method, receiver,
};
use crate::link::join_paths;
use crate::model::{Auth, FactKind, FileCode, LinkHint, Route, RouteKind};
use crate::syntax;
use crate::syntax::FieldChild;
use std::collections::HashMap;
use tree_sitter::Node;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Framework {
    FastApi,
    Flask,
}

impl Framework {
    fn name(self) -> &'static str {
        match self {
            Framework::FastApi => "fastapi",
            Framework::Flask => "flask",
        }
    }
}

/// An app, router or blueprint created in this file.
struct RouterObj {
    framework: Framework,
    prefix: String,
    guard: Guard,
}

/// A route handler found in this file, for the checks that read handler bodies.
pub struct Handler<'t> {
    pub def: Node<'t>,
    pub method: String,
    pub kind: RouteKind,
}

const FASTAPI_METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "trace",
];

pub fn extract<'t>(ctx: &Ctx<'t>, out: &mut FileCode) -> Vec<Handler<'t>> {
    let objects = router_objects(ctx);
    let mut handlers = Vec::new();
    for &def in &ctx.functions {
        for deco in decorators(def) {
            let Some(expr) = decorator_expr(deco) else {
                continue;
            };
            if expr.kind() != "call" {
                continue;
            }
            let Some(obj) = receiver(expr) else { continue };
            if obj.kind() != "identifier" {
                continue;
            }
            let var = ctx.text(obj);
            let framework = match objects.get(var) {
                Some(o) => o.framework,
                None => match default_framework(ctx) {
                    Some(f) => f,
                    None => continue,
                },
            };
            let verb = method(expr, ctx.src);
            let Some((methods, kind)) = route_methods(ctx, expr, verb, framework) else {
                continue;
            };
            let local_path = args(expr)
                .first()
                .copied()
                .or_else(|| kwarg(expr, ctx.src, "path").or_else(|| kwarg(expr, ctx.src, "rule")))
                .map(|p| literal(p, ctx.src).unwrap_or_else(|| ctx.text(p).to_string()))
                .unwrap_or_default();
            let object = objects.get(var);
            let path = match object {
                Some(o) if !o.prefix.is_empty() => join_paths(&o.prefix, &local_path),
                _ => local_path,
            };
            let mut guard = Guard::default();
            if let Some(deps) = kwarg(expr, ctx.src, "dependencies") {
                guard.merge(auth::dependencies_guard(ctx, deps));
            }
            guard.merge(auth::parameter_guard(ctx, def));
            guard.merge(auth::decorator_guard(ctx, def));
            guard.merge(auth::body_guard(ctx, def));
            if let Some(o) = object {
                guard.merge(Guard {
                    evidence: o.guard.evidence.clone(),
                    unclear: o.guard.unclear.clone(),
                    roles: o.guard.roles.clone(),
                    imported: o.guard.imported.clone(),
                });
            }
            let route_auth = match (&guard.evidence, &guard.unclear) {
                (Some(e), _) => Auth::Required {
                    evidence: e.clone(),
                },
                (None, Some(u)) => Auth::Unknown {
                    reason: format!("dependency {u} may authenticate"),
                },
                (None, None) => match auth::reads_middleware_identity(ctx, def) {
                    Some(w) => Auth::Unknown {
                        reason: format!("the handler reads `{w}`, set by middleware"),
                    },
                    None => Auth::None,
                },
            };
            if kind == RouteKind::WebSocket {
                websocket_fact(ctx, def, out);
            }
            let at = syntax::pos(deco);
            if matches!(route_auth, Auth::Unknown { .. }) {
                super::depends::use_hints(ctx.path, at.line, &guard, out);
            }
            for m in &methods {
                out.routes.push(Route {
                    method: m.clone(),
                    path: path.clone(),
                    handler: function_name(def, ctx.src).to_string(),
                    file: ctx.path.to_string(),
                    line: at.line,
                    column: at.column,
                    framework: framework.name(),
                    kind,
                    auth: route_auth.clone(),
                    roles: guard.roles.clone(),
                    scope: format!("{}::{var}", ctx.path),
                });
            }
            handlers.push(Handler {
                def,
                method: methods.first().cloned().unwrap_or_default(),
                kind,
            });
        }
    }
    mounts(ctx, &objects, out);
    handlers
}

/// The framework of decorators on objects not created in this file, from the imports.
fn default_framework(ctx: &Ctx<'_>) -> Option<Framework> {
    if ctx.imports_any(&["fastapi", "starlette"]) {
        Some(Framework::FastApi)
    } else if ctx.imports_any(&["flask"]) {
        Some(Framework::Flask)
    } else {
        None
    }
}

fn route_methods(
    ctx: &Ctx<'_>,
    expr: Node<'_>,
    verb: &str,
    framework: Framework,
) -> Option<(Vec<String>, RouteKind)> {
    let listed = || {
        kwarg(expr, ctx.src, "methods")
            .and_then(|m| literal_list(m, ctx.src))
            .map(|l| l.iter().map(|s| s.to_ascii_uppercase()).collect::<Vec<_>>())
    };
    match verb {
        v if FASTAPI_METHODS.contains(&v) => Some((vec![v.to_ascii_uppercase()], RouteKind::Http)),
        "websocket" | "websocket_route" => Some((vec!["GET".into()], RouteKind::WebSocket)),
        "api_route" => Some((
            listed().unwrap_or_else(|| vec!["GET".into()]),
            RouteKind::Http,
        )),
        "route" => {
            let default = match framework {
                Framework::Flask => vec!["GET".to_string()],
                Framework::FastApi => vec!["ANY".to_string()],
            };
            Some((listed().unwrap_or(default), RouteKind::Http))
        }
        _ => None,
    }
}

/// `app = FastAPI(...)`, `router = APIRouter(prefix=..., dependencies=[...])`,
/// `app = Flask(__name__)`, `bp = Blueprint("x", __name__, url_prefix=...)`.
fn router_objects(ctx: &Ctx<'_>) -> HashMap<String, RouterObj> {
    let mut objects = HashMap::new();
    for &assign in &ctx.assignments {
        let (Some(left), Some(right)) = (assign.field("left"), assign.field("right")) else {
            continue;
        };
        if left.kind() != "identifier" || right.kind() != "call" {
            continue;
        }
        let ctor = ctx.qualified(right);
        let last = ctor.rsplit('.').next().unwrap_or(&ctor);
        let (framework, prefix_kw) = match last {
            "FastAPI" | "APIRouter" | "Starlette" => (Framework::FastApi, "prefix"),
            "Flask" | "Blueprint" | "APIFlask" | "APIBlueprint" => (Framework::Flask, "url_prefix"),
            _ => continue,
        };
        let prefix = kwarg(right, ctx.src, prefix_kw)
            .and_then(|p| literal(p, ctx.src))
            .unwrap_or_default();
        let guard = kwarg(right, ctx.src, "dependencies")
            .map(|d| auth::dependencies_guard(ctx, d))
            .unwrap_or_default();
        objects.insert(
            ctx.text(left).to_string(),
            RouterObj {
                framework,
                prefix,
                guard,
            },
        );
    }
    objects
}

/// The scope key of a router expression: local objects are `path::name`; imported ones are
/// `py:module::name`, rewritten to a file path by `link`.
fn scope_key(ctx: &Ctx<'_>, expr: Node<'_>, local: &HashMap<String, RouterObj>) -> String {
    let text = ctx.text(expr);
    if expr.kind() == "identifier" && (local.contains_key(text) || !ctx.imports.contains_key(text))
    {
        return format!("{}::{text}", ctx.path);
    }
    let (first, rest) = text.split_once('.').unwrap_or((text, ""));
    let origin = ctx
        .imports
        .get(first)
        .cloned()
        .unwrap_or_else(|| first.to_string());
    let dotted = if rest.is_empty() {
        origin
    } else {
        format!("{origin}.{rest}")
    };
    match dotted.rsplit_once('.') {
        Some((module, name)) => format!("py:{module}::{name}"),
        None => format!("{}::{dotted}", ctx.path),
    }
}

/// `include_router`, `register_blueprint`, `mount`, `add_middleware(Auth...)`, and GraphQL
/// apps mounted on a path.
fn mounts(ctx: &Ctx<'_>, objects: &HashMap<String, RouterObj>, out: &mut FileCode) {
    let graphql_vars = graphql_objects(ctx);
    for &call in &ctx.calls {
        let verb = method(call, ctx.src);
        let Some(parent) = receiver(call) else {
            continue;
        };
        if !matches!(
            verb,
            "include_router" | "register_blueprint" | "mount" | "add_route" | "add_middleware"
        ) {
            continue;
        }
        let parent_key = scope_key(ctx, parent, objects);
        if verb == "add_middleware" {
            if let Some(mw) = args(call).first() {
                let name = ctx.text(*mw);
                let lower = name.to_ascii_lowercase();
                if (lower.contains("auth") || lower.contains("jwt") || lower.contains("login"))
                    && !lower.contains("cors")
                {
                    out.link_hints.push(LinkHint::Guard {
                        scope: parent_key,
                        evidence: format!("add_middleware({name})"),
                        line: 0,
                    });
                }
            }
            continue;
        }
        let (child, prefix) = match verb {
            "include_router" | "register_blueprint" => {
                let prefix_kw = if verb == "include_router" {
                    "prefix"
                } else {
                    "url_prefix"
                };
                let prefix = kwarg(call, ctx.src, prefix_kw)
                    .and_then(|p| literal(p, ctx.src))
                    .unwrap_or_default();
                (args(call).first().copied(), prefix)
            }
            _ => {
                let path = args(call)
                    .first()
                    .and_then(|p| literal(*p, ctx.src))
                    .unwrap_or_default();
                (
                    args(call)
                        .get(1)
                        .copied()
                        .or_else(|| kwarg(call, ctx.src, "app")),
                    path,
                )
            }
        };
        let Some(child) = child else { continue };
        let guard = kwarg(call, ctx.src, "dependencies")
            .map(|d| auth::dependencies_guard(ctx, d))
            .unwrap_or_default();
        if is_graphql(ctx, child, &graphql_vars) {
            graphql_route(ctx, call, &parent_key, &prefix, &guard, out);
            continue;
        }
        let evidence = guard.evidence.map(|e| {
            if guard.roles.is_empty() {
                e
            } else {
                format!("{e} [roles: {}]", guard.roles.join(","))
            }
        });
        out.link_hints.push(LinkHint::Mount {
            parent: parent_key,
            child: scope_key(ctx, child, objects),
            prefix,
            auth: evidence,
            line: 0,
        });
    }
}

const GRAPHQL_APPS: &[&str] = &["GraphQLRouter", "GraphQL", "GraphQLApp", "GraphQLView"];

fn graphql_objects(ctx: &Ctx<'_>) -> Vec<String> {
    ctx.assignments
        .iter()
        .filter_map(|a| {
            let left = a.field("left")?;
            let right = a.field("right")?;
            let name = callee(right, ctx.src);
            let last = name.rsplit('.').next().unwrap_or(name);
            (right.kind() == "call" && GRAPHQL_APPS.contains(&last))
                .then(|| ctx.text(left).to_string())
        })
        .collect()
}

fn is_graphql(ctx: &Ctx<'_>, child: Node<'_>, vars: &[String]) -> bool {
    match child.kind() {
        "call" => {
            let name = callee(child, ctx.src);
            GRAPHQL_APPS.contains(&name.rsplit('.').next().unwrap_or(name))
        }
        "identifier" => vars.iter().any(|v| v == ctx.text(child)),
        _ => false,
    }
}

fn graphql_route(
    ctx: &Ctx<'_>,
    call: Node<'_>,
    parent_key: &str,
    prefix: &str,
    guard: &Guard,
    out: &mut FileCode,
) {
    let at = syntax::pos(call);
    let path = if prefix.is_empty() {
        "/graphql"
    } else {
        prefix
    };
    let auth = match &guard.evidence {
        Some(e) => Auth::Required {
            evidence: e.clone(),
        },
        None => Auth::Unknown {
            reason: "GraphQL resolvers may check permissions per field".into(),
        },
    };
    out.routes.push(Route {
        method: "POST".into(),
        path: path.to_string(),
        handler: "graphql".into(),
        file: ctx.path.to_string(),
        line: at.line,
        column: at.column,
        framework: "graphql",
        kind: RouteKind::GraphQl,
        auth,
        roles: guard.roles.clone(),
        scope: parent_key.to_string(),
    });
}

/// A WebSocket handler has limits when it bounds both time (`asyncio.wait_for`, a timeout)
/// and message size (`max_size`, a length check).
fn websocket_fact(ctx: &Ctx<'_>, def: Node<'_>, out: &mut FileCode) {
    let body = def.field("body").map(|b| ctx.text(b)).unwrap_or("");
    let timed = body.contains("wait_for(") || body.contains("timeout");
    let sized = body.contains("max_size")
        || body.contains("MAX_MESSAGE")
        || (body.contains("len(") && body.contains(" > "));
    let limits = timed && sized;
    let detail = match (timed, sized) {
        (true, true) => "WebSocket handler with a receive timeout and a message size check",
        (false, true) => "WebSocket handler without a receive timeout",
        (true, false) => "WebSocket handler without a message size limit",
        (false, false) => "WebSocket handler without a receive timeout or message size limit",
    };
    fact(out, FactKind::WebSocketHandler { limits }, def, detail);
}
