//! Route registrations of net/http, chi, gin, echo, fiber and gorilla/mux, with the groups,
//! sub-routers and middleware around them (as link hints), and the auth each route carries.

use super::ast::{Call, Ctx, function_name, string_value};
use super::middleware::{Middleware, classify};
use super::scope;
use crate::model::{Auth, FileCode, LinkHint, Route, RouteKind};
use crate::syntax::FieldChild;
use crate::syntax::text;
use tree_sitter::Node;

/// Guard evidence prefix for middleware vouch cannot name (resolved and removed by `link`).
pub const UNKNOWN_MARK: &str = "\u{1}unknown:";
/// Guard evidence prefix for a role a middleware demands (resolved and removed by `link`).
pub const ROLE_MARK: &str = "\u{1}role:";
/// The parent of every router a server in the code serves.
pub const SERVED: &str = "go:served";
/// The scope of `http.HandleFunc` routes.
pub const DEFAULT_MUX: &str = "go:net/http::DefaultServeMux";

const LOWER_VERBS: &[&str] = &[
    "Get", "Post", "Put", "Patch", "Delete", "Head", "Options", "Connect", "Trace", "All",
];
const UPPER_VERBS: &[&str] = &[
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE", "Any",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Fw {
    NetHttp,
    Chi,
    Gin,
    Echo,
    Fiber,
    Gorilla,
    HttpRouter,
}

impl Fw {
    fn name(self) -> &'static str {
        match self {
            Fw::NetHttp => "net/http",
            Fw::Chi => "chi",
            Fw::Gin => "gin",
            Fw::Echo => "echo",
            Fw::Fiber => "fiber",
            Fw::Gorilla => "gorilla/mux",
            Fw::HttpRouter => "httprouter",
        }
    }
}

struct Frameworks {
    chi: bool,
    gin: bool,
    echo: bool,
    fiber: bool,
    gorilla: bool,
    httprouter: bool,
    nethttp: bool,
}

pub struct RouteScan<'c, 'a> {
    ctx: &'c Ctx<'a>,
    fw: Frameworks,
    /// Top-level functions that upgrade to a WebSocket.
    ws_funcs: Vec<String>,
    graphql: bool,
    /// Path-prefixed guards (`app.Use("/api", auth)`): scope, prefix, middleware.
    prefix_guards: Vec<(String, String, Middleware)>,
}

