//! Wired capabilities of a Spring Boot service: structured errors (`@ControllerAdvice`,
//! `ProblemDetail`, JAX-RS `ExceptionMapper`), recovery (Spring Boot's built-in error handling),
//! settings layer (`@ConfigurationProperties`), graceful shutdown hooks, metrics endpoint,
//! JSON logging, request IDs, OpenTelemetry, Sentry/Rollbar/Bugsnag, and password set/policy.

use super::ast::{self, Ctx};
use super::routes::Handler;
use crate::model::{Fact, FactKind, FileCode, RouteKind};
use crate::syntax::FieldChild;
use tree_sitter::Node;

/// Reserved link-hint scopes for configuration that completes facts of other files.
pub const KAFKA_DLQ_SCOPE: &str = "java:kafka-dead-letter";
pub const RABBIT_DLQ_SCOPE: &str = "java:rabbit-dead-letter";
pub const WS_LIMITS_SCOPE: &str = "java:websocket-limits";

/// Spring Boot Actuator's Prometheus endpoint.
const ACTUATOR_PROMETHEUS: &str = "/actuator/prometheus";

pub fn extract(ctx: &Ctx<'_>, handlers: &[Handler<'_>], out: &mut FileCode) {
    for class in ctx.nodes_of(ctx.root, &["class_declaration"]) {
        class_facts(ctx, class, out);
    }
    for ann in ctx.nodes_of(ctx.root, &["annotation", "marker_annotation"]) {
        annotation(ctx, ann, out);
    }
    for call in ctx.nodes_of(
        ctx.root,
        &["method_invocation", "object_creation_expression"],
    ) {
        call_facts(ctx, call, out);
    }
    metrics(ctx, handlers, out);
    imports(ctx, out);
}

fn push(out: &mut FileCode, kind: FactKind, at: Node<'_>, detail: impl Into<String>) {
    out.facts.push(Fact::new(kind, ast::at(at), detail));
}

fn class_facts(ctx: &Ctx<'_>, class: Node<'_>, out: &mut FileCode) {
    let anns = ast::annotations(class, ctx.src);
    let body = ctx.text(class);
    let heritage = |field: &str| {
        class
            .child_by_field_name(field)
            .map(|n| ctx.text(n))
            .unwrap_or("")
    };
    let at = anns.first().map(|a| a.node).unwrap_or(class);
    if let Some(advice) = ast::find_annotation(&anns, &["ControllerAdvice", "RestControllerAdvice"])
        && body.contains("@ExceptionHandler")
    {
        push(
            out,
            FactKind::HasStructuredErrors,
            advice.node,
            format!(
                "@{} maps exceptions to one error response shape",
                advice.name
            ),
        );
        if body.contains("@ExceptionHandler(Exception.class)")
            || body.contains("@ExceptionHandler(Throwable.class)")
        {
            push(
                out,
                FactKind::HasRecoveryMiddleware,
                advice.node,
                "catch-all @ExceptionHandler(Exception.class)",
            );
        }
    } else if heritage("superclass").contains("ResponseEntityExceptionHandler") {
        push(
            out,
            FactKind::HasStructuredErrors,
            at,
            "extends ResponseEntityExceptionHandler (RFC 7807 ProblemDetail)",
        );
    }
    let interfaces = heritage("interfaces");
    if interfaces.contains("ExceptionMapper<") {
        push(
            out,
            FactKind::HasStructuredErrors,
            at,
            "JAX-RS ExceptionMapper",
        );
        if interfaces.contains("ExceptionMapper<Throwable>")
            || interfaces.contains("ExceptionMapper<Exception>")
        {
            push(
                out,
                FactKind::HasRecoveryMiddleware,
                at,
                "JAX-RS ExceptionMapper for every exception",
            );
        }
    }
    if interfaces.contains("SmartLifecycle") || interfaces.contains("DisposableBean") {
        push(
            out,
            FactKind::HasGracefulShutdown,
            at,
            "lifecycle stop/destroy hook on shutdown",
        );
    }
}

