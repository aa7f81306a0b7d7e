//! Routes: Spring MVC/WebFlux controllers (`@RestController` + `@RequestMapping` prefix +
//! `@GetMapping`...), Spring GraphQL (`@QueryMapping`, `@MutationMapping`), JAX-RS (`@Path` +
//! `@GET`...), WebSocket endpoints (`@ServerEndpoint`, `registry.addHandler(h, "/ws")`,
//! `registry.addEndpoint("/ws")`). Auth from method/class security annotations is set here; the
//! URL rules of a `SecurityFilterChain` (usually another file) are applied by `link`.

use super::ast::{self, Annotation, Ctx};
use super::security;
use crate::link::join_paths;
use crate::model::{Auth, FileCode, Route, RouteKind};
use crate::syntax::FieldChild;
use crate::syntax::pos;
use tree_sitter::Node;

/// Reason on a Spring route until `link` applies the project's security configuration.
pub const SPRING_PENDING: &str = "spring: security configuration not linked yet";
/// Reason on a JAX-RS route without a security annotation.
pub const JAXRS_UNANNOTATED: &str = "JAX-RS resource without @RolesAllowed/@PermitAll/@DenyAll: a \
     ContainerRequestFilter or the container's security constraints may guard it";
/// Route scope of JAX-RS resources, mounted under `@ApplicationPath` by a link hint.
pub const JAXRS_SCOPE: &str = "java:jaxrs";
pub const JAXRS_APP_SCOPE: &str = "java:jaxrs-app";

/// A handler method and the routes it serves (for the handler-level facts).
pub struct Handler<'t> {
    pub method: Node<'t>,
    pub http_methods: Vec<String>,
    pub path: String,
    pub kind: RouteKind,
}

pub fn extract<'t>(ctx: &Ctx<'t>, path: &str, out: &mut FileCode) -> Vec<Handler<'t>> {
    let mut handlers = Vec::new();
    for class in ctx.nodes_of(ctx.root, &["class_declaration"]) {
        let anns = ast::annotations(class, ctx.src);
        if ast::find_annotation(&anns, &["RestController", "Controller"]).is_some() {
            spring_controller(ctx, path, class, &anns, out, &mut handlers);
        } else if let Some(p) = ast::find_annotation(&anns, &["Path"]) {
            jaxrs_resource(ctx, path, class, &anns, p, out, &mut handlers);
        }
        if let Some(endpoint) = ast::find_annotation(&anns, &["ServerEndpoint"]) {
            server_endpoint(ctx, path, class, endpoint, out);
        }
        if let Some(app) = ast::find_annotation(&anns, &["ApplicationPath"])
            && let Some(prefix) = app.arg("value").and_then(|v| ast::string_value(v, ctx.src))
        {
            out.link_hints.push(crate::model::LinkHint::Mount {
                parent: JAXRS_APP_SCOPE.into(),
                child: JAXRS_SCOPE.into(),
                prefix,
                auth: None,
                line: 0,
            });
        }
    }
    websocket_registrations(ctx, path, out);
    actuator_health(ctx, path, out);
    handlers
}

/// A `HealthIndicator` bean means Spring Boot Actuator is on the classpath: it serves
/// `/actuator/health` and, on Kubernetes (or with `management.endpoint.health.probes.enabled`),
/// the `liveness` and `readiness` groups.
fn actuator_health(ctx: &Ctx<'_>, path: &str, out: &mut FileCode) {
    let Some(class) = ctx
        .nodes_of(ctx.root, &["class_declaration"])
        .into_iter()
        .find(|c| {
            c.field("interfaces")
                .is_some_and(|i| ctx.text(i).contains("HealthIndicator"))
                || c.field("superclass")
                    .is_some_and(|s| ctx.text(s).contains("HealthIndicator"))
        })
    else {
        return;
    };
    for p in [
        "/actuator/health",
        "/actuator/health/liveness",
        "/actuator/health/readiness",
    ] {
        let at = pos(class.field("name").unwrap_or(class));
        out.routes.push(Route {
            method: "GET".into(),
            path: p.into(),
            handler: "Spring Boot Actuator health endpoint".into(),
            file: path.to_string(),
            line: at.line,
            column: at.column,
            framework: "spring-actuator",
            kind: RouteKind::Http,
            auth: Auth::Unknown {
                reason: SPRING_PENDING.into(),
            },
            roles: Vec::new(),
            scope: String::new(),
        });
    }
}

