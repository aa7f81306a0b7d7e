//! Express, Koa-router and Fastify routes: `app.post("/x", auth, handler)`,
//! `router.route("/x").get(h)`, `fastify.route({...})`, with guards from inline middleware,
//! `router.use(auth)`, Fastify hooks and route options; mounts (`app.use("/api", auth,
//! apiRouter)`, `fastify.register(plugin, { prefix })`) become link hints.

use super::Ctx;
use super::ast::{
    FUNCTION_KINDS, args, callee_name, callee_object, function_name, param_names, path_of, prop,
    string_list, string_value,
};
use super::auth::{Guard, classify};
use super::module::{require_source, resolve_relative};
use crate::model::{Auth, FileCode, LinkHint, Route, RouteKind};
use crate::syntax::FieldChild;
use crate::syntax::{pos, text};
use std::collections::HashMap;
use tree_sitter::Node;

pub const METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "del", "all", "options", "head",
];

/// Marker at the start of the reason of routes whose auth depends on a mount in another file;
/// `link` turns it into `None` once the mount chain reaches an app.
pub const MOUNTED_ELSEWHERE: &str = "registered on a router mounted elsewhere";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AppKind {
    Root,
    Router,
}

#[derive(Clone, Copy, Debug)]
pub struct AppVar {
    pub kind: AppKind,
    pub framework: &'static str,
}

/// Variables created by `express()`, `express.Router()`, `Fastify()`, `new Koa()`, `new Router()`.
pub fn app_decls(ctx: &Ctx<'_>) -> HashMap<String, AppVar> {
    let mut decls = HashMap::new();
    for &call in &ctx.calls {
        let Some(name) = declared_name(ctx, call) else {
            continue;
        };
        if let Some(app) = app_kind(ctx, call) {
            decls.insert(name.to_string(), app);
        }
    }
    decls
}

/// The variable a call's result is assigned to (`const app = await x()`).
pub fn declared_name<'t>(ctx: &Ctx<'t>, call: Node<'t>) -> Option<&'t str> {
    let mut parent = ctx.index.parent(call)?;
    if parent.kind() == "await_expression" {
        parent = ctx.index.parent(parent)?;
    }
    (parent.kind() == "variable_declarator")
        .then(|| parent.field("name"))
        .flatten()
        .filter(|n| n.kind() == "identifier")
        .map(|n| ctx.text(n))
}

/// What a call creates: an app or a router of a framework, or None.
pub fn app_kind<'t>(ctx: &Ctx<'t>, call: Node<'t>) -> Option<AppVar> {
    let function = call
        .field("function")
        .or_else(|| call.field("constructor"))?;
    if let Some(source) = require_source(function, ctx.src) {
        return match source.as_str() {
            "express" => Some(AppVar {
                kind: AppKind::Root,
                framework: "express",
            }),
            "fastify" => Some(AppVar {
                kind: AppKind::Root,
                framework: "fastify",
            }),
            _ => None,
        };
    }
    if function.kind() == "member_expression"
        && let Some(object) = function.field("object")
        && require_source(object, ctx.src).as_deref() == Some("express")
    {
        return Some(AppVar {
            kind: AppKind::Router,
            framework: "express",
        });
    }
    let callee = path_of(function, ctx.src)?;
    let imported_from = |local: &str| ctx.module.import(local).map(|i| i.source.as_str());
    let root = |framework| {
        Some(AppVar {
            kind: AppKind::Root,
            framework,
        })
    };
    let router = |framework| {
        Some(AppVar {
            kind: AppKind::Router,
            framework,
        })
    };
    match callee.as_str() {
        "express" => root("express"),
        "express.Router" => router("express"),
        "Fastify" | "fastify" if ctx.module.uses("fastify") => root("fastify"),
        "Koa" if call.kind() == "new_expression" => root("koa"),
        "Router" => match imported_from("Router") {
            Some("express") => router("express"),
            Some("koa-router" | "@koa/router") => router("koa"),
            _ if ctx.module.uses("express") => router("express"),
            _ => None,
        },
        _ => None,
    }
}

/// Names routers and apps go by when they arrive as parameters or imports.
fn router_like_name(name: &str) -> bool {
    matches!(
        name,
        "app" | "router" | "fastify" | "server" | "instance" | "routes" | "api" | "apiRouter"
    ) || name.ends_with("Router")
        || name.ends_with("router")
        || name.ends_with("App")
}