fn annotation(ctx: &Ctx<'_>, ann: Node<'_>, out: &mut FileCode) {
    let name = ann.field("name").map(|n| ctx.text(n)).unwrap_or("");
    match name.rsplit('.').next().unwrap_or(name) {
        "SpringBootApplication" => push(
            out,
            FactKind::HasRecoveryMiddleware,
            ann,
            "Spring Boot's built-in error handling (DispatcherServlet + BasicErrorController) turns an uncaught exception into a 500 response",
        ),
        "ConfigurationProperties"
        | "EnableConfigurationProperties"
        | "ConfigurationPropertiesScan" => push(
            out,
            FactKind::HasSettingsLayer,
            ann,
            format!("Spring Boot {}", ctx.text(ann)),
        ),
        "PreDestroy" => push(
            out,
            FactKind::HasGracefulShutdown,
            ann,
            "@PreDestroy cleanup on shutdown",
        ),
        "EventListener" if ctx.text(ann).contains("ContextClosedEvent") => push(
            out,
            FactKind::HasGracefulShutdown,
            ann,
            "ContextClosedEvent listener",
        ),
        _ => {}
    }
}

fn call_facts(ctx: &Ctx<'_>, node: Node<'_>, out: &mut FileCode) {
    if node.kind() == "object_creation_expression" {
        match ast::created_type(node, ctx.src) {
            "LogstashEncoder" | "LoggingEventCompositeJsonEncoder" | "EcsEncoder" => push(
                out,
                FactKind::HasStructuredLogging,
                node,
                "JSON log encoder",
            ),
            "Bugsnag" => error_tracking(ctx, node, "Bugsnag", out),
            _ => {}
        }
        return;
    }
    let name = ast::call_name(node, ctx.src);
    let recv = ast::receiver(node, ctx.src);
    let args = ast::args(node);
    match (recv, name) {
        (_, "addShutdownHook") => push(
            out,
            FactKind::HasGracefulShutdown,
            node,
            "JVM shutdown hook",
        ),
        (_, "setWaitForTasksToCompleteOnShutdown") => push(
            out,
            FactKind::HasGracefulShutdown,
            node,
            "executor drains tasks on shutdown",
        ),
        ("ProblemDetail", n) if n.starts_with("forStatus") => push(
            out,
            FactKind::HasStructuredErrors,
            node,
            "RFC 7807 ProblemDetail responses",
        ),
        ("MDC", "put") => {
            let key = args
                .first()
                .and_then(|a| ast::string_value(*a, ctx.src))
                .unwrap_or_default();
            let k: String = key
                .to_ascii_lowercase()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect();
            if ["requestid", "correlationid", "traceid", "xrequestid"]
                .iter()
                .any(|w| k.contains(w))
            {
                push(
                    out,
                    FactKind::HasRequestId,
                    node,
                    format!("request ID in the logging context (MDC \"{key}\")"),
                );
            }
        }
        (_, "setHeader" | "addHeader" | "header") => {
            let header = args
                .first()
                .and_then(|a| ast::string_value(*a, ctx.src))
                .unwrap_or_default();
            if header.eq_ignore_ascii_case("X-Request-Id")
                || header.eq_ignore_ascii_case("X-Correlation-Id")
            {
                push(
                    out,
                    FactKind::HasRequestId,
                    node,
                    format!("{header} set on the response"),
                );
            }
        }
        (
            "SdkTracerProvider" | "OpenTelemetrySdk" | "AutoConfiguredOpenTelemetrySdk",
            "builder" | "initialize",
        )
        | ("OtlpGrpcSpanExporter" | "OtlpHttpSpanExporter", "builder" | "getDefault") => push(
            out,
            FactKind::HasTracing,
            node,
            format!("OpenTelemetry {recv}.{name}"),
        ),
        ("Sentry" | "SentryAndroid", "init") => error_tracking(ctx, node, "Sentry", out),
        ("Rollbar", "init") => error_tracking(ctx, node, "Rollbar", out),
        (_, "encode") if recv.to_ascii_lowercase().contains("encoder") => {
            password_set(ctx, node, out)
        }
        _ => {}
    }
}

