//! GraphQL servers (Apollo, GraphQL Yoga, mercurius, express-graphql) and WebSocket servers
//! (ws, socket.io, Nest gateways) as routes, with introspection and message-limit facts.

use super::Ctx;
use super::ast::{args, object_arg, prop, string_value};
use super::auth::{Guard, classify};
use crate::model::{Auth, FactKind, FileCode, Route, RouteKind};
use crate::syntax::{pos, text};
use tree_sitter::Node;

const GRAPHQL_AUTH_UNKNOWN: &str =
    "GraphQL operations authorize in resolvers or context, which vouch does not follow";

fn route(
    ctx: &Ctx<'_>,
    at: Node<'_>,
    method: &str,
    path: String,
    framework: &'static str,
    kind: RouteKind,
    auth: Auth,
) -> Route {
    let p = pos(at);
    Route {
        method: method.into(),
        path,
        handler: String::new(),
        file: ctx.path.to_string(),
        line: p.line,
        column: p.column,
        framework,
        kind,
        auth,
        roles: Vec::new(),
        scope: String::new(),
    }
}

pub fn extract(ctx: &Ctx<'_>, out: &mut FileCode) {
    for &call in &ctx.calls {
        let Some(callee) = ctx.callee_path(call) else {
            continue;
        };
        let name = callee.rsplit('.').next().unwrap_or(callee);
        match name {
            "ApolloServer" if call.kind() == "new_expression" => apollo(ctx, call, out),
            "createYoga" => {
                let path = object_arg(call, 0)
                    .and_then(|o| prop(o, "graphqlEndpoint", ctx.src))
                    .and_then(|p| string_value(p, ctx.src))
                    .unwrap_or_else(|| "/graphql".into());
                graphql_route(ctx, call, path, "graphql-yoga", out);
            }
            "register" => {
                let plugin = args(call).first().map(|a| text(*a, ctx.src)).unwrap_or("");
                if plugin == "mercurius" || plugin.contains("'mercurius'") {
                    let options = args(call).get(1).copied();
                    let path = options
                        .and_then(|o| prop(o, "path", ctx.src))
                        .and_then(|p| string_value(p, ctx.src))
                        .unwrap_or_else(|| "/graphql".into());
                    graphql_route(ctx, call, path, "mercurius", out);
                    if let Some(options) = options {
                        introspection(ctx, options, out);
                    }
                }
            }
            "use" => mounted_graphql(ctx, call, out),
            "WebSocketServer" | "Server"
                if call.kind() == "new_expression" && is_ws_server(ctx, callee) =>
            {
                ws(ctx, call, out)
            }
            "Server" if call.kind() == "new_expression" && ctx.module.uses("socket.io") => {
                socket_io(ctx, call, out)
            }
            _ => {}
        }
    }
    nest_gateways(ctx, out);
    node_http(ctx, out);
}

/// A plain Node `http.createServer((req, res) => ...)` handler: one route for every method and
/// path. Nothing recovers from a throw in it unless the handler catches.
fn node_http(ctx: &Ctx<'_>, out: &mut FileCode) {
    let http: Vec<&str> = ["http", "https", "http2"]
        .iter()
        .flat_map(|p| ctx.module.locals_of(p))
        .map(|i| i.local.as_str())
        .collect();
    if http.is_empty() {
        return;
    }
    for &call in &ctx.calls {
        let callee = ctx.callee_path(call).unwrap_or_default();
        let is_create = http.iter().any(|h| callee == format!("{h}.createServer"))
            || (callee == "createServer" && http.contains(&"createServer"));
        if !is_create {
            continue;
        }
        let Some(handler) = args(call).into_iter().find_map(|a| {
            super::express::resolve_handler(ctx, a).filter(|_| a.kind() != "call_expression")
        }) else {
            continue;
        };
        out.routes.push(route(
            ctx,
            call,
            "ANY",
            "/".into(),
            "node:http",
            RouteKind::Http,
            Auth::Unknown {
                reason: "a plain Node request handler checks auth (or not) in its own code".into(),
            },
        ));
        let catches = super::ast::body(handler)
            .and_then(|b| b.named_child(0))
            .is_some_and(|first| first.kind() == "try_statement");
        if catches {
            ctx.fact(
                out,
                FactKind::HasRecoveryMiddleware,
                handler,
                "the Node request handler wraps its work in try/catch",
            );
        }
    }
}

fn graphql_route(ctx: &Ctx<'_>, at: Node<'_>, path: String, fw: &'static str, out: &mut FileCode) {
    out.routes.push(route(
        ctx,
        at,
        "POST",
        path,
        fw,
        RouteKind::GraphQl,
        Auth::Unknown {
            reason: GRAPHQL_AUTH_UNKNOWN.into(),
        },
    ));
}

/// `new ApolloServer({ introspection: true })`; the route comes from where it is mounted
/// (`expressMiddleware`, `applyMiddleware`, `startStandaloneServer`).
fn apollo(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    if let Some(options) = object_arg(call, 0) {
        introspection(ctx, options, out);
    }
    for &other in &ctx.calls {
        match ctx.callee_name(other) {
            Some("applyMiddleware") => {
                let path = object_arg(other, 0)
                    .and_then(|o| prop(o, "path", ctx.src))
                    .and_then(|p| string_value(p, ctx.src))
                    .unwrap_or_else(|| "/graphql".into());
                graphql_route(ctx, other, path, "apollo", out);
            }
            Some("startStandaloneServer") => graphql_route(ctx, other, "/".into(), "apollo", out),
            _ => {}
        }
    }
}