fn methods_of(class: Node<'_>) -> Vec<Node<'_>> {
    let Some(body) = class.field("body") else {
        return Vec::new();
    };
    let mut cursor = body.walk();
    body.named_children(&mut cursor)
        .filter(|n| n.kind() == "method_declaration")
        .collect()
}

/// Paths of a mapping annotation (`value`/`path`, a string or an array); `[""]` when absent.
fn mapping_paths(ann: &Annotation<'_>, src: &[u8]) -> Vec<String> {
    let value = ann.arg("value").or_else(|| ann.arg("path"));
    match value {
        None => vec![String::new()],
        Some(v) => match ast::string_list(v, src) {
            Some(list) if !list.is_empty() => list,
            Some(_) => vec![String::new()],
            // A constant we cannot read: keep its name visible in the path.
            None => vec![format!("<{}>", crate::syntax::text(v, src))],
        },
    }
}

fn spring_controller<'t>(
    ctx: &Ctx<'t>,
    path: &str,
    class: Node<'t>,
    anns: &[Annotation<'t>],
    out: &mut FileCode,
    handlers: &mut Vec<Handler<'t>>,
) {
    let prefixes = ast::find_annotation(anns, &["RequestMapping"])
        .map(|a| mapping_paths(a, ctx.src))
        .unwrap_or_else(|| vec![String::new()]);
    let class_name = ast::decl_name(class, ctx.src);
    let class_auth = security::annotation_auth(anns, ctx.src);
    for method in methods_of(class) {
        let manns = ast::annotations(method, ctx.src);
        let name = ast::decl_name(method, ctx.src);
        let auth = security::annotation_auth(&manns, ctx.src).or_else(|| class_auth.clone());
        let (auth, roles) = match auth {
            Some((auth, roles)) => (auth, roles),
            None => (
                Auth::Unknown {
                    reason: SPRING_PENDING.into(),
                },
                Vec::new(),
            ),
        };
        for ann in &manns {
            let (methods, kind, paths) = match ann.name.as_str() {
                "GetMapping" => (
                    vec!["GET".into()],
                    RouteKind::Http,
                    mapping_paths(ann, ctx.src),
                ),
                "PostMapping" => (
                    vec!["POST".into()],
                    RouteKind::Http,
                    mapping_paths(ann, ctx.src),
                ),
                "PutMapping" => (
                    vec!["PUT".into()],
                    RouteKind::Http,
                    mapping_paths(ann, ctx.src),
                ),
                "DeleteMapping" => (
                    vec!["DELETE".into()],
                    RouteKind::Http,
                    mapping_paths(ann, ctx.src),
                ),
                "PatchMapping" => (
                    vec!["PATCH".into()],
                    RouteKind::Http,
                    mapping_paths(ann, ctx.src),
                ),
                "RequestMapping" => (
                    request_methods(ann, ctx.src),
                    RouteKind::Http,
                    mapping_paths(ann, ctx.src),
                ),
                "QueryMapping"
                | "MutationMapping"
                | "SubscriptionMapping"
                | "SchemaMapping"
                | "BatchMapping" => (
                    vec!["POST".into()],
                    RouteKind::GraphQl,
                    vec!["/graphql".into()],
                ),
                _ => continue,
            };
            let mut full_paths = Vec::new();
            for prefix in &prefixes {
                for p in &paths {
                    let full = if kind == RouteKind::GraphQl {
                        p.clone()
                    } else {
                        normalise(&join_paths(prefix, p))
                    };
                    full_paths.push(full);
                }
            }
            for full in &full_paths {
                for m in &methods {
                    out.routes.push(Route {
                        method: m.clone(),
                        path: full.clone(),
                        handler: format!("{class_name}#{name}"),
                        file: path.to_string(),
                        line: pos(ann.node).line,
                        column: pos(ann.node).column,
                        framework: "spring",
                        kind,
                        auth: auth.clone(),
                        roles: roles.clone(),
                        scope: String::new(),
                    });
                }
            }
            if let Some(first) = full_paths.first() {
                handlers.push(Handler {
                    method,
                    http_methods: methods.clone(),
                    path: first.clone(),
                    kind,
                });
            }
        }
    }
}

/// `@RequestMapping(method = RequestMethod.POST)` / `{GET, POST}`; `ANY` without `method`.
fn request_methods(ann: &Annotation<'_>, src: &[u8]) -> Vec<String> {
    let Some(value) = ann.arg("method") else {
        return vec!["ANY".into()];
    };
    let raw = crate::syntax::text(value, src);
    let methods: Vec<String> = raw
        .trim_matches(|c| c == '{' || c == '}')
        .split(',')
        .map(|m| {
            m.trim()
                .rsplit('.')
                .next()
                .unwrap_or("")
                .to_ascii_uppercase()
        })
        .filter(|m| !m.is_empty())
        .collect();
    if methods.is_empty() {
        vec!["ANY".into()]
    } else {
        methods
    }
}

/// `/api//orders/` → `/api/orders`; keeps `/` for the root.
fn normalise(path: &str) -> String {
    let mut out = String::from("/");
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        if out.len() > 1 {
            out.push('/');
        }
        out.push_str(seg);
    }
    out
}