/// Where the DSN/key of an error tracker comes from: a literal is a secret in code.
fn error_tracking(ctx: &Ctx<'_>, node: Node<'_>, what: &str, out: &mut FileCode) {
    let found = ctx
        .nodes_of(node, &["method_invocation", "object_creation_expression"])
        .into_iter()
        .filter(|c| {
            c.kind() == "object_creation_expression"
                || matches!(
                    ast::call_name(*c, ctx.src),
                    "setDsn" | "withAccessToken" | "init"
                )
        })
        .find_map(|c| {
            ast::args(c)
                .into_iter()
                .find_map(|a| ast::string_value(a, ctx.src))
                .filter(|s| s.len() > 8 && !s.starts_with("${"))
                .map(|s| (c, s))
        });
    // Reported where the literal is written, so the redacted line shows it.
    let at = found.as_ref().map(|(c, _)| *c).unwrap_or(node);
    let literal = found.map(|(_, s)| s);
    let mut fact = Fact::new(
        FactKind::ErrorTracking {
            dsn_from_env: literal.is_none(),
        },
        ast::at(at),
        if literal.is_some() {
            format!("{what} initialised with a DSN/key written in the code")
        } else {
            format!("{what} initialised (DSN/key from configuration or the environment)")
        },
    );
    fact.secret = literal;
    out.facts.push(fact);
}

/// `passwordEncoder.encode(...)` outside an in-memory user builder: code that stores a new
/// password, plus any policy applied in the same method.
fn password_set(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let in_user_builder = ctx
        .index
        .parent(call)
        .and_then(|p| ctx.index.parent(p))
        .is_some_and(|c| {
            c.kind() == "method_invocation" && ast::call_name(c, ctx.src) == "password"
        });
    if in_user_builder {
        return;
    }
    let method = ctx
        .enclosing_method(call)
        .map(|m| ast::decl_name(m, ctx.src))
        .unwrap_or("");
    push(
        out,
        FactKind::PasswordSet,
        call,
        format!("`{method}` stores a new password"),
    );
}

fn imports(ctx: &Ctx<'_>, out: &mut FileCode) {
    let mut cursor = ctx.root.walk();
    for node in ctx.root.named_children(&mut cursor) {
        if node.kind() != "import_declaration" {
            continue;
        }
        let t = ctx.text(node);
        if t.contains("net.logstash.logback") || t.contains("co.elastic.logging") {
            push(
                out,
                FactKind::HasStructuredLogging,
                node,
                "JSON logging (logstash-logback-encoder / ECS) in use",
            );
            break;
        }
    }
    // Password policy: a constraint on a password field, passay rules, a length check.
    for field in ctx.nodes_of(
        ctx.root,
        &[
            "field_declaration",
            "formal_parameter",
            "record_declaration",
        ],
    ) {
        if field.kind() == "record_declaration" {
            continue;
        }
        let name = if field.kind() == "formal_parameter" {
            field.field("name").map(|n| ctx.text(n)).unwrap_or("")
        } else {
            field
                .field("declarator")
                .and_then(|d| d.field("name"))
                .map(|n| ctx.text(n))
                .unwrap_or("")
        };
        if !name.to_ascii_lowercase().contains("password") {
            continue;
        }
        let anns = ast::annotations(field, ctx.src);
        let policy = anns.iter().find(|a| {
            (matches!(a.name.as_str(), "Size" | "Length") && a.arg("min").is_some())
                || a.name == "Pattern"
                || (a.name.contains("Password") && a.name != "JsonProperty")
        });
        if let Some(p) = policy {
            push(
                out,
                FactKind::HasPasswordPolicy,
                p.node,
                format!("password constraint {}", ctx.text(p.node)),
            );
        }
    }
    for node in ctx.nodes_of(
        ctx.root,
        &["object_creation_expression", "binary_expression"],
    ) {
        let t = ctx.text(node);
        let policy = if node.kind() == "object_creation_expression" {
            matches!(
                ast::created_type(node, ctx.src),
                "PasswordValidator" | "LengthRule"
            )
        } else {
            // `password.length() < MIN_LENGTH`: a short comparison, not a long concatenation.
            matches!(ast::operator(node, ctx.src), "<" | "<=" | ">" | ">=")
                && t.len() <= 512
                && t.to_ascii_lowercase().contains("password")
                && t.contains(".length()")
        };
        if policy {
            push(
                out,
                FactKind::HasPasswordPolicy,
                node,
                format!("password policy: {t}"),
            );
        }
    }
}