pub fn extract(
    ctx: &Ctx<'_>,
    root: Node<'_>,
    calls: &[Node<'_>],
    composites: &[Node<'_>],
    out: &mut FileCode,
) {
    let fw = Frameworks {
        chi: ctx.imports_any(&["github.com/go-chi/chi"]),
        gin: ctx.imports_any(&["github.com/gin-gonic/gin"]),
        echo: ctx.imports_any(&["github.com/labstack/echo"]),
        fiber: ctx.imports_any(&["github.com/gofiber/fiber"]),
        gorilla: ctx.imports_any(&["github.com/gorilla/mux"]),
        httprouter: ctx.imports_any(&["github.com/julienschmidt/httprouter"]),
        nethttp: ctx.imports_any(&["net/http"]),
    };
    let mut scan = RouteScan {
        ctx,
        ws_funcs: websocket_functions(ctx, root),
        graphql: ctx.imports_any(&[
            "github.com/99designs/gqlgen",
            "github.com/graph-gophers/graphql-go",
            "github.com/graphql-go/handler",
        ]),
        fw,
        prefix_guards: Vec::new(),
    };
    for &node in calls {
        if let Some(call) = Call::of(node, ctx.src) {
            scan.call(call, out);
        }
    }
    for &lit in composites {
        // `&http.Server{Handler: auth(mux)}`
        if super::ast::composite_type(lit, ctx.src) == Some("http.Server")
            && let Some((_, h)) = super::ast::keyed_fields(lit, ctx.src)
                .into_iter()
                .find(|(k, _)| *k == "Handler")
        {
            server_handler(ctx, h, out);
        }
    }
    super::wiring::returned_routers(ctx, root, out);
    super::wiring::passed_routers(ctx, calls, out);
    super::wiring::received_routers(ctx, calls, out);
    scan.apply_prefix_guards(out);
}

impl RouteScan<'_, '_> {
    fn call(&mut self, call: Call<'_>, out: &mut FileCode) {
        let ctx = self.ctx;
        let Some(recv) = call.recv else {
            return;
        };
        // Package-level functions: net/http's DefaultServeMux and servers.
        if let Some(pkg) = ctx.package_of(recv) {
            if pkg == "net/http" {
                match call.name {
                    "HandleFunc" | "Handle" => {
                        self.route_on(call, DEFAULT_MUX.to_string(), Fw::NetHttp, out)
                    }
                    "ListenAndServe" | "ListenAndServeTLS" => {
                        let i = if call.name == "ListenAndServe" { 1 } else { 3 };
                        if let Some(h) = call.arg(i) {
                            self.server_handler(h, out);
                        }
                    }
                    _ => {}
                }
            }
            return;
        }
        let name = call.name;
        if name == "Use" {
            self.use_middleware(call, recv, out);
            return;
        }
        if matches!(name, "Route" | "Group")
            && (self.fw.chi || self.fw.fiber)
            && self.closure_group(call, recv, out)
        {
            return;
        }
        if name == "Group" && (self.fw.gin || self.fw.echo || self.fw.fiber) {
            self.prefix_group(call, recv, out);
            return;
        }
        if name == "With" && self.fw.chi {
            // `sub := r.With(auth)` (a route on `r.With(auth).Post` is handled at the route).
            if let (Some(child), Some(parent)) =
                (assigned_scope(ctx, call.node), scope::of_expr(ctx, recv))
            {
                let mws: Vec<Middleware> = call.args().iter().map(|a| classify(ctx, *a)).collect();
                push_group(out, parent, child, String::new(), mws);
            }
            return;
        }
        if name == "Subrouter" && self.fw.gorilla {
            self.gorilla_subrouter(call, recv, out);
            return;
        }
        if name == "Mount" && self.fw.chi {
            self.mount(call, recv, out);
            return;
        }
        let httprouter_method = self.fw.httprouter
            && matches!(name, "Handler" | "HandlerFunc" | "Handle")
            && call.args().len() == 3
            && call.arg(0).and_then(|a| method_value(ctx, a)).is_some();
        let fw = if httprouter_method {
            Some(Fw::HttpRouter)
        } else if UPPER_VERBS.contains(&name) || name == "Handle" && self.gin_handle(call) {
            if self.fw.gin {
                Some(Fw::Gin)
            } else if self.fw.echo {
                Some(Fw::Echo)
            } else if self.fw.httprouter {
                Some(Fw::HttpRouter)
            } else {
                None
            }
        } else if LOWER_VERBS.contains(&name) || matches!(name, "Method" | "MethodFunc") {
            if self.fw.chi {
                Some(Fw::Chi)
            } else if self.fw.fiber {
                Some(Fw::Fiber)
            } else {
                None
            }
        } else if matches!(name, "HandleFunc" | "Handle") {
            if self.fw.gorilla {
                Some(Fw::Gorilla)
            } else if self.fw.chi {
                Some(Fw::Chi)
            } else if self.fw.nethttp {
                Some(Fw::NetHttp)
            } else {
                None
            }
        } else {
            None
        };
        let Some(fw) = fw else {
            return;
        };
        // `r.With(auth).Post(...)`: the route's scope is `r`, the With middleware is its own.
        let (scope_expr, mut extra) = with_chain(ctx, recv);
        let Some(scope_key) = scope::of_expr(ctx, scope_expr) else {
            return;
        };
        if fw == Fw::Gorilla && name == "Handle" && self.mount_like(call, &scope_key, out) {
            return;
        }
        let before = out.routes.len();
        self.route_on(call, scope_key, fw, out);
        if !extra.is_empty() {
            for route in &mut out.routes[before..] {
                apply_route_middleware(route, &mut extra);
            }
        }
    }

    fn gin_handle(&self, call: Call<'_>) -> bool {
        self.fw.gin
            && call
                .arg(0)
                .and_then(|a| string_value(a, self.ctx.src))
                .is_some_and(|m| m.chars().all(|c| c.is_ascii_uppercase()))
    }

    /// A route registration `recv.Verb(path, ...)` on `scope_key`.
    fn route_on(&mut self, call: Call<'_>, scope_key: String, fw: Fw, out: &mut FileCode) {
        let ctx = self.ctx;
        let args = call.args();
        let (methods, path_arg, rest): (Vec<String>, usize, usize) = match call.name {
            "Method" | "MethodFunc" => {
                let Some(m) = args.first().and_then(|a| string_value(*a, ctx.src)) else {
                    return;
                };
                (vec![m.to_ascii_uppercase()], 1, 2)
            }
            "Handle" | "Handler" | "HandlerFunc" if matches!(fw, Fw::Gin | Fw::HttpRouter) => {
                let Some(m) = args.first().and_then(|a| method_value(ctx, *a)) else {
                    return;
                };
                (vec![m], 1, 2)
            }
            "HandleFunc" | "Handle" => (Vec::new(), 0, 1),
            verb => {
                let m = verb.to_ascii_uppercase();
                let m = if m == "ALL" { "ANY".to_string() } else { m };
                (vec![m], 0, 1)
            }
        };
        let Some(raw_path) = args.get(path_arg).and_then(|a| string_value(*a, ctx.src)) else {
            return;
        };
        if !(raw_path.starts_with('/') || raw_path.is_empty() || raw_path.contains(" /")) {
            return;
        }
        let handlers = &args[rest.min(args.len())..];
        if handlers.is_empty() {
            return;
        }
        // Which argument is the handler and which are middleware.
        let (handler, mws): (Node<'_>, Vec<Node<'_>>) = match fw {
            Fw::Gin | Fw::Fiber => (
                *handlers.last().expect("non-empty"),
                handlers[..handlers.len() - 1].to_vec(),
            ),
            Fw::Echo => (handlers[0], handlers[1..].to_vec()),
            _ => (handlers[0], Vec::new()),
        };
        let (handler_name, mut wrappers) = unwrap_handler(ctx, handler);
        wrappers.extend(mws.iter().map(|m| classify(ctx, *m)));
        let (mut methods, path) = if methods.is_empty() {
            split_pattern(&raw_path)
        } else {
            (methods, raw_path.clone())
        };
        if fw == Fw::Gorilla
            && let Some(m) = gorilla_methods(ctx, call.node)
        {
            methods = m;
        }
        if methods.is_empty() {
            methods.push("ANY".into());
        }
        let kind = self.kind_of(&path, handler, &handler_name);
        for method in methods {
            let mut route = Route {
                method,
                path: path.clone(),
                handler: handler_name.clone(),
                file: ctx.path.to_string(),
                line: call.pos().line,
                column: call.pos().column,
                framework: fw.name(),
                kind,
                auth: Auth::None,
                roles: Vec::new(),
                scope: scope_key.clone(),
            };
            let mut w: Vec<Middleware> = wrappers
                .iter()
                .map(|m| match m {
                    Middleware::Auth { evidence, roles } => Middleware::Auth {
                        evidence: evidence.clone(),
                        roles: roles.clone(),
                    },
                    Middleware::Neutral => Middleware::Neutral,
                    Middleware::Unknown(n) => Middleware::Unknown(n.clone()),
                })
                .collect();
            apply_route_middleware(&mut route, &mut w);
            out.routes.push(route);
        }
        if let Some(fact) = super::capabilities::metrics_route(ctx, handler, &path) {
            out.facts.push(fact);
        }
    }

    fn kind_of(&self, path: &str, handler: Node<'_>, name: &str) -> RouteKind {
        let handler_text = self.ctx.text(handler).to_ascii_lowercase();
        let last = name.rsplit('.').next().unwrap_or(name);
        if !last.is_empty()
            && self
                .ws_funcs
                .iter()
                .any(|f| f.rsplit('.').next() == Some(last))
        {
            return RouteKind::WebSocket;
        }
        if handler_text.contains("websocket.handler") {
            return RouteKind::WebSocket;
        }
        let lower = path.to_ascii_lowercase();
        if self.graphql
            && !handler_text.contains("playground")
            && (lower.contains("graphql") || lower.ends_with("/query"))
        {
            return RouteKind::GraphQl;
        }
        RouteKind::Http
    }

    fn use_middleware(&mut self, call: Call<'_>, recv: Node<'_>, out: &mut FileCode) {
        let ctx = self.ctx;
        let Some(scope_key) = scope::of_expr(ctx, recv) else {
            return;
        };
        let args = call.args();
        // fiber `app.Use("/api", auth)`: only routes under the prefix.
        if let Some(prefix) = args.first().and_then(|a| string_value(*a, ctx.src)) {
            for a in &args[1..] {
                self.prefix_guards
                    .push((scope_key.clone(), prefix.clone(), classify(ctx, *a)));
            }
            return;
        }
        // echo and gorilla/mux run `Use` middleware at request time, so it guards routes
        // registered before it too; gin, chi and fiber only guard the routes after it.
        let order_free =
            (self.fw.echo || self.fw.gorilla) && !(self.fw.gin || self.fw.chi || self.fw.fiber);
        let line = if order_free { 0 } else { call.pos().line };
        for a in args {
            push_guard(out, &scope_key, classify(ctx, a), line);
        }
    }

    /// chi `r.Route("/v1", func(r chi.Router) {...})`, `r.Group(func(r chi.Router) {...})`,
    /// fiber `app.Route("/v1", func(api fiber.Router) {...})`.
    fn closure_group(&mut self, call: Call<'_>, recv: Node<'_>, out: &mut FileCode) -> bool {
        let ctx = self.ctx;
        let args = call.args();
        let Some(lit) = args.iter().find(|a| a.kind() == "func_literal") else {
            return false;
        };
        let prefix = args
            .first()
            .and_then(|a| string_value(*a, ctx.src))
            .unwrap_or_default();
        let Some(parent) = scope::of_expr(ctx, recv) else {
            return true;
        };
        let child = scope::of_param_decl(ctx, *lit, 0);
        push_group(out, parent, child, prefix, Vec::new());
        true
    }

    /// gin/echo/fiber `g := r.Group("/api", mw...)`.
    fn prefix_group(&mut self, call: Call<'_>, recv: Node<'_>, out: &mut FileCode) {
        let ctx = self.ctx;
        let args = call.args();
        let Some(prefix) = args.first().and_then(|a| string_value(*a, ctx.src)) else {
            return;
        };
        let (Some(parent), Some(child)) =
            (scope::of_expr(ctx, recv), assigned_scope(ctx, call.node))
        else {
            return;
        };
        let mws = args[1..].iter().map(|a| classify(ctx, *a)).collect();
        push_group(out, parent, child, prefix, mws);
    }

    /// gorilla `s := r.PathPrefix("/api").Subrouter()`.
    fn gorilla_subrouter(&mut self, call: Call<'_>, recv: Node<'_>, out: &mut FileCode) {
        let ctx = self.ctx;
        let Some(child) = assigned_scope(ctx, call.node) else {
            return;
        };
        let mut prefix = String::new();
        let mut base = recv;
        if let Some(inner) = Call::of(recv, ctx.src)
            && let Some(r) = inner.recv
        {
            if inner.name == "PathPrefix" {
                prefix = inner
                    .arg(0)
                    .and_then(|a| string_value(a, ctx.src))
                    .unwrap_or_default();
            }
            base = r;
        }
        if let Some(parent) = scope::of_expr(ctx, base) {
            push_group(out, parent, child, prefix, Vec::new());
        }
    }

    /// chi `r.Mount("/users", usersRouter())`.
    fn mount(&mut self, call: Call<'_>, recv: Node<'_>, out: &mut FileCode) {
        let ctx = self.ctx;
        let (Some(prefix), Some(h)) = (
            call.arg(0).and_then(|a| string_value(a, ctx.src)),
            call.arg(1),
        ) else {
            return;
        };
        let Some(parent) = scope::of_expr(ctx, recv) else {
            return;
        };
        let (inner, wrappers) = unwrap_to_router(ctx, h);
        if let Some(child) = router_scope(ctx, inner) {
            push_group(out, parent, child, prefix, wrappers);
        }
    }

    /// net/http and gorilla `Handle("/api/", apiRouter)`: a mounted sub-router, not a route.
    fn mount_like(&mut self, call: Call<'_>, parent: &str, out: &mut FileCode) -> bool {
        let ctx = self.ctx;
        let (Some(path), Some(h)) = (
            call.arg(0).and_then(|a| string_value(a, ctx.src)),
            call.arg(1),
        ) else {
            return false;
        };
        let (inner, wrappers) = unwrap_to_router(ctx, h);
        if !is_router_value(ctx, inner) {
            return false;
        }
        let Some(child) = router_scope(ctx, inner) else {
            return false;
        };
        let (_, p) = split_pattern(&path);
        push_group(
            out,
            parent.to_string(),
            child,
            p.trim_end_matches('/').to_string(),
            wrappers,
        );
        true
    }

    /// `http.ListenAndServe(addr, auth(mux))`, `&http.Server{Handler: h}`: wrappers guard the mux.
    pub fn server_handler(&mut self, handler: Node<'_>, out: &mut FileCode) {
        server_handler(self.ctx, handler, out);
    }

    fn apply_prefix_guards(&mut self, out: &mut FileCode) {
        for (scope_key, prefix, mw) in self.prefix_guards.drain(..) {
            for route in out.routes.iter_mut() {
                if route.scope == scope_key && route.path.starts_with(&prefix) {
                    let mut w = vec![match &mw {
                        Middleware::Auth { evidence, roles } => Middleware::Auth {
                            evidence: evidence.clone(),
                            roles: roles.clone(),
                        },
                        Middleware::Neutral => Middleware::Neutral,
                        Middleware::Unknown(n) => Middleware::Unknown(n.clone()),
                    }];
                    apply_route_middleware(route, &mut w);
                }
            }
        }
    }
}

/// `http.ListenAndServe(addr, auth(mux))`, `&http.Server{Handler: h}`: wrappers guard the mux.
pub fn server_handler(ctx: &Ctx<'_>, handler: Node<'_>, out: &mut FileCode) {
    let handler = resolve_local(ctx, handler).unwrap_or(handler);
    let (inner, wrappers) = unwrap_to_router(ctx, handler);
    let scope_key = if ctx.text(inner) == "nil" || ctx.text(inner).ends_with("DefaultServeMux") {
        Some(DEFAULT_MUX.to_string())
    } else {
        router_scope(ctx, inner)
    };
    if let Some(scope_key) = scope_key {
        for mw in wrappers {
            push_guard(out, &scope_key, mw, 0);
        }
        // The server serves this router: every guard between it and the clients was seen.
        out.link_hints.push(LinkHint::Mount {
            parent: SERVED.to_string(),
            child: scope_key,
            prefix: String::new(),
            auth: None,
            line: 0,
        });
    }
}

/// Applies a route's own middleware (wrappers, route-level handlers) to its auth and roles.
fn apply_route_middleware(route: &mut Route, mws: &mut Vec<Middleware>) {
    for mw in mws.drain(..) {
        match mw {
            Middleware::Auth { evidence, roles } => {
                route.auth = Auth::Required { evidence };
                route.roles.extend(roles);
            }
            Middleware::Unknown(name) => {
                if !route.auth.is_required() {
                    route.auth = Auth::Unknown {
                        reason: unknown_reason(&name),
                    };
                }
            }
            Middleware::Neutral => {}
        }
    }
}

pub fn unknown_reason(name: &str) -> String {
    format!("middleware `{name}` applies; vouch cannot tell whether it authenticates")
}

fn push_guard(out: &mut FileCode, scope_key: &str, mw: Middleware, line: u32) {
    match mw {
        Middleware::Auth { evidence, roles } => {
            out.link_hints.push(LinkHint::Guard {
                scope: scope_key.to_string(),
                evidence,
                line,
            });
            for role in roles {
                out.link_hints.push(LinkHint::Guard {
                    scope: scope_key.to_string(),
                    evidence: format!("{ROLE_MARK}{role}"),
                    line,
                });
            }
        }
        Middleware::Unknown(name) => out.link_hints.push(LinkHint::Guard {
            scope: scope_key.to_string(),
            evidence: format!("{UNKNOWN_MARK}{name}"),
            line,
        }),
        Middleware::Neutral => {}
    }
}

/// A group: `child` is served under `parent` with `prefix`; its middleware guard `child`.
pub(super) fn push_group(
    out: &mut FileCode,
    parent: String,
    child: String,
    prefix: String,
    mws: Vec<Middleware>,
) {
    for mw in mws {
        push_guard(out, &child, mw, 0);
    }
    out.link_hints.push(LinkHint::Mount {
        parent,
        child,
        prefix,
        auth: None,
        line: 0,
    });
}

/// `POST /items/{id}` → (["POST"], "/items/{id}"); `/x` → ([], "/x"); host patterns keep the path.
fn split_pattern(pattern: &str) -> (Vec<String>, String) {
    let pattern = pattern.trim();
    let (methods, rest) = match pattern.split_once(' ') {
        Some((m, rest)) if !m.is_empty() && m.chars().all(|c| c.is_ascii_uppercase()) => {
            (vec![m.to_string()], rest.trim())
        }
        _ => (Vec::new(), pattern),
    };
    let path = match rest.find('/') {
        Some(i) => &rest[i..],
        None => rest,
    };
    (methods, path.to_string())
}

/// gorilla `.Methods("POST", "PUT")` chained on the registration.
fn gorilla_methods(ctx: &Ctx<'_>, reg: Node<'_>) -> Option<Vec<String>> {
    let mut node = reg;
    for _ in 0..4 {
        let sel = ctx
            .parent(node)
            .filter(|p| p.kind() == "selector_expression")?;
        let call = ctx.parent(sel).filter(|p| p.kind() == "call_expression")?;
        let c = Call::of(call, ctx.src)?;
        if c.name == "Methods" {
            let ms: Vec<String> = c
                .args()
                .iter()
                .filter_map(|a| {
                    string_value(*a, ctx.src).or_else(|| {
                        let t = ctx.text(*a);
                        t.strip_prefix("http.Method")
                            .map(|m| m.to_ascii_uppercase())
                    })
                })
                .map(|m| m.to_ascii_uppercase())
                .collect();
            return (!ms.is_empty()).then_some(ms);
        }
        node = call;
    }
    None
}

/// `r.With(a).With(b)` → (`r`, [a, b]).
fn with_chain<'t>(ctx: &Ctx<'_>, recv: Node<'t>) -> (Node<'t>, Vec<Middleware>) {
    let mut mws = Vec::new();
    let mut current = recv;
    for _ in 0..8 {
        let Some(call) = Call::of(current, ctx.src) else {
            break;
        };
        if call.name != "With" || call.recv.is_none() {
            break;
        }
        mws.extend(call.args().iter().map(|a| classify(ctx, *a)));
        let Some(r) = recv_of(current) else {
            break;
        };
        current = r;
    }
    (current, mws)
}

/// Peels wrappers off a handler expression: `auth(http.HandlerFunc(h))` → ("h", [auth]).
/// A call vouch cannot name that does not wrap a handler is a handler constructor
/// (`createItem(db)`), not middleware.
fn unwrap_handler(ctx: &Ctx<'_>, expr: Node<'_>) -> (String, Vec<Middleware>) {
    let mut mws = Vec::new();
    let mut current = expr;
    for _ in 0..8 {
        let Some(call) = Call::of(current, ctx.src) else {
            break;
        };
        let inner = call.args().into_iter().find(|a| {
            !matches!(
                a.kind(),
                "interpreted_string_literal" | "raw_string_literal" | "int_literal"
            )
        });
        // `mw.RequireAuth(cfg)(h)`: the callee itself is a call.
        let callee = call.node.field("function");
        let kind = match callee.filter(|c| c.kind() == "call_expression") {
            Some(c) => classify(ctx, c),
            None => classify(ctx, current),
        };
        let Some(inner) = inner else {
            break;
        };
        match kind {
            Middleware::Unknown(_) if !wraps_handler(ctx, inner) => break,
            k => mws.push(k),
        }
        current = inner;
    }
    let name = match current.kind() {
        "func_literal" => String::new(),
        _ => ctx.text(current).to_string(),
    };
    (name, mws)
}

/// Whether an argument is visibly an HTTP handler (so the call around it is a wrapper).
fn wraps_handler(ctx: &Ctx<'_>, arg: Node<'_>) -> bool {
    let t = ctx.text(arg);
    let last = t.rsplit('.').next().unwrap_or(t).to_ascii_lowercase();
    let named_like_handler = matches!(arg.kind(), "identifier" | "selector_expression")
        && (last.ends_with("handler") || last.starts_with("handle"));
    named_like_handler
        || (arg.kind() == "func_literal" && t.contains("ResponseWriter"))
        || t.contains("HandlerFunc(")
        || Call::of(arg, ctx.src).is_some_and(|c| {
            matches!(
                classify(ctx, arg),
                Middleware::Auth { .. } | Middleware::Neutral
            ) && c.recv.is_some()
        })
}

/// Peels middleware wrappers off a router expression: `cors(auth(mux))` → (`mux`, [cors, auth]).
pub(super) fn unwrap_to_router<'t>(ctx: &Ctx<'_>, expr: Node<'t>) -> (Node<'t>, Vec<Middleware>) {
    let mut mws = Vec::new();
    let mut current = expr;
    for _ in 0..8 {
        let Some(call) = Call::of(current, ctx.src) else {
            break;
        };
        let args = args_of(current);
        let Some(inner) = args.iter().find(|a| {
            matches!(
                a.kind(),
                "identifier" | "selector_expression" | "call_expression"
            ) && is_router_value(ctx, **a)
                || Call::of(**a, ctx.src).is_some()
        }) else {
            break;
        };
        if !is_router_value(ctx, *inner) && Call::of(*inner, ctx.src).is_none() {
            break;
        }
        let callee = call.node.field("function");
        let kind = match callee.filter(|c| c.kind() == "call_expression") {
            Some(c) => classify(ctx, c),
            None => classify(ctx, current),
        };
        mws.push(kind);
        current = *inner;
    }
    (current, mws)
}