fn jaxrs_resource<'t>(
    ctx: &Ctx<'t>,
    path: &str,
    class: Node<'t>,
    anns: &[Annotation<'t>],
    class_path: &Annotation<'t>,
    out: &mut FileCode,
    handlers: &mut Vec<Handler<'t>>,
) {
    let prefix = mapping_paths(class_path, ctx.src).remove(0);
    let class_name = ast::decl_name(class, ctx.src);
    let class_auth = security::annotation_auth(anns, ctx.src);
    for method in methods_of(class) {
        let manns = ast::annotations(method, ctx.src);
        let Some(verb) = manns.iter().find(|a| {
            matches!(
                a.name.as_str(),
                "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD" | "OPTIONS"
            )
        }) else {
            continue;
        };
        let sub = ast::find_annotation(&manns, &["Path"])
            .map(|p| mapping_paths(p, ctx.src).remove(0))
            .unwrap_or_default();
        let full = normalise(&join_paths(&prefix, &sub));
        let (auth, roles) = security::annotation_auth(&manns, ctx.src)
            .or_else(|| class_auth.clone())
            .unwrap_or((
                Auth::Unknown {
                    reason: JAXRS_UNANNOTATED.into(),
                },
                Vec::new(),
            ));
        let at = pos(verb.node);
        out.routes.push(Route {
            method: verb.name.clone(),
            path: full.clone(),
            handler: format!("{class_name}#{}", ast::decl_name(method, ctx.src)),
            file: path.to_string(),
            line: at.line,
            column: at.column,
            framework: "jax-rs",
            kind: RouteKind::Http,
            auth,
            roles,
            scope: JAXRS_SCOPE.into(),
        });
        handlers.push(Handler {
            method,
            http_methods: vec![verb.name.clone()],
            path: full,
            kind: RouteKind::Http,
        });
    }
}

fn websocket_route(
    path: &str,
    ws_path: String,
    handler: String,
    at: Node<'_>,
    framework: &'static str,
) -> Route {
    let p = pos(at);
    Route {
        method: "GET".into(),
        path: ws_path,
        handler,
        file: path.to_string(),
        line: p.line,
        column: p.column,
        framework,
        kind: RouteKind::WebSocket,
        auth: Auth::Unknown {
            reason: SPRING_PENDING.into(),
        },
        roles: Vec::new(),
        scope: String::new(),
    }
}

fn server_endpoint(
    ctx: &Ctx<'_>,
    path: &str,
    class: Node<'_>,
    ann: &Annotation<'_>,
    out: &mut FileCode,
) {
    let Some(ws_path) = ann.arg("value").and_then(|v| ast::string_value(v, ctx.src)) else {
        return;
    };
    let name = ast::decl_name(class, ctx.src).to_string();
    out.routes.push(websocket_route(
        path,
        ws_path,
        name,
        ann.node,
        "jakarta-websocket",
    ));
}