fn introspection(ctx: &Ctx<'_>, options: Node<'_>, out: &mut FileCode) {
    if let Some(value) = prop(options, "introspection", ctx.src)
        && value.kind() == "true"
    {
        ctx.fact(
            out,
            FactKind::RiskGraphqlIntrospection,
            value,
            "GraphQL introspection is enabled unconditionally (`introspection: true`)",
        );
    }
}

/// `app.use("/graphql", auth, expressMiddleware(server))` / `graphqlHTTP({...})`.
fn mounted_graphql(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let arguments = args(call);
    let Some(path) = arguments.first().and_then(|a| string_value(*a, ctx.src)) else {
        return;
    };
    let Some((last, middle)) = arguments[1..].split_last() else {
        return;
    };
    let last_name = if last.kind() == "call_expression" {
        ctx.callee_name(*last).unwrap_or("")
    } else {
        ""
    };
    let framework = match last_name {
        "expressMiddleware" => "apollo",
        "graphqlHTTP" => "express-graphql",
        "createHandler" if ctx.module.uses("graphql-http") => "graphql-http",
        _ => return,
    };
    let evidence = middle.iter().find_map(|m| match classify(*m, ctx.src) {
        Guard::Auth { evidence } | Guard::Role { evidence, .. } => Some(evidence),
        _ => None,
    });
    let auth = match evidence {
        Some(evidence) => Auth::Required { evidence },
        None => Auth::Unknown {
            reason: GRAPHQL_AUTH_UNKNOWN.into(),
        },
    };
    out.routes.push(route(
        ctx,
        call,
        "POST",
        path,
        framework,
        RouteKind::GraphQl,
        auth,
    ));
    if last_name == "graphqlHTTP"
        && let Some(options) = object_arg(*last, 0)
        && prop(options, "graphiql", ctx.src).is_some_and(|v| v.kind() == "true")
    {
        ctx.fact(
            out,
            FactKind::RiskGraphqlIntrospection,
            *last,
            "GraphiQL (and with it schema introspection) is served unconditionally",
        );
    }
}

fn is_ws_server(ctx: &Ctx<'_>, callee: &str) -> bool {
    match callee {
        "WebSocketServer" => ctx.module.uses("ws"),
        "WebSocket.Server" | "WebSocket.WebSocketServer" => ctx.module.uses("ws"),
        _ => false,
    }
}

/// `new WebSocketServer({ server, path, maxPayload, verifyClient })`.
fn ws(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let options = object_arg(call, 0);
    let get = |key: &str| options.and_then(|o| prop(o, key, ctx.src));
    let path = get("path")
        .and_then(|p| string_value(p, ctx.src))
        .unwrap_or_else(|| "/".into());
    let auth = match get("verifyClient") {
        Some(_) => Auth::Required {
            evidence: "verifyClient".into(),
        },
        None => Auth::Unknown {
            reason: "WebSocket connections may be authenticated in the upgrade handler".into(),
        },
    };
    out.routes.push(route(
        ctx,
        call,
        "GET",
        path,
        "ws",
        RouteKind::WebSocket,
        auth,
    ));
    let limits = get("maxPayload").is_some();
    let detail = if limits {
        "ws server with a maxPayload message size limit"
    } else {
        "ws server without maxPayload: messages up to the 100 MiB default are accepted"
    };
    ctx.fact(out, FactKind::WebSocketHandler { limits }, call, detail);
}

/// socket.io `new Server(httpServer, { maxHttpBufferSize, pingTimeout })`.
fn socket_io(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let options = args(call).into_iter().find(|a| a.kind() == "object");
    let path = options
        .and_then(|o| prop(o, "path", ctx.src))
        .and_then(|p| string_value(p, ctx.src))
        .unwrap_or_else(|| "/socket.io".into());
    let auth = ctx
        .calls_named("use")
        .filter(|c| {
            super::ast::callee_object(*c)
                .is_some_and(|o| super::express::declared_name(ctx, call) == Some(text(o, ctx.src)))
        })
        .flat_map(args)
        .find_map(|m| match classify(m, ctx.src) {
            Guard::Auth { evidence } => Some(Auth::Required { evidence }),
            _ => None,
        })
        .unwrap_or(Auth::Unknown {
            reason: "socket.io connections may be authenticated in a connection handler".into(),
        });
    out.routes.push(route(
        ctx,
        call,
        "GET",
        path,
        "socket.io",
        RouteKind::WebSocket,
        auth,
    ));
    ctx.fact(
        out,
        FactKind::WebSocketHandler { limits: true },
        call,
        "socket.io server: maxHttpBufferSize (1 MB default) and pingTimeout bound messages and idle connections",
    );
}

/// `@WebSocketGateway()` classes (socket.io underneath, with its default limits).
fn nest_gateways(ctx: &Ctx<'_>, out: &mut FileCode) {
    if !ctx.module.uses("@nestjs/websockets") {
        return;
    }
    // A gateway decorator is not searched for another one inside it.
    let mut outer: Option<Node<'_>> = None;
    for n in ctx.index.of_kind(ctx.root, "decorator") {
        if outer.is_some_and(|o| ctx.index.is_inside(n, o)) {
            continue;
        }
        if text(n, ctx.src).starts_with("@WebSocketGateway") {
            out.routes.push(route(
                ctx,
                n,
                "GET",
                "/socket.io".into(),
                "nestjs",
                RouteKind::WebSocket,
                Auth::Unknown {
                    reason: "gateway guards are not followed".into(),
                },
            ));
            ctx.fact(
                out,
                FactKind::WebSocketHandler { limits: true },
                n,
                "NestJS gateway on socket.io: maxHttpBufferSize (1 MB default) and pingTimeout apply",
            );
            outer = Some(n);
        }
    }
}