/// Whether an expression is a router/mux value (a variable made by a router constructor, a
/// router parameter, a struct field named like one, or a call returning a router).
pub(super) fn is_router_value(ctx: &Ctx<'_>, expr: Node<'_>) -> bool {
    let t = ctx.text(expr);
    match expr.kind() {
        "identifier" => {
            if t == "nil" {
                return false;
            }
            let Some(func) = ctx.top_function(expr) else {
                return false;
            };
            let decl = declaration_text(ctx, func, t);
            decl.is_some_and(|d| {
                [
                    "NewServeMux",
                    "NewRouter",
                    "NewMux",
                    "chi.Router",
                    "ServeMux",
                    "mux.Router",
                    "gin.New",
                    "gin.Default",
                    "echo.New",
                    "fiber.New",
                ]
                .iter()
                .any(|w| d.contains(w))
            })
        }
        "selector_expression" => {
            let last = t.rsplit('.').next().unwrap_or(t).to_ascii_lowercase();
            last.contains("router") || last.contains("mux") || last == "handler"
        }
        "call_expression" => {
            let lower = t.to_ascii_lowercase();
            lower.contains("router") || lower.contains("routes") || lower.contains("mux")
        }
        _ => false,
    }
}

/// The text of the statement or parameter declaring `name` in `func`.
fn declaration_text<'a>(ctx: &Ctx<'a>, func: Node<'a>, name: &str) -> Option<&'a str> {
    ctx.index
        .of_kinds(
            func,
            &[
                "short_var_declaration",
                "var_spec",
                "parameter_declaration",
                "assignment_statement",
            ],
        )
        .into_iter()
        .find(|n| {
            n.field("left")
                .or_else(|| n.field("name"))
                .is_some_and(|l| ctx.text(l).split(',').any(|x| x.trim() == name))
        })
        .map(|n| ctx.text(n))
}

