//! Facts about the HTTP layer: CORS policies (`@CrossOrigin`, `CorsRegistry`, `CorsConfiguration`,
//! a reflected `Access-Control-Allow-Origin`), exception text returned to clients, stub handlers,
//! request-body validation and idempotency keys.

use super::ast::{self, Ctx};
use super::config::{property_value, value_of};
use super::routes::Handler;
use crate::model::{Fact, FactKind, FileCode, RouteKind, Value};
use crate::syntax::FieldChild;
use tree_sitter::Node;

pub fn extract(ctx: &Ctx<'_>, handlers: &[Handler<'_>], out: &mut FileCode) {
    for decl in ctx.nodes_of(ctx.root, &["class_declaration", "method_declaration"]) {
        let anns = ast::annotations(decl, ctx.src);
        if let Some(cross) = ast::find_annotation(&anns, &["CrossOrigin"]) {
            cross_origin(ctx, cross, out);
        }
        if decl.kind() == "method_declaration"
            && let Some(handler) = ast::find_annotation(&anns, &["ExceptionHandler"])
        {
            exception_handler(ctx, decl, handler.arg("value"), out);
        }
    }
    for call in ctx.nodes_of(ctx.root, &["method_invocation"]) {
        cors_call(ctx, call, out);
        idempotency_header(ctx, call, out);
    }
    for handler in handlers {
        catch_blocks(ctx, handler.method, out);
        stub(ctx, handler, out);
        idempotency_param(ctx, handler.method, out);
        if handler.kind == RouteKind::Http
            && handler
                .http_methods
                .iter()
                .any(|m| m != "GET" && m != "HEAD")
        {
            body_validation(ctx, handler.method, out);
        }
    }
}

fn origins_value(ctx: &Ctx<'_>, args: &[Node<'_>]) -> Value {
    // `List.of(origins)` / `Arrays.asList(origins.split(","))` around one setting.
    if let [only] = args
        && only.kind() == "method_invocation"
        && matches!(ast::call_name(*only, ctx.src), "of" | "asList")
    {
        let inner = ast::args(*only);
        if let [one] = inner.as_slice()
            && ast::string_value(*one, ctx.src).is_none()
        {
            return origins_value(ctx, &inner);
        }
    }
    if args.len() == 1 {
        let v = value_of(ctx, args[0]);
        return match v {
            Value::Literal(s) if s.starts_with("${") => property_value(&s),
            Value::Literal(s) => Value::List(vec![s]),
            other => other,
        };
    }
    let strings: Option<Vec<String>> = args
        .iter()
        .map(|a| ast::string_value(*a, ctx.src))
        .collect();
    strings.map(Value::List).unwrap_or(Value::Unknown)
}

fn cross_origin(ctx: &Ctx<'_>, ann: &ast::Annotation<'_>, out: &mut FileCode) {
    let origins = ann
        .arg("origins")
        .or_else(|| ann.arg("value"))
        .or_else(|| ann.arg("originPatterns"));
    let origins = match origins {
        // Spring's default for a bare @CrossOrigin: every origin.
        None => Value::List(vec!["*".into()]),
        Some(v) => match ast::string_list(v, ctx.src) {
            Some(list) if list.len() == 1 && list[0].starts_with("${") => property_value(&list[0]),
            Some(list) => Value::List(list),
            None => value_of(ctx, v),
        },
    };
    let credentials = ann
        .arg("allowCredentials")
        .and_then(|v| ast::string_value(v, ctx.src))
        .is_some_and(|v| v == "true");
    out.facts.push(Fact::new(
        FactKind::CorsPolicy {
            origins,
            credentials,
        },
        ast::at(ann.node),
        "@CrossOrigin",
    ));
}

fn credentials_in(ctx: &Ctx<'_>, scope: Node<'_>) -> bool {
    let t = ctx.text(scope).replace(' ', "");
    t.contains("allowCredentials(true)")
        || t.contains("setAllowCredentials(true)")
        || t.contains("setAllowCredentials(Boolean.TRUE)")
        || t.contains("\"Access-Control-Allow-Credentials\",\"true\"")
}