/// `registry.addHandler(handler, "/ws/a", "/ws/b")` in `registerWebSocketHandlers` and
/// `registry.addEndpoint("/ws")` in `registerStompEndpoints`.
fn websocket_registrations(ctx: &Ctx<'_>, path: &str, out: &mut FileCode) {
    for call in ctx.nodes_of(ctx.root, &["method_invocation"]) {
        let name = ast::call_name(call, ctx.src);
        let in_registrar = ctx.enclosing_method(call).is_some_and(|m| {
            matches!(
                ast::decl_name(m, ctx.src),
                "registerWebSocketHandlers" | "registerStompEndpoints"
            )
        });
        if !in_registrar {
            continue;
        }
        let args = ast::args(call);
        let (handler, paths): (String, &[Node<'_>]) = match name {
            "addHandler" if args.len() >= 2 => (ctx.text(args[0]).to_string(), &args[1..]),
            "addEndpoint" if !args.is_empty() => ("stomp".to_string(), &args[..]),
            _ => continue,
        };
        for p in paths {
            if let Some(ws_path) = ast::string_value(*p, ctx.src) {
                out.routes.push(websocket_route(
                    path,
                    ws_path,
                    handler.clone(),
                    call,
                    "spring-websocket",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes(src: &str) -> Vec<Route> {
        let tree = ast::parse(src);
        let mut out = FileCode::default();
        super::super::extract("src/main/java/A.java", src.as_bytes(), &tree, &mut out);
        out.routes
    }

    #[test]
    fn spring_controller_joins_class_and_method_paths() {
        let r = routes(
            r#"
@RestController
@RequestMapping("/api/orders")
public class OrderController {
    @GetMapping
    public List<Order> list() { return List.of(); }
    @PostMapping("/{id}/cancel")
    @PreAuthorize("hasRole('ADMIN')")
    public void cancel(@PathVariable long id) {}
    @RequestMapping(value = {"/a", "/b"}, method = {RequestMethod.PUT, RequestMethod.PATCH})
    public void both() {}
    @MutationMapping
    public Order createOrder() { return null; }
}
"#,
        );
        let got: Vec<(String, String)> = r
            .iter()
            .map(|r| (r.method.clone(), r.path.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("GET".into(), "/api/orders".into()),
                ("POST".into(), "/api/orders/{id}/cancel".into()),
                ("PUT".into(), "/api/orders/a".into()),
                ("PATCH".into(), "/api/orders/a".into()),
                ("PUT".into(), "/api/orders/b".into()),
                ("PATCH".into(), "/api/orders/b".into()),
                ("POST".into(), "/graphql".into()),
            ]
        );
        assert_eq!(r[1].roles, vec!["ADMIN".to_string()]);
        assert!(r[1].auth.is_required());
        assert_eq!(r[4].kind, RouteKind::Http);
        assert_eq!(r[6].kind, RouteKind::GraphQl);
        assert_eq!(r[0].handler, "OrderController#list");
    }

    #[test]
    fn feign_interfaces_are_not_routes() {
        let r = routes(
            r#"
@FeignClient(name = "billing")
public interface BillingClient {
    @PostMapping("/invoices")
    Invoice create(@RequestBody Invoice i);
}
"#,
        );
        assert!(r.is_empty());
    }

    #[test]
    fn jaxrs_and_websockets() {
        let r = routes(
            r#"
@Path("/items")
@RolesAllowed("USER")
public class ItemResource {
    @POST
    @Path("{id}")
    public Response save() { return null; }
    @GET
    @PermitAll
    public Response list() { return null; }
}
@ServerEndpoint("/ws/chat")
public class ChatEndpoint {}
@Configuration
public class WsConfig implements WebSocketConfigurer {
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(new EchoHandler(), "/ws/echo");
    }
}
"#,
        );
        assert_eq!(r[0].path, "/items/{id}");
        assert_eq!(r[0].roles, vec!["USER".to_string()]);
        assert_eq!(r[1].auth, Auth::None);
        assert_eq!(r[2].path, "/ws/chat");
        assert_eq!(r[2].kind, RouteKind::WebSocket);
        assert_eq!(r[3].path, "/ws/echo");
    }

    #[test]
    fn health_indicators_mean_actuator_health_routes() {
        let r = routes(
            r#"
@Component
public class PaymentsHealth implements HealthIndicator {
    public Health health() { return Health.up().build(); }
}
"#,
        );
        let paths: Vec<&str> = r.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "/actuator/health",
                "/actuator/health/liveness",
                "/actuator/health/readiness"
            ]
        );
    }
}
