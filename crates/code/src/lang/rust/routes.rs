//! Routes of axum (`Router::new().route("/x", get(h).post(h2)).nest(..).layer(..)`),
//! actix-web (`#[post("/x")]`, `web::scope("/api").wrap(auth).service(web::resource(..))`,
//! `App::new().service(h)`, `cfg.service(..)`) and Rocket (`#[post("/x")]`, `.mount("/api",
//! routes![..])`), with the auth their extractors and layers give.
//!
//! An axum `.layer(..)`/`.route_layer(..)` guards the routes added before it in the chain; an
//! actix `.wrap(..)` guards its whole scope. Routers built by a function in another module
//! become `LinkHint::Mount`s with a `~path` child that `link` resolves through the `use`s.

use super::ast::{self, Ctx};
use super::auth::{self, Guard};
use super::link as hints;
use crate::link::join_paths;
use crate::model::{Auth, FileCode, LinkHint, Route, RouteKind};
use crate::syntax::FieldChild;
use std::collections::{HashMap, HashSet};
use tree_sitter::Node;

const METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "trace", "any",
];

/// Router methods that make a chain worth reading.
const ROUTER_METHODS: &[&str] = &[
    "route",
    "nest",
    "merge",
    "service",
    "configure",
    "mount",
    "layer",
    "route_layer",
    "wrap",
];

/// Routes and mounts registered by one router expression (indices into the file's lists).
#[derive(Default)]
struct Group {
    routes: Vec<usize>,
    mounts: Vec<usize>,
}

impl Group {
    fn extend(&mut self, other: Group) {
        self.routes.extend(other.routes);
        self.mounts.extend(other.mounts);
    }
}

struct HandlerInfo {
    name: String,
    guard: Option<Guard>,
    kind: RouteKind,
    /// Whether the handler's code was read (in this file or an inline closure).
    resolved: bool,
}

struct Extractor<'c, 'a, 't> {
    ctx: &'c Ctx<'a>,
    out: &'c mut FileCode,
    fns: HashMap<&'a str, Node<'t>>,
    vars: HashMap<(String, String), Group>,
    /// Scope key of the function whose chain is being read.
    scope: String,
    consumed: HashSet<usize>,
    framework: &'static str,
}

pub fn extract(ctx: &Ctx<'_>, root: Node<'_>, out: &mut FileCode) {
    let text = std::str::from_utf8(ctx.src).unwrap_or("");
    let framework = if text.contains("actix") {
        "actix-web"
    } else if text.contains("rocket") {
        "rocket"
    } else {
        "axum"
    };
    let functions = ast::functions(root, ctx);
    let mut fns = HashMap::new();
    for f in &functions {
        if let Some(name) = f.field("name") {
            fns.entry(ctx.text(name)).or_insert(*f);
        }
    }
    let mut ex = Extractor {
        ctx,
        out,
        fns,
        vars: HashMap::new(),
        consumed: HashSet::new(),
        framework,
        scope: String::new(),
    };
    for f in &functions {
        ex.attribute_routes(*f);
    }
    // Each chain is read from its outermost call, once.
    let mut tops = Vec::new();
    for n in ctx.production_nodes(root, &["call_expression"]) {
        if n.kind() == "call_expression" && ctx.is_chain_top(n) && ast::receiver(n).is_some() {
            let (_, links) = ast::chain(n, ctx.src);
            if links.iter().any(|l| ROUTER_METHODS.contains(&l.method)) {
                tops.push(n);
            }
        }
    }
    for top in tops {
        if ex.consumed.contains(&top.id()) {
            continue;
        }
        ex.scope = ctx.enclosing_key(top);
        if !ex.is_router_chain(top) {
            continue;
        }
        let group = ex.process(top, 0);
        ex.bind(top, group);
    }
    for f in &functions {
        ex.function_hints(*f);
    }
}