/// Where a router/app variable lives, for linking: (scope key, framework, is it an app).
pub struct Scope {
    pub key: String,
    pub framework: &'static str,
    pub root: bool,
}

pub fn scope_of(ctx: &Ctx<'_>, decls: &HashMap<String, AppVar>, var: Node<'_>) -> Option<Scope> {
    if var.kind() != "identifier" {
        return None;
    }
    let name = text(var, ctx.src);
    let framework_guess = || {
        if ctx.module.uses("fastify") || name == "fastify" || name == "instance" {
            "fastify"
        } else if ctx.module.uses("koa-router") || ctx.module.uses("@koa/router") {
            "koa"
        } else {
            "express"
        }
    };
    // A parameter of an enclosing function (a Fastify plugin, `module.exports = (app) => {}`).
    let mut current = ctx.index.parent(var);
    while let Some(node) = current {
        if FUNCTION_KINDS.contains(&node.kind()) && param_names(node, ctx.src).contains(&name) {
            if !router_like_name(name) && name != "r" {
                return None;
            }
            return Some(Scope {
                key: ctx.scope_key(&function_key(ctx, node)),
                framework: framework_guess(),
                root: false,
            });
        }
        current = ctx.index.parent(node);
    }
    if decls.contains_key(name)
        && let Some((function, app)) = super::factory::factory_of(ctx, var)
    {
        return Some(Scope {
            key: ctx.scope_key(&function_key(ctx, function)),
            framework: app.framework,
            root: false,
        });
    }
    if let Some(app) = decls.get(name) {
        let key = ctx.module.exports.get(name).map_or(name, |k| k.as_str());
        let suffix = if app.kind == AppKind::Root {
            "!root"
        } else {
            ""
        };
        return Some(Scope {
            key: format!("{}{suffix}", ctx.scope_key(key)),
            framework: app.framework,
            root: app.kind == AppKind::Root,
        });
    }
    if !router_like_name(name) || name == "api" {
        return None;
    }
    if let Some(import) = ctx.module.import(name) {
        let key = match resolve_relative(ctx.path, &import.source) {
            Some(base) => format!("@import:{base}::{}", import.key),
            // A path alias (`@/app`): kept local, so its auth stays unknown.
            None => ctx.scope_key(name),
        };
        return Some(Scope {
            key,
            framework: framework_guess(),
            root: false,
        });
    }
    Some(Scope {
        key: ctx.scope_key(name),
        framework: framework_guess(),
        root: false,
    })
}

/// The export key of a function (plugin): `default`, its exported name, or a position key.
pub fn function_key<'t>(ctx: &Ctx<'t>, function: Node<'t>) -> String {
    if ctx.module.default_function == Some(function.start_byte()) {
        return "default".into();
    }
    if let Some(name) = function_name(function, ctx.src) {
        if let Some(key) = ctx.module.exports.get(name) {
            return key.clone();
        }
        if !is_inline_argument(function) {
            return name.to_string();
        }
    }
    format!("@fn{}", function.start_byte())
}

fn is_inline_argument(function: Node<'_>) -> bool {
    function.parent().is_some_and(|p| p.kind() == "arguments")
}

/// What guards a route or mount: evidence of auth, roles, or a middleware that might.
#[derive(Default, Debug)]
pub struct GuardSummary {
    pub evidence: Option<String>,
    pub roles: Vec<String>,
    pub unknown: Option<String>,
}

impl GuardSummary {
    pub fn add(&mut self, guard: Guard) {
        match guard {
            Guard::Auth { evidence } => {
                self.evidence.get_or_insert(evidence);
            }
            Guard::Role { evidence, roles } => {
                self.evidence.get_or_insert(evidence);
                self.roles.extend(roles);
            }
            Guard::Unknown { name } => {
                self.unknown.get_or_insert(name);
            }
            Guard::NotAuth => {}
        }
    }