/// `registry.addMapping("/**").allowedOrigins("*")`, `config.setAllowedOrigins(List.of(...))`,
/// `config.addAllowedOriginPattern("*")`, and a header echoing the request's `Origin`.
fn cors_call(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let name = ast::call_name(call, ctx.src);
    let args = ast::args(call);
    let scope = ctx.enclosing_method(call).unwrap_or(ctx.root);
    let origins = match name {
        "allowedOrigins"
        | "allowedOriginPatterns"
        | "setAllowedOrigins"
        | "setAllowedOriginPatterns"
        | "addAllowedOrigin"
        | "addAllowedOriginPattern" => origins_value(ctx, &args),
        "setHeader" | "addHeader" | "header"
            if args
                .first()
                .and_then(|a| ast::string_value(*a, ctx.src))
                .as_deref()
                == Some("Access-Control-Allow-Origin") =>
        {
            let value = args.get(1).map(|a| ctx.text(*a)).unwrap_or("");
            if value.contains("getHeader(\"Origin\")")
                || value.contains("getHeader(HttpHeaders.ORIGIN)")
            {
                Value::Reflected
            } else {
                return;
            }
        }
        _ => return,
    };
    out.facts.push(Fact::new(
        FactKind::CorsPolicy {
            origins,
            credentials: credentials_in(ctx, scope),
        },
        ast::at(call),
        format!("CORS {name}"),
    ));
}

const BROAD: &[&str] = &[
    "Exception",
    "Throwable",
    "RuntimeException",
    "SQLException",
    "DataAccessException",
    "DataIntegrityViolationException",
    "PersistenceException",
    "IOException",
    "NullPointerException",
    "IllegalStateException",
];

/// The first place in `scope` that sends `var`'s stack trace (or, for a broad exception type,
/// its message) to the client: a return value or a response body/detail argument.
fn leak_at<'t>(
    ctx: &Ctx<'t>,
    scope: Node<'t>,
    var: &str,
    broad: bool,
) -> Option<(Node<'t>, String)> {
    for call in ctx.nodes_of(scope, &["method_invocation"]) {
        let name = ast::call_name(call, ctx.src);
        let recv = ast::receiver(call, ctx.src);
        let stack = (name == "getStackTrace" && (recv == var || recv == "ExceptionUtils"))
            || (recv == var && name == "printStackTrace" && !ast::args(call).is_empty());
        let message =
            recv == var && matches!(name, "getMessage" | "getLocalizedMessage" | "toString");
        if !(stack || message && broad) {
            continue;
        }
        let mut up = ctx.index.parent(call);
        let mut climbed = 0;
        let mut reaches = stack && name == "printStackTrace";
        while let Some(p) = up {
            if p == scope || p.kind() == "expression_statement" {
                break;
            }
            if p.kind() == "return_statement"
                || p.kind() == "method_invocation"
                    && matches!(
                        ast::call_name(p, ctx.src),
                        "body"
                            | "forStatusAndDetail"
                            | "setDetail"
                            | "write"
                            | "print"
                            | "println"
                            | "sendError"
                            | "entity"
                    )
            {
                reaches = true;
                break;
            }
            climbed += 1;
            if climbed > 64 {
                break;
            }
            up = ctx.index.parent(p);
        }
        if reaches {
            let what = if stack {
                "stack trace"
            } else {
                "exception message"
            };
            return Some((call, format!("{what} of `{var}` returned to the client")));
        }
    }
    None
}

fn exception_handler(
    ctx: &Ctx<'_>,
    method: Node<'_>,
    handled: Option<Node<'_>>,
    out: &mut FileCode,
) {
    let params = ast::parameters(method, ctx.src);
    let handled_text = handled.map(|h| ctx.text(h).to_string()).unwrap_or_default();
    for (_, ty, name, _) in &params {
        let simple = ty.rsplit('.').next().unwrap_or(ty);
        let is_exception = simple.ends_with("Exception") || simple == "Throwable";
        if !is_exception {
            continue;
        }
        // The listed exception types decide (`@ExceptionHandler({A.class, B.class}) f(Exception
        // e)` only sees A and B); without a list, the parameter type does.
        let listed: Vec<&str> = handled_text
            .split(['{', '}', ',', ' ', '\n'])
            .filter_map(|t| t.trim().strip_suffix(".class"))
            .map(|t| t.rsplit('.').next().unwrap_or(t))
            .collect();
        let broad = if listed.is_empty() {
            BROAD.contains(&simple)
        } else {
            listed.iter().any(|t| BROAD.contains(t))
        };
        if let Some((at, detail)) = leak_at(ctx, method, name, broad) {
            out.facts.push(Fact::new(
                FactKind::RiskExceptionToClient,
                ast::at(at),
                format!("@ExceptionHandler: {detail}"),
            ));
            return;
        }
    }
}