impl<'c, 'a, 't> Extractor<'c, 'a, 't> {
    fn src(&self) -> &'a [u8] {
        self.ctx.src
    }

    /// A chain that builds a router: it starts from a router constructor, a router variable,
    /// or a function call and uses route/nest/merge/service methods.
    fn is_router_chain(&self, top: Node<'t>) -> bool {
        let (base, links) = ast::chain(top, self.src());
        let registers = links.iter().any(|l| {
            matches!(
                l.method,
                "route" | "nest" | "merge" | "service" | "configure" | "mount"
            )
        });
        let base_is_router = match base.kind() {
            "identifier" => self
                .vars
                .contains_key(&self.var_key(base, self.ctx.text(base))),
            "call_expression" => is_router_constructor(ast::callee(base, self.src())),
            _ => false,
        };
        registers || base_is_router
    }

    fn var_key(&self, _at: Node<'_>, name: &str) -> (String, String) {
        (self.scope.clone(), name.to_string())
    }

    /// Remembers a router bound by `let app = <chain>` or `app = <chain>`.
    fn bind(&mut self, top: Node<'t>, group: Group) {
        let Some(parent) = self.ctx.index.parent(top) else {
            return;
        };
        let target = match parent.kind() {
            "let_declaration" => parent.field("pattern"),
            "assignment_expression" => parent.field("left"),
            _ => None,
        };
        let Some(mut target) = target else { return };
        if target.kind() == "mut_pattern"
            && let Some(inner) = target.named_child(0)
        {
            target = inner;
        }
        if target.kind() == "identifier" {
            let key = self.var_key(top, self.ctx.text(target));
            self.vars.entry(key).or_default().extend(group);
        }
    }

    fn process(&mut self, top: Node<'t>, depth: usize) -> Group {
        self.consumed.insert(top.id());
        let src = self.src();
        let (base, links) = ast::chain(top, src);
        let mut group = Group::default();
        let mut prefix = String::new();
        let mut resource: Option<String> = None;
        match base.kind() {
            "call_expression" => {
                let callee = ast::callee(base, src);
                let last = callee.rsplit("::").next().unwrap_or(callee);
                let first_literal = ast::args(base)
                    .first()
                    .and_then(|a| ast::string_value(*a, src))
                    .map(str::to_string);
                match last {
                    "scope" if callee.contains("web") || callee == "scope" => {
                        prefix = first_literal.unwrap_or_default();
                    }
                    "resource" => resource = first_literal,
                    _ if is_router_constructor(callee) => {}
                    _ => {
                        if let Some(m) = self.mount_call(base, "") {
                            group.mounts.push(m);
                        }
                    }
                }
            }
            "identifier" => {
                let key = self.var_key(base, self.ctx.text(base));
                if let Some(g) = self.vars.remove(&key) {
                    group = g;
                }
            }
            _ => {}
        }
        let mut wraps = Vec::new();
        for link in &links {
            let args = ast::args(link.call);
            match (link.method, args.as_slice()) {
                ("route", [path, methods]) => {
                    if let Some(p) = ast::string_value(*path, src) {
                        let p = p.to_string();
                        let g = self.method_routes(&p, *path, *methods);
                        group.extend(g);
                    }
                }
                ("route", [methods]) => {
                    if let Some(p) = resource.clone() {
                        let g = self.method_routes(&p, *methods, *methods);
                        group.extend(g);
                    }
                }
                ("to", [handler]) => {
                    if let Some(p) = resource.clone() {
                        let idx = self.add_route("ANY", &p, *handler, link.call, None);
                        group.routes.extend(idx);
                    }
                }
                ("nest", [path, router]) => {
                    if let Some(p) = ast::string_value(*path, src) {
                        let p = p.to_string();
                        let sub = self.router_expr(*router, "", depth);
                        self.prefix(&sub, &p);
                        group.extend(sub);
                    }
                }
                ("merge", [router]) => {
                    let sub = self.router_expr(*router, "", depth);
                    group.extend(sub);
                }
                ("service", services) => {
                    for s in services {
                        let sub = self.router_expr(*s, "", depth);
                        group.extend(sub);
                    }
                }
                ("configure", [f]) => {
                    let name = self.ctx.text(*f);
                    if let Some(m) = self.mount_path(*f, name, "") {
                        group.mounts.push(m);
                    }
                }
                ("mount", [path, list]) if list.kind() == "macro_invocation" => {
                    let p = ast::string_value(*path, src).unwrap_or("").to_string();
                    for name in ast::macro_args(*list, src) {
                        if let Some(m) = self.mount_path(*list, name, &p) {
                            group.mounts.push(m);
                        }
                    }
                }
                ("layer" | "route_layer", [layer]) => {
                    if let Some(g) = auth::of_middleware(self.ctx, *layer) {
                        self.guard(&group, &g);
                    }
                }
                ("wrap" | "wrap_fn", [layer, ..]) => {
                    if let Some(g) = auth::of_middleware(self.ctx, *layer) {
                        wraps.push(g);
                    }
                }
                _ => {}
            }
        }
        for g in &wraps {
            self.guard(&group, g);
        }
        if !prefix.is_empty() {
            self.prefix(&group, &prefix);
        }
        group
    }

    /// A router given to nest/merge/service: a chain, a variable, a function call (mounted
    /// through the linker), a handler with a route attribute, or a list of them.
    fn router_expr(&mut self, expr: Node<'t>, prefix: &str, depth: usize) -> Group {
        let src = self.src();
        let mut group = Group::default();
        match expr.kind() {
            "call_expression" if depth < 16 => {
                let callee = ast::callee(expr, src);
                let last = callee.rsplit("::").next().unwrap_or(callee);
                if ast::receiver(expr).is_some() || matches!(last, "scope" | "resource") {
                    group = self.process(expr, depth + 1);
                } else if !is_router_constructor(callee)
                    && let Some(m) = self.mount_call(expr, prefix)
                {
                    group.mounts.push(m);
                }
            }
            "identifier" => {
                let name = self.ctx.text(expr);
                let key = self.var_key(expr, name);
                if let Some(g) = self.vars.remove(&key) {
                    group = g;
                } else if let Some(m) = self.mount_path(expr, name, prefix) {
                    group.mounts.push(m);
                }
            }
            "scoped_identifier" => {
                if let Some(m) = self.mount_path(expr, self.ctx.text(expr), prefix) {
                    group.mounts.push(m);
                }
            }
            "tuple_expression" => {
                let mut cursor = expr.walk();
                let items: Vec<Node<'t>> = expr.named_children(&mut cursor).collect();
                for item in items {
                    let g = self.router_expr(item, prefix, depth + 1);
                    group.extend(g);
                }
            }
            "macro_invocation" => {
                for name in ast::macro_args(expr, src) {
                    if let Some(m) = self.mount_path(expr, name, prefix) {
                        group.mounts.push(m);
                    }
                }
            }
            "reference_expression" => {
                if let Some(v) = expr.field("value") {
                    group = self.router_expr(v, prefix, depth + 1);
                }
            }
            _ => {}
        }
        group
    }

    fn mount_call(&mut self, call: Node<'t>, prefix: &str) -> Option<usize> {
        let f = call.field("function")?;
        if !matches!(f.kind(), "identifier" | "scoped_identifier") {
            return None;
        }
        self.mount_path(call, self.ctx.text(f), prefix)
    }

    fn mount_path(&mut self, _at: Node<'t>, path: &str, prefix: &str) -> Option<usize> {
        let path = path.trim();
        if !path
            .split("::")
            .all(|s| ast::is_ident(s) || s == "crate" || s == "super" || s == "self")
        {
            return None;
        }
        self.out.link_hints.push(LinkHint::Mount {
            parent: self.scope.clone(),
            child: format!("{}{path}", hints::UNRESOLVED),
            prefix: prefix.to_string(),
            auth: None,
            line: 0,
        });
        Some(self.out.link_hints.len() - 1)
    }

    fn prefix(&mut self, group: &Group, prefix: &str) {
        for &r in &group.routes {
            let route = &mut self.out.routes[r];
            route.path = join_paths(prefix, &route.path);
        }
        for &m in &group.mounts {
            if let LinkHint::Mount { prefix: p, .. } = &mut self.out.link_hints[m] {
                *p = join_paths(prefix, p);
            }
        }
    }

    fn guard(&mut self, group: &Group, guard: &Guard) {
        let (evidence, roles) = match guard {
            Guard::Required { evidence, roles } => (evidence, roles),
            Guard::Maybe(reason) => {
                // A middleware that may authenticate: "no auth" becomes "unknown".
                for &r in &group.routes {
                    let route = &mut self.out.routes[r];
                    if route.auth == Auth::None {
                        route.auth = Auth::Unknown {
                            reason: reason.clone(),
                        };
                    }
                }
                for &m in &group.mounts {
                    if let LinkHint::Mount { auth, .. } = &mut self.out.link_hints[m]
                        && auth.is_none()
                    {
                        *auth = Some(format!("{}{reason}", hints::MAYBE));
                    }
                }
                return;
            }
        };
        for &r in &group.routes {
            let route = &mut self.out.routes[r];
            if !route.auth.is_required() {
                route.auth = Auth::Required {
                    evidence: evidence.clone(),
                };
            }
            for role in roles {
                if !route.roles.contains(role) {
                    route.roles.push(role.clone());
                }
            }
        }
        for &m in &group.mounts {
            if let LinkHint::Mount { auth, .. } = &mut self.out.link_hints[m]
                && auth.is_none()
            {
                *auth = Some(evidence.clone());
            }
        }
    }

    /// `get(h).post(h2).layer(..)` (axum), `web::post().to(h)` (actix).
    fn method_routes(&mut self, path: &str, at: Node<'t>, expr: Node<'t>) -> Group {
        let src = self.src();
        let (base, links) = ast::chain(expr, src);
        let mut entries: Vec<(String, Node<'t>)> = Vec::new();
        let mut guards: Vec<(usize, Guard)> = Vec::new();
        let mut actix_method = String::from("ANY");
        let mut calls = vec![(base, ast::call_name(base, src).to_string())];
        calls.extend(links.iter().map(|l| (l.call, l.method.to_string())));
        for (call, name) in calls {
            if call.kind() != "call_expression" {
                continue;
            }
            let args = ast::args(call);
            let method = name.strip_suffix("_service").unwrap_or(&name);
            match (method, args.as_slice()) {
                (m, [handler]) if METHODS.contains(&m) => {
                    entries.push((m.to_ascii_uppercase(), *handler));
                }
                (m, []) if METHODS.contains(&m) => actix_method = m.to_ascii_uppercase(),
                ("route", []) => actix_method = "ANY".into(),
                ("method" | "guard", [m]) => {
                    let t = self.ctx.text(*m).to_ascii_uppercase();
                    if let Some(found) = METHODS
                        .iter()
                        .map(|m| m.to_ascii_uppercase())
                        .find(|m| t.contains(&format!("::{m}")) || t.contains(&format!("{m}(")))
                    {
                        actix_method = found;
                    }
                }
                ("on", [filter, handler]) => {
                    let t = self.ctx.text(*filter).to_ascii_uppercase();
                    let m = METHODS
                        .iter()
                        .map(|m| m.to_ascii_uppercase())
                        .find(|m| t.contains(m.as_str()))
                        .unwrap_or_else(|| "ANY".into());
                    entries.push((m, *handler));
                }
                ("to", [handler]) => entries.push((actix_method.clone(), *handler)),
                ("layer" | "route_layer", [layer]) => {
                    if let Some(g) = auth::of_middleware(self.ctx, *layer) {
                        guards.push((entries.len(), g));
                    }
                }
                _ => {}
            }
        }
        let mut group = Group::default();
        for (i, (method, handler)) in entries.iter().enumerate() {
            let guard = guards.iter().find(|(n, _)| *n > i).map(|(_, g)| g.clone());
            if let Some(r) = self.add_route(method, path, *handler, at, guard) {
                group.routes.push(r);
            }
        }
        group
    }

    fn add_route(
        &mut self,
        method: &str,
        path: &str,
        handler: Node<'t>,
        at: Node<'t>,
        layer: Option<Guard>,
    ) -> Option<usize> {
        let info = self.handler(handler);
        let (mut auth, mut roles) = match &info.guard {
            Some(Guard::Required { evidence, roles }) => (
                Auth::Required {
                    evidence: evidence.clone(),
                },
                roles.clone(),
            ),
            Some(Guard::Maybe(reason)) => (
                Auth::Unknown {
                    reason: reason.clone(),
                },
                Vec::new(),
            ),
            None if info.resolved => (Auth::None, Vec::new()),
            None => (
                Auth::Unknown {
                    reason: hints::handler_elsewhere(&info.name),
                },
                Vec::new(),
            ),
        };
        match layer {
            Some(Guard::Required {
                evidence,
                roles: layer_roles,
            }) => {
                if !auth.is_required() {
                    auth = Auth::Required { evidence };
                }
                roles.extend(layer_roles);
            }
            Some(Guard::Maybe(reason)) if auth == Auth::None => auth = Auth::Unknown { reason },
            _ => {}
        }
        let method = if info.kind == RouteKind::WebSocket {
            "GET"
        } else {
            method
        };
        let p = ast::pos(at);
        self.out.routes.push(Route {
            method: method.to_string(),
            path: path.to_string(),
            handler: info.name,
            file: self.ctx.path.to_string(),
            line: p.line,
            column: p.column,
            framework: self.framework,
            kind: info.kind,
            auth,
            roles,
            scope: self.scope.clone(),
        });
        Some(self.out.routes.len() - 1)
    }

    fn handler(&self, node: Node<'t>) -> HandlerInfo {
        let src = self.src();
        let mut info = HandlerInfo {
            name: String::new(),
            guard: None,
            kind: RouteKind::Http,
            resolved: false,
        };
        let node = if node.kind() == "generic_function" {
            node.field("function").unwrap_or(node)
        } else {
            node
        };
        match node.kind() {
            "identifier" | "scoped_identifier" => {
                let name = self.ctx.text(node);
                info.name = name.to_string();
                let local = name.strip_prefix("self::").unwrap_or(name);
                if !local.contains("::")
                    && let Some(f) = self.fns.get(local)
                {
                    info.guard = auth::of_function(self.ctx, *f);
                    info.kind = function_kind(self.ctx, *f);
                    info.resolved = true;
                }
            }
            "closure_expression" => {
                info.guard = auth::of_function(self.ctx, node);
                info.kind = function_kind(self.ctx, node);
                info.resolved = true;
            }
            "call_expression" => {
                let callee = ast::callee(node, src);
                info.name = callee.to_string();
                if callee.contains("GraphQLSubscription") {
                    info.kind = RouteKind::WebSocket;
                } else if callee.contains("GraphQL") {
                    info.kind = RouteKind::GraphQl;
                }
                info.resolved = true;
            }
            _ => info.name = self.ctx.text(node).to_string(),
        }
        info
    }

    /// `#[post("/x")]`, `#[route("/x", method = "GET", method = "POST")]`.
    fn attribute_routes(&mut self, func: Node<'t>) {
        for attr in ast::attributes_of(func) {
            let Some(inner) = attr.named_child(0) else {
                continue;
            };
            let Some(path_node) = inner.named_child(0) else {
                continue;
            };
            let name = self.ctx.text(path_node);
            let last = name.rsplit("::").next().unwrap_or(name);
            if !METHODS.contains(&last) && last != "route" {
                continue;
            }
            let Some(args) = inner.field("arguments") else {
                continue;
            };
            let t = self.ctx.text(args);
            let parts = ast::split_top_level(&t[1..t.len().saturating_sub(1)]);
            let Some(path) = parts.first().and_then(|p| ast::unquote_text(p)) else {
                continue;
            };
            if !path.starts_with('/') {
                continue;
            }
            let mut methods: Vec<String> = parts[1..]
                .iter()
                .filter_map(|p| p.split_once('='))
                .filter(|(k, _)| k.trim() == "method")
                .filter_map(|(_, v)| ast::unquote_text(v.trim()))
                .map(|m| m.to_ascii_uppercase())
                .collect();
            if last != "route" {
                methods = vec![last.to_ascii_uppercase()];
            } else if methods.is_empty() {
                methods.push("ANY".into());
            }
            let wrap = parts[1..]
                .iter()
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| k.trim() == "wrap")
                .map(|(_, v)| v.trim().trim_matches('"').to_string());
            let mut guard = auth::of_function(self.ctx, func);
            if let Some(w) = wrap
                && let Some(g) = auth::middleware_name(&w)
            {
                guard = Some(g);
            }
            let (auth, roles) = match guard {
                Some(Guard::Required { evidence, roles }) => (Auth::Required { evidence }, roles),
                Some(Guard::Maybe(reason)) => (Auth::Unknown { reason }, Vec::new()),
                None => (Auth::None, Vec::new()),
            };
            let kind = function_kind(self.ctx, func);
            let fname = func.field("name").map(|n| self.ctx.text(n)).unwrap_or("");
            let p = ast::pos(attr);
            for m in methods {
                self.out.routes.push(Route {
                    method: if kind == RouteKind::WebSocket {
                        "GET".into()
                    } else {
                        m
                    },
                    path: path.to_string(),
                    handler: fname.to_string(),
                    file: self.ctx.path.to_string(),
                    line: p.line,
                    column: p.column,
                    framework: self.framework,
                    kind,
                    auth: auth.clone(),
                    roles: roles.clone(),
                    scope: self.ctx.fn_key(func),
                });
            }
        }
    }

    /// Hints the linker uses: what each function's parameters say about auth (for routes whose
    /// handler lives in another file) and which functions serve the app (roots).
    fn function_hints(&mut self, func: Node<'t>) {
        let key = self.ctx.fn_key(func);
        let name = func.field("name").map(|n| self.ctx.text(n)).unwrap_or("");
        let body = func.field("body").map(|b| self.ctx.text(b)).unwrap_or("");
        let attrs: String = ast::attributes_of(func)
            .iter()
            .map(|a| self.ctx.text(*a))
            .collect();
        let is_root = name == "main"
            || attrs.contains("::main")
            || attrs.contains("launch")
            || body.contains("serve(")
            || body.contains("HttpServer::new")
            || body.contains("rocket::build")
            || body.contains(".launch()");
        if is_root {
            self.out.link_hints.push(hints::root_hint(&key));
            if let Some(b) = func.field("body") {
                let mut callees = Vec::new();
                crate::syntax::walk(b, |n| {
                    if n.kind() == "call_expression"
                        && let Some(f) = n.field("function")
                        && matches!(f.kind(), "identifier" | "scoped_identifier")
                    {
                        callees.push(self.ctx.text(f));
                    }
                    true
                });
                for c in callees {
                    self.out.link_hints.push(hints::call_hint(&key, c));
                }
            }
        }
        let has_params = func
            .field("parameters")
            .is_some_and(|p| p.named_child_count() > 0);
        if has_params {
            let guard = auth::of_function(self.ctx, func);
            let kind = function_kind(self.ctx, func);
            self.out
                .link_hints
                .push(hints::handler_hint(&key, guard.as_ref(), kind));
        }
    }
}

fn is_router_constructor(callee: &str) -> bool {
    let c = callee.replace(' ', "");
    c.ends_with("Router::new")
        || c.ends_with("Router::default")
        || c.contains("Router::<")
        || c.ends_with("App::new")
        || c.ends_with("rocket::build")
}

/// WebSocket and GraphQL handlers, from their parameters and body.
fn function_kind(ctx: &Ctx<'_>, func: Node<'_>) -> RouteKind {
    let params = func.field("parameters").map(|p| ctx.text(p)).unwrap_or("");
    let body = func.field("body").map(|b| ctx.text(b)).unwrap_or("");
    if params.contains("WebSocketUpgrade")
        || body.contains("actix_ws::handle")
        || body.contains("ws::start(")
    {
        RouteKind::WebSocket
    } else if params.contains("GraphQLRequest") || params.contains("GraphQLBatchRequest") {
        RouteKind::GraphQl
    } else {
        RouteKind::Http
    }
}