    pub fn of(nodes: &[Node<'_>], src: &[u8]) -> GuardSummary {
        let mut summary = GuardSummary::default();
        for node in nodes {
            if node.kind() == "array" {
                let mut cursor = node.walk();
                for item in node.named_children(&mut cursor) {
                    summary.add(classify(item, src));
                }
            } else {
                summary.add(classify(*node, src));
            }
        }
        summary
    }
}

/// Same-file middleware registered on a scope with `.use` before routes.
#[derive(Default)]
struct UseInfo {
    /// (scope, path prefix, line, evidence) for `router.use("/admin", requireAuth)`.
    path_guards: Vec<(String, String, u32, String)>,
    /// (scope, line, name) for `app.use(tenantContext)`: a middleware that might authenticate.
    unknown: Vec<(String, u32, String)>,
}

pub fn extract<'t>(ctx: &Ctx<'t>, out: &mut FileCode) -> Vec<Node<'t>> {
    let decls = app_decls(ctx);
    let server = ctx.server_side;
    let mut uses = UseInfo::default();
    let mut routes = Vec::new();
    let mut handlers = Vec::new();
    for &call in &ctx.calls {
        if call.kind() != "call_expression" {
            continue;
        }
        let Some(method) = ctx.callee_name(call) else {
            continue;
        };
        match method {
            "use" if server => mount_or_guard(ctx, &decls, call, out, &mut uses),
            "register" => fastify_register(ctx, &decls, call, out),
            "addHook" => fastify_hook(ctx, &decls, call, out),
            "route" => {
                if let Some(r) = fastify_route(ctx, &decls, call, &mut handlers) {
                    routes.extend(r);
                }
            }
            m if METHODS.contains(&m) && server => {
                if let Some(r) = method_route(ctx, &decls, call, m, &mut handlers) {
                    routes.push(r);
                }
            }
            _ => {}
        }
    }
    for mut route in routes {
        if route.auth == Auth::None {
            apply_same_file(&mut route, &uses);
        }
        out.routes.push(route);
    }
    registrations(ctx, out);
    handlers
}

/// Path guards and unknown middleware registered earlier on the same scope.
fn apply_same_file(route: &mut Route, uses: &UseInfo) {
    if let Some((_, _, _, evidence)) = uses.path_guards.iter().find(|(s, prefix, line, _)| {
        *s == route.scope && *line <= route.line && path_under(&route.path, prefix)
    }) {
        route.auth = Auth::Required {
            evidence: evidence.clone(),
        };
        return;
    }
    if let Some((_, _, name)) = uses
        .unknown
        .iter()
        .find(|(s, line, _)| *s == route.scope && *line <= route.line)
    {
        route.auth = Auth::Unknown {
            reason: format!("middleware `{name}` registered before it may authenticate"),
        };
    }
}

fn path_under(path: &str, prefix: &str) -> bool {
    let prefix = prefix.trim_end_matches('/');
    prefix.is_empty()
        || path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// `X.get("/path", ...middleware, handler)` and `X.route("/path").get(handler)`.
fn method_route<'t>(
    ctx: &Ctx<'t>,
    decls: &HashMap<String, AppVar>,
    call: Node<'t>,
    method: &str,
    handlers: &mut Vec<Node<'t>>,
) -> Option<Route> {
    let object = callee_object(call)?;
    let arguments = args(call);
    let (var, path, rest) = if object.kind() == "call_expression" {
        // `router.route("/x").get(h).post(h)`: find the `.route(path)` at the chain's root.
        let (var, path) = route_chain(object, ctx.src)?;
        (var, path, &arguments[..])
    } else {
        let path = string_value(*arguments.first()?, ctx.src)?;
        if arguments.len() < 2 {
            return None;
        }
        (object, path, &arguments[1..])
    };
    if !(path.starts_with('/') || path == "*") {
        return None;
    }
    let scope = scope_of(ctx, decls, var)?;
    let (handler, middle) = rest.split_last()?;
    if !is_handler_like(*handler) {
        return None;
    }
    let mut guards = Vec::new();
    let mut options = None;
    for &m in middle {
        if m.kind() == "object" && scope.framework == "fastify" {
            options = Some(m);
        } else {
            guards.push(m);
        }
    }
    let mut summary = GuardSummary::of(&guards, ctx.src);
    if let Some(options) = options {
        fastify_option_guards(options, ctx.src, &mut summary);
    }
    handlers.extend(resolve_handler(ctx, *handler));
    let method = match method {
        "all" => "ANY".to_string(),
        "del" => "DELETE".to_string(),
        m => m.to_ascii_uppercase(),
    };
    Some(build_route(
        ctx, call, method, path, *handler, &scope, summary,
    ))
}