/// The scope key a mounted router expression stands for.
fn router_scope(ctx: &Ctx<'_>, expr: Node<'_>) -> Option<String> {
    match expr.kind() {
        "identifier" | "selector_expression" | "parenthesized_expression" => {
            scope::of_expr(ctx, expr)
        }
        "call_expression" => {
            let call = Call::of(expr, ctx.src)?;
            match call.recv {
                None => Some(scope::returned_by(ctx, call.name)),
                Some(r) => match ctx.package_of(r) {
                    Some(pkg) => Some(format!("pkg:{pkg}::ret:{}", call.name)),
                    None => Some(format!("meth:ret:{}", call.name)),
                },
            }
        }
        _ => None,
    }
}

/// The right-hand side that defined a local identifier (`handler := cors(mux)`).
fn resolve_local<'t>(ctx: &Ctx<'t>, expr: Node<'t>) -> Option<Node<'t>> {
    if expr.kind() != "identifier" {
        return None;
    }
    let name = ctx.text(expr);
    let func = ctx.enclosing_function(expr)?;
    // The first definition before the use, in source order.
    ctx.index
        .of_kinds(func, &["short_var_declaration", "assignment_statement"])
        .into_iter()
        .take_while(|n| n.start_byte() <= expr.start_byte())
        .find_map(|n| {
            let (l, r) = (n.field("left")?, n.field("right")?);
            let value = r.named_child(0)?;
            (l.named_child_count() == 1
                && ctx.text(l).trim() == name
                && value.kind() == "call_expression")
                .then_some(value)
        })
}