fn metrics(ctx: &Ctx<'_>, handlers: &[Handler<'_>], out: &mut FileCode) {
    for h in handlers {
        if h.kind == RouteKind::Http && ctx.text(h.method).contains(".scrape(") {
            push(
                out,
                FactKind::MetricsEndpoint {
                    path: h.path.clone(),
                },
                h.method,
                format!("Prometheus registry scraped at {}", h.path),
            );
            return;
        }
    }
    let mut cursor = ctx.root.walk();
    for node in ctx.root.named_children(&mut cursor) {
        let t = ctx.text(node);
        if node.kind() == "import_declaration"
            && (t.contains("io.micrometer.prometheus")
                || t.contains("io.micrometer.prometheusmetrics"))
        {
            push(
                out,
                FactKind::MetricsEndpoint {
                    path: ACTUATOR_PROMETHEUS.into(),
                },
                node,
                "Micrometer Prometheus registry: Spring Boot Actuator serves it at /actuator/prometheus",
            );
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(src: &str) -> Vec<Fact> {
        let tree = ast::parse(src);
        let mut out = FileCode::default();
        super::super::extract("src/main/java/App.java", src.as_bytes(), &tree, &mut out);
        out.facts
    }

    #[test]
    fn observability_and_operations() {
        let all = facts(
            r#"
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import net.logstash.logback.argument.StructuredArguments;
@SpringBootApplication
@ConfigurationPropertiesScan
public class App {
    public static void main(String[] args) {
        Sentry.init(options -> { options.setDsn(System.getenv("SENTRY_DSN")); });
        SpringApplication.run(App.class, args);
    }
}
class RequestIdFilter extends OncePerRequestFilter {
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain) {
        MDC.put("requestId", UUID.randomUUID().toString());
    }
}
"#,
        );
        let has = |k: FactKind| all.iter().any(|f| f.kind == k);
        assert!(has(FactKind::HasRecoveryMiddleware));
        assert!(has(FactKind::HasSettingsLayer));
        assert!(has(FactKind::HasRequestId));
        assert!(has(FactKind::HasStructuredLogging));
        assert!(has(FactKind::ErrorTracking { dsn_from_env: true }));
        assert!(has(FactKind::MetricsEndpoint {
            path: ACTUATOR_PROMETHEUS.into()
        }));
    }

    #[test]
    fn sentry_literal_dsn_is_a_secret() {
        let all = facts(
            r#"
class Boot { static { Sentry.init(o -> o.setDsn("https://abc123@o1.ingest.sentry.io/42")); } }
"#,
        );
        let f = all
            .iter()
            .find(|f| matches!(f.kind, FactKind::ErrorTracking { .. }))
            .expect("fact");
        assert_eq!(
            f.kind,
            FactKind::ErrorTracking {
                dsn_from_env: false
            }
        );
        assert!(f.secret.is_some());
    }
}