fn route_chain<'t>(call: Node<'t>, src: &[u8]) -> Option<(Node<'t>, String)> {
    let mut current = call;
    for _ in 0..16 {
        match callee_name(current, src) {
            Some("route") => {
                let path = string_value(*args(current).first()?, src)?;
                return Some((callee_object(current)?, path));
            }
            Some(m) if METHODS.contains(&m) => {
                current = callee_object(current).filter(|o| o.kind() == "call_expression")?;
            }
            _ => return None,
        }
    }
    None
}

fn is_handler_like(node: Node<'_>) -> bool {
    matches!(
        node.kind(),
        "arrow_function"
            | "function_expression"
            | "function"
            | "identifier"
            | "member_expression"
            | "call_expression"
    )
}

/// The handler function(s) a route argument refers to in this file.
pub fn resolve_handler<'t>(ctx: &Ctx<'t>, handler: Node<'t>) -> Option<Node<'t>> {
    match handler.kind() {
        "arrow_function" | "function_expression" | "function" => Some(handler),
        "call_expression" => args(handler).into_iter().find(|a| {
            matches!(
                a.kind(),
                "arrow_function" | "function_expression" | "function"
            )
        }),
        "identifier" => local_function(ctx, text(handler, ctx.src)),
        _ => None,
    }
}

/// A top-level function declaration or `const name = (...) => {}` in this file.
pub fn local_function<'t>(ctx: &Ctx<'t>, name: &str) -> Option<Node<'t>> {
    let mut found = None;
    crate::syntax::walk(ctx.root, |n| {
        if found.is_some() {
            return false;
        }
        match n.kind() {
            "function_declaration" | "generator_function_declaration"
                if n.field("name").is_some_and(|id| text(id, ctx.src) == name) =>
            {
                found = Some(n);
            }
            "variable_declarator"
                if n.field("name").is_some_and(|id| text(id, ctx.src) == name) =>
            {
                found = n
                    .field("value")
                    .filter(|v| FUNCTION_KINDS.contains(&v.kind()));
            }
            _ => {}
        }
        // Declarations live at the top level or one export statement down.
        matches!(
            n.kind(),
            "program" | "export_statement" | "lexical_declaration"
        )
    });
    found
}

fn fastify_option_guards(options: Node<'_>, src: &[u8], summary: &mut GuardSummary) {
    for hook in ["onRequest", "preHandler", "preValidation", "preParsing"] {
        if let Some(value) = prop(options, hook, src) {
            summary.add_all(value, src);
        }
    }
}

impl GuardSummary {
    fn add_all(&mut self, value: Node<'_>, src: &[u8]) {
        let other = GuardSummary::of(&[value], src);
        if let Some(e) = other.evidence {
            self.evidence.get_or_insert(e);
        }
        self.roles.extend(other.roles);
        if let Some(u) = other.unknown {
            self.unknown.get_or_insert(u);
        }
    }
}

pub fn build_route(
    ctx: &Ctx<'_>,
    at: Node<'_>,
    method: String,
    path: String,
    handler: Node<'_>,
    scope: &Scope,
    summary: GuardSummary,
) -> Route {
    let auth = if let Some(evidence) = summary.evidence {
        Auth::Required { evidence }
    } else if let Some(name) = summary.unknown {
        Auth::Unknown {
            reason: format!("middleware `{name}` on the route may authenticate"),
        }
    } else if scope.root {
        Auth::None
    } else {
        Auth::Unknown {
            reason: format!("{MOUNTED_ELSEWHERE}: no mount of it was found"),
        }
    };
    let handler_name = match handler.kind() {
        "identifier" | "member_expression" => text(handler, ctx.src).to_string(),
        _ => function_name(handler, ctx.src)
            .filter(|_| handler.field("name").is_some())
            .unwrap_or("")
            .to_string(),
    };
    let p = pos(at);
    Route {
        method,
        path,
        handler: handler_name,
        file: ctx.path.to_string(),
        line: p.line,
        column: p.column,
        framework: scope.framework,
        kind: RouteKind::Http,
        auth,
        roles: summary.roles,
        scope: scope.key.clone(),
    }
}