/// `catch (Exception e) { return ResponseEntity.status(500).body(e.getMessage()); }` in a handler.
fn catch_blocks(ctx: &Ctx<'_>, method: Node<'_>, out: &mut FileCode) {
    for clause in ctx.nodes_of(method, &["catch_clause"]) {
        let Some(param) = clause
            .named_child(0)
            .filter(|p| p.kind() == "catch_formal_parameter")
        else {
            continue;
        };
        let var = param.field("name").map(|n| ctx.text(n)).unwrap_or("");
        let ty = ctx.text(param);
        let broad = BROAD.iter().any(|b| ty.split(['|', ' ']).any(|t| t == *b));
        let Some(body) = clause.field("body") else {
            continue;
        };
        if let Some((at, detail)) = leak_at(ctx, body, var, broad) {
            out.facts.push(Fact::new(
                FactKind::RiskExceptionToClient,
                ast::at(at),
                detail,
            ));
        }
    }
}

fn stub(ctx: &Ctx<'_>, handler: &Handler<'_>, out: &mut FileCode) {
    let Some(body) = handler.method.field("body") else {
        return;
    };
    for node in ctx.nodes_of(
        body,
        &[
            "object_creation_expression",
            "line_comment",
            "block_comment",
        ],
    ) {
        let detail = if node.kind() == "object_creation_expression" {
            let ty = ast::created_type(node, ctx.src);
            let thrown = ctx
                .index
                .parent(node)
                .is_some_and(|p| p.kind() == "throw_statement");
            if !(thrown
                && matches!(
                    ty,
                    "UnsupportedOperationException" | "NotImplementedException"
                ))
            {
                continue;
            }
            format!(
                "handler `{}` throws {ty}",
                ast::decl_name(handler.method, ctx.src)
            )
        } else {
            let c = ctx.text(node).to_ascii_lowercase();
            if !(c.contains("todo: implement")
                || c.contains("todo implement")
                || c.contains("not implemented yet"))
            {
                continue;
            }
            format!(
                "handler `{}` is marked \"TODO: implement\"",
                ast::decl_name(handler.method, ctx.src)
            )
        };
        out.facts
            .push(Fact::new(FactKind::RiskStub, ast::at(node), detail));
        return;
    }
}

const RAW_BODIES: &[&str] = &[
    "Map",
    "HashMap",
    "String",
    "JsonNode",
    "ObjectNode",
    "Object",
    "byte[]",
    "LinkedHashMap",
    "MultiValueMap",
];

fn body_validation(ctx: &Ctx<'_>, method: Node<'_>, out: &mut FileCode) {
    for (anns, ty, name, param) in ast::parameters(method, ctx.src) {
        if ast::find_annotation(&anns, &["RequestBody"]).is_none() {
            continue;
        }
        let base = ty.split('<').next().unwrap_or(ty).trim();
        let base = base.rsplit('.').next().unwrap_or(base);
        if ast::find_annotation(&anns, &["Valid", "Validated"]).is_some()
            && !RAW_BODIES.contains(&base)
        {
            out.facts.push(Fact::new(
                FactKind::HasBodyValidation,
                ast::at(param),
                format!("@Valid @RequestBody {ty} {name}"),
            ));
        } else if RAW_BODIES.contains(&base) {
            out.facts.push(Fact::new(
                FactKind::RiskUnvalidatedBody,
                ast::at(param),
                format!(
                    "handler `{}` takes the raw body as `{ty}` with no schema",
                    ast::decl_name(method, ctx.src)
                ),
            ));
        }
    }
}