/// The scope of the variable a call's result is assigned to (`api := r.Group("/api")`).
pub fn assigned_scope(ctx: &Ctx<'_>, call: Node<'_>) -> Option<String> {
    let list = ctx.parent(call).filter(|p| p.kind() == "expression_list")?;
    let stmt = ctx.parent(list)?;
    let index = {
        let mut c = list.walk();
        list.named_children(&mut c).position(|n| n == call)?
    };
    let target = match stmt.kind() {
        "short_var_declaration" | "assignment_statement" => {
            let left = stmt.field("left")?;
            left.named_child(index as u32)?
        }
        "var_spec" => {
            let mut c = stmt.walk();
            let names: Vec<Node<'_>> = stmt.children_by_field_name("name", &mut c).collect();
            *names.get(index)?
        }
        _ => return None,
    };
    scope::of_expr(ctx, target)
}

/// Top-level functions whose body upgrades the connection to a WebSocket.
fn websocket_functions(ctx: &Ctx<'_>, root: Node<'_>) -> Vec<String> {
    if !ctx.imports_any(&[
        "github.com/gorilla/websocket",
        "nhooyr.io/websocket",
        "github.com/coder/websocket",
        "golang.org/x/net/websocket",
    ]) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut cursor = root.walk();
    for func in root.named_children(&mut cursor) {
        if !matches!(func.kind(), "function_declaration" | "method_declaration") {
            continue;
        }
        let body = text(func, ctx.src);
        if body.contains(".Upgrade(") || body.contains("websocket.Accept(") {
            out.push(function_name(func, ctx.src));
        }
    }
    out
}

/// `x` of a call `x.M(...)`, with the node's own lifetime.
fn recv_of(call: Node<'_>) -> Option<Node<'_>> {
    let func = call.field("function")?;
    (func.kind() == "selector_expression")
        .then(|| func.field("operand"))
        .flatten()
}

/// A call's arguments, with the node's own lifetime.
fn args_of(call: Node<'_>) -> Vec<Node<'_>> {
    let Some(list) = call.field("arguments") else {
        return Vec::new();
    };
    let mut cursor = list.walk();
    list.named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .collect()
}

/// `"POST"` or `http.MethodPost` → `POST`.
fn method_value(ctx: &Ctx<'_>, node: Node<'_>) -> Option<String> {
    let m = match string_value(node, ctx.src) {
        Some(m) => m,
        None => ctx.text(node).strip_prefix("http.Method")?.to_string(),
    };
    let m = m.to_ascii_uppercase();
    (!m.is_empty() && m.chars().all(|c| c.is_ascii_uppercase())).then_some(m)
}