/// `fastify.route({ method, url, preHandler, handler })`: one route per method.
fn fastify_route<'t>(
    ctx: &Ctx<'t>,
    decls: &HashMap<String, AppVar>,
    call: Node<'t>,
    handlers: &mut Vec<Node<'t>>,
) -> Option<Vec<Route>> {
    let options = super::ast::object_arg(call, 0)?;
    let var = callee_object(call)?;
    let scope = scope_of(ctx, decls, var)?;
    let methods = string_list(prop(options, "method", ctx.src)?, ctx.src)?;
    let url = prop(options, "url", ctx.src)
        .or_else(|| prop(options, "path", ctx.src))
        .and_then(|u| string_value(u, ctx.src))?;
    let handler = prop(options, "handler", ctx.src)?;
    handlers.extend(resolve_handler(ctx, handler));
    let mut routes = Vec::new();
    for method in methods {
        let mut summary = GuardSummary::default();
        fastify_option_guards(options, ctx.src, &mut summary);
        routes.push(build_route(
            ctx,
            call,
            method.to_ascii_uppercase(),
            url.clone(),
            handler,
            &scope,
            summary,
        ));
    }
    Some(routes)
}

/// A reference to a router/plugin defined elsewhere (or locally): its scope key.
fn child_ref<'t>(ctx: &Ctx<'t>, decls: &HashMap<String, AppVar>, node: Node<'t>) -> Option<String> {
    if let Some(source) = require_source(node, ctx.src) {
        let base = resolve_relative(ctx.path, &source)?;
        return Some(format!("@import:{base}::default"));
    }
    match node.kind() {
        // koa-router: `app.use(router.routes())`.
        "call_expression" if matches!(ctx.callee_name(node), Some("routes" | "middleware")) => {
            let object = callee_object(node).filter(|o| o.kind() == "identifier")?;
            child_ref(ctx, decls, object)
        }
        "call_expression" => super::factory::factory_ref(ctx, node),
        "identifier" => {
            let name = text(node, ctx.src);
            if let Some(app) = decls.get(name) {
                let key = ctx.module.exports.get(name).map_or(name, |k| k.as_str());
                let suffix = if app.kind == AppKind::Root {
                    "!root"
                } else {
                    ""
                };
                return Some(format!("{}{suffix}", ctx.scope_key(key)));
            }
            if let Some(import) = ctx.module.import(name) {
                let base = resolve_relative(ctx.path, &import.source)?;
                return Some(format!("@import:{base}::{}", import.key));
            }
            local_function(ctx, name).map(|f| ctx.scope_key(&function_key(ctx, f)))
        }
        "member_expression" => {
            let object = node.field("object")?;
            let property = text(node.field("property")?, ctx.src);
            let import = ctx.module.import(text(object, ctx.src))?;
            let base = resolve_relative(ctx.path, &import.source)?;
            if import.key == "*" || import.key == "default" {
                Some(format!("@import:{base}::{property}"))
            } else {
                None
            }
        }
        "arrow_function" | "function_expression" | "function" => {
            Some(ctx.scope_key(&function_key(ctx, node)))
        }
        _ => None,
    }
}

/// `app.use("/api", requireAuth, apiRouter)`, `router.use(auth)`, `app.use(usersRouter)`.
fn mount_or_guard<'t>(
    ctx: &Ctx<'t>,
    decls: &HashMap<String, AppVar>,
    call: Node<'t>,
    out: &mut FileCode,
    uses: &mut UseInfo,
) {
    let Some(var) = callee_object(call) else {
        return;
    };
    let Some(scope) = scope_of(ctx, decls, var) else {
        return;
    };
    let arguments = args(call);
    let line = pos(call).line;
    let (prefix, rest) = match arguments.first().and_then(|a| string_value(*a, ctx.src)) {
        Some(p) => (Some(p), &arguments[1..]),
        None => (None, &arguments[..]),
    };
    let Some((last, middle)) = rest.split_last() else {
        return;
    };
    let child = match classify(*last, ctx.src) {
        Guard::Auth { .. } | Guard::Role { .. } => None,
        // `app.use("/api", makeRouter())`: a router factory's result.
        Guard::NotAuth if last.kind() == "call_expression" => {
            super::factory::factory_ref(ctx, *last)
        }
        Guard::NotAuth if !is_plain_reference(*last) => None,
        _ => child_ref(ctx, decls, *last),
    };
    if let Some(child) = child {
        let summary = GuardSummary::of(middle, ctx.src);
        out.link_hints.push(LinkHint::Mount {
            parent: scope.key.clone(),
            child,
            prefix: prefix.unwrap_or_default(),
            auth: summary.evidence,
            line,
        });
        return;
    }
    let summary = GuardSummary::of(rest, ctx.src);
    match (prefix, summary.evidence) {
        (Some(prefix), Some(evidence)) => {
            uses.path_guards
                .push((scope.key.clone(), prefix, line, evidence))
        }
        (None, Some(evidence)) => out.link_hints.push(LinkHint::Guard {
            scope: scope.key.clone(),
            evidence,
            line,
        }),
        (None, None) => {
            if let Some(name) = summary.unknown.filter(|_| is_plain_reference(*last)) {
                uses.unknown.push((scope.key.clone(), line, name));
            }
        }
        (Some(_), None) => {}
    }
}