fn is_idempotency_header(name: &str) -> bool {
    name.eq_ignore_ascii_case("Idempotency-Key") || name.eq_ignore_ascii_case("X-Idempotency-Key")
}

/// `request.getHeader("Idempotency-Key")` / `headers.getFirst("Idempotency-Key")`.
fn idempotency_header(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    if !matches!(
        ast::call_name(call, ctx.src),
        "getHeader" | "getFirst" | "header"
    ) {
        return;
    }
    let header = ast::args(call)
        .first()
        .and_then(|a| ast::string_value(*a, ctx.src));
    if header.is_some_and(|h| is_idempotency_header(&h)) {
        out.facts.push(Fact::new(
            FactKind::HasIdempotencyKey,
            ast::at(call),
            "Idempotency-Key header read",
        ));
    }
}

/// `@RequestHeader("Idempotency-Key") String key` on a handler.
fn idempotency_param(ctx: &Ctx<'_>, method: Node<'_>, out: &mut FileCode) {
    for (anns, _, _, param) in ast::parameters(method, ctx.src) {
        let Some(ann) = ast::find_annotation(&anns, &["RequestHeader"]) else {
            continue;
        };
        let name = ann
            .arg("value")
            .or_else(|| ann.arg("name"))
            .and_then(|v| ast::string_value(v, ctx.src));
        if name.is_some_and(|n| is_idempotency_header(&n)) {
            out.facts.push(Fact::new(
                FactKind::HasIdempotencyKey,
                ast::at(param),
                "@RequestHeader(\"Idempotency-Key\") on the handler",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(src: &str) -> Vec<Fact> {
        let tree = ast::parse(src);
        let mut out = FileCode::default();
        super::super::extract("src/main/java/Web.java", src.as_bytes(), &tree, &mut out);
        out.facts
    }

    #[test]
    fn cors_policies() {
        let all = facts(
            r#"
@Configuration
class CorsConfig implements WebMvcConfigurer {
    public void addCorsMappings(CorsRegistry registry) {
        registry.addMapping("/api/**").allowedOriginPatterns("*").allowCredentials(true);
    }
    @Bean CorsConfigurationSource source(@Value("${app.cors.origins:*}") String origins) {
        CorsConfiguration c = new CorsConfiguration();
        c.setAllowedOrigins(List.of("https://app.example.com"));
        return null;
    }
}
@RestController @CrossOrigin class Open {}
"#,
        );
        let cors: Vec<_> = all
            .iter()
            .filter_map(|f| match &f.kind {
                FactKind::CorsPolicy {
                    origins,
                    credentials,
                } => Some((origins.clone(), *credentials)),
                _ => None,
            })
            .collect();
        assert_eq!(cors.len(), 3, "{all:?}");
        assert!(cors.contains(&(Value::List(vec!["*".into()]), true)));
        assert!(cors.contains(&(Value::List(vec!["https://app.example.com".into()]), false)));
        assert!(cors.contains(&(Value::List(vec!["*".into()]), false)));
    }

    #[test]
    fn exception_details_and_bodies() {
        let all = facts(
            r#"
@RestControllerAdvice
class Errors {
    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, String>> all(Exception ex) {
        log.error("failed", ex);
        return ResponseEntity.status(500).body(Map.of("error", ex.getMessage()));
    }
    @ExceptionHandler({OrderNotFoundException.class, PaymentDeclinedException.class})
    ProblemDetail notFound(Exception ex) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
    }
}
@RestController
class Orders {
    @PostMapping("/orders") Order create(@Valid @RequestBody CreateOrder req) { return null; }
    @PostMapping("/raw") Order raw(@RequestBody Map<String, Object> body) {
        // TODO: implement
        return null;
    }
    @GetMapping("/x") String x() {
        try { return run(); } catch (Exception e) { log.warn(e.getMessage()); return "failed"; }
    }
}
"#,
        );
        let count = |k: FactKind| all.iter().filter(|f| f.kind == k).count();
        assert_eq!(count(FactKind::RiskExceptionToClient), 1, "{all:?}");
        assert_eq!(count(FactKind::HasBodyValidation), 1);
        assert_eq!(count(FactKind::RiskUnvalidatedBody), 1);
        assert_eq!(count(FactKind::RiskStub), 1);
    }
}