/// A middleware passed by name (`app.use(tenant)`), not a configured library call.
fn is_plain_reference(node: Node<'_>) -> bool {
    matches!(node.kind(), "identifier" | "member_expression")
}

/// `fastify.register(routes, { prefix: "/users" })`.
fn fastify_register(
    ctx: &Ctx<'_>,
    decls: &HashMap<String, AppVar>,
    call: Node<'_>,
    out: &mut FileCode,
) {
    let Some(var) = callee_object(call) else {
        return;
    };
    let Some(scope) = scope_of(ctx, decls, var) else {
        return;
    };
    let arguments = args(call);
    let Some(plugin) = arguments.first() else {
        return;
    };
    let Some(child) = child_ref(ctx, decls, *plugin) else {
        return;
    };
    let prefix = arguments
        .get(1)
        .and_then(|o| prop(*o, "prefix", ctx.src))
        .and_then(|p| string_value(p, ctx.src))
        .unwrap_or_default();
    out.link_hints.push(LinkHint::Mount {
        parent: scope.key,
        child,
        prefix,
        auth: None,
        line: 0,
    });
}

/// `fastify.addHook("onRequest", fastify.authenticate)`.
fn fastify_hook(
    ctx: &Ctx<'_>,
    decls: &HashMap<String, AppVar>,
    call: Node<'_>,
    out: &mut FileCode,
) {
    let arguments = args(call);
    let (Some(hook), Some(function)) = (arguments.first(), arguments.get(1)) else {
        return;
    };
    let hook = string_value(*hook, ctx.src).unwrap_or_default();
    if !matches!(hook.as_str(), "onRequest" | "preHandler" | "preValidation") {
        return;
    }
    let Some(scope) = callee_object(call).and_then(|v| scope_of(ctx, decls, v)) else {
        return;
    };
    if let Guard::Auth { evidence } | Guard::Role { evidence, .. } = classify(*function, ctx.src) {
        out.link_hints.push(LinkHint::Guard {
            scope: scope.key,
            evidence,
            line: pos(call).line,
        });
    }
}

/// Whether the callee is `require("./x")(app)`-style registration: (child key, app var).
pub fn registration_call<'t>(ctx: &Ctx<'t>, call: Node<'t>) -> Option<String> {
    let function = call.field("function")?;
    if let Some(source) = require_source(function, ctx.src) {
        return resolve_relative(ctx.path, &source).map(|b| format!("@import:{b}::default"));
    }
    let name = ctx.callee_path(call)?;
    let import = ctx.module.import(name)?;
    let base = resolve_relative(ctx.path, &import.source)?;
    Some(format!("@import:{base}::{}", import.key))
}

/// `require("./routes")(app)` / `registerRoutes(app)`: the function's routes live on `app`.
pub fn registrations(ctx: &Ctx<'_>, out: &mut FileCode) {
    let decls = app_decls(ctx);
    for &call in &ctx.calls {
        if call.kind() != "call_expression" {
            continue;
        }
        let Some(child) = registration_call(ctx, call) else {
            continue;
        };
        let Some(parent) = args(call)
            .into_iter()
            .find(|a| a.kind() == "identifier" && decls.contains_key(text(*a, ctx.src)))
            .and_then(|a| scope_of(ctx, &decls, a))
        else {
            continue;
        };
        out.link_hints.push(LinkHint::Mount {
            parent: parent.key,
            child,
            prefix: String::new(),
            auth: None,
            line: 0,
        });
    }
}
