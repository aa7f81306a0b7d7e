//! Resilience facts: rate limiting (bucket4j, Resilience4j `@RateLimiter`), body size limits,
//! outbound HTTP clients and their timeouts (RestTemplate, RestTemplateBuilder, WebClient, JDK
//! HttpClient, Apache HttpClient, OkHttp, Feign, HttpURLConnection), retries with backoff,
//! circuit breakers, connection pools, queue consumers and WebSocket limits.

use super::ast::{self, Ctx};
use super::capabilities::{KAFKA_DLQ_SCOPE, RABBIT_DLQ_SCOPE, WS_LIMITS_SCOPE};
use crate::lang::breaker_name::names_circuit_breaker;
use crate::model::{Fact, FactKind, FileCode, LinkHint, RouteKind};
use crate::syntax::FieldChild;
use tree_sitter::Node;

pub fn extract(ctx: &Ctx<'_>, out: &mut FileCode) {
    let file = ctx.text(ctx.root);
    for ann in ctx.nodes_of(ctx.root, &["annotation", "marker_annotation"]) {
        annotation(ctx, ann, file, out);
    }
    for node in ctx.nodes_of(
        ctx.root,
        &[
            "method_invocation",
            "object_creation_expression",
            "binary_expression",
        ],
    ) {
        match node.kind() {
            "method_invocation" => call(ctx, node, file, out),
            "object_creation_expression" => creation(ctx, node, file, out),
            _ => content_length_check(ctx, node, out),
        }
    }
    dead_letter_hints(file, out);
    websockets(file, out);
}

fn push(out: &mut FileCode, kind: FactKind, at: Node<'_>, detail: impl Into<String>) {
    out.facts.push(Fact::new(kind, ast::at(at), detail));
}

fn annotation(ctx: &Ctx<'_>, ann: Node<'_>, file: &str, out: &mut FileCode) {
    let name = ann.field("name").map(|n| ctx.text(n)).unwrap_or("");
    let name = name.rsplit('.').next().unwrap_or(name);
    let text = ctx.text(ann);
    match name {
        "RateLimiter" => push(
            out,
            FactKind::HasRateLimiter,
            ann,
            format!("Resilience4j {text}"),
        ),
        "Retry" | "Retryable" => push(
            out,
            FactKind::HasRetryBackoff,
            ann,
            format!("{text} (retries wait between attempts by default)"),
        ),
        "CircuitBreaker" | "HystrixCommand" => {
            push(out, FactKind::HasCircuitBreaker, ann, text.to_string())
        }
        "FeignClient" => push(
            out,
            FactKind::HttpClientCall { timeout: true },
            ann,
            "@FeignClient (Spring Cloud OpenFeign defaults: 10 s connect, 60 s read timeout)",
        ),
        "KafkaListener" | "RabbitListener" => {
            let method = ctx
                .enclosing_method(ann)
                .or_else(|| ctx.index.parent(ann).and_then(|m| ctx.index.parent(m)));
            let retryable = method.is_some_and(|m| ctx.text(m).contains("@RetryableTopic"));
            let dlq_here = if name == "KafkaListener" {
                kafka_dlq(file)
            } else {
                rabbit_dlq(file)
            };
            push(
                out,
                FactKind::QueueConsumer {
                    retry_dlq: retryable || dlq_here,
                },
                ann,
                format!(
                    "@{name}{} on `{}`",
                    ann.field("arguments").map(|a| ctx.text(a)).unwrap_or(""),
                    method.map(|m| ast::decl_name(m, ctx.src)).unwrap_or("")
                ),
            );
        }
        _ => {}
    }
}

fn kafka_dlq(file: &str) -> bool {
    file.contains("DeadLetterPublishingRecoverer") || file.contains("@RetryableTopic")
}

fn rabbit_dlq(file: &str) -> bool {
    file.contains("deadLetterExchange(")
        || file.contains("\"x-dead-letter-exchange\"")
        || file.contains("RepublishMessageRecoverer")
}

fn dead_letter_hints(file: &str, out: &mut FileCode) {
    for (present, scope) in [
        (kafka_dlq(file), KAFKA_DLQ_SCOPE),
        (rabbit_dlq(file), RABBIT_DLQ_SCOPE),
    ] {
        if present {
            out.link_hints.push(LinkHint::Guard {
                scope: scope.into(),
                evidence: String::new(),
                line: 0,
            });
        }
    }
}

const TIMEOUT_WORDS: &[&str] = &[
    "setReadTimeout",
    "setConnectTimeout",
    "readTimeout(",
    "connectTimeout(",
    "setConnectionRequestTimeout",
    "setResponseTimeout",
    "setSocketTimeout",
    "responseTimeout(",
    "ReadTimeoutHandler",
    "CONNECT_TIMEOUT_MILLIS",
    ".timeout(",
];

fn has_timeout(text: &str) -> bool {
    TIMEOUT_WORDS.iter().any(|w| text.contains(w))
}

fn client(out: &mut FileCode, at: Node<'_>, timeout: bool, what: &str) {
    let detail = if timeout {
        format!("{what} with a timeout")
    } else {
        format!("{what} without a connect/read timeout: a slow upstream blocks the caller")
    };
    push(out, FactKind::HttpClientCall { timeout }, at, detail);
}

fn call(ctx: &Ctx<'_>, node: Node<'_>, file: &str, out: &mut FileCode) {
    let name = ast::call_name(node, ctx.src);
    let recv = ast::receiver(node, ctx.src);
    let (root, calls) = ast::chain(node, ctx.src);
    let is_top = ctx.chain_top(node) == node;
    let chain_text = ctx.text(node);
    match (recv, name) {
        (_, "tryConsume" | "tryConsumeAndReturnRemaining" | "tryAcquire") => {
            let r = recv.to_ascii_lowercase();
            if r.contains("bucket") || r.contains("limiter") {
                push(
                    out,
                    FactKind::HasRateLimiter,
                    node,
                    format!("{recv}.{name}"),
                );
            }
        }
        (
            _,
            "setMaxPostSize" | "setMaxSwallowSize" | "maxInMemorySize" | "setMaxInMemorySize"
            | "setMaxRequestSize" | "setMaxFileSize",
        ) => push(
            out,
            FactKind::HasBodySizeLimit,
            node,
            format!("request body limit: {name}"),
        ),
        ("CircuitBreaker", "ofDefaults" | "of") => push(
            out,
            FactKind::HasCircuitBreaker,
            node,
            format!("{recv}.{name}"),
        ),
        (_, "create") if recv.to_ascii_lowercase().contains("circuitbreakerfactory") => push(
            out,
            FactKind::HasCircuitBreaker,
            node,
            format!("{recv}.{name}"),
        ),
        ("Retry", "backoff" | "fixedDelay") => push(
            out,
            FactKind::HasRetryBackoff,
            node,
            format!("Reactor Retry.{name}"),
        ),
        (_, "exponentialBackoff" | "fixedBackoff") if root == "RetryTemplate" => push(
            out,
            FactKind::HasRetryBackoff,
            node,
            format!("RetryTemplate {name}"),
        ),
        ("WebClient", "create") => client(out, node, has_timeout(file), "WebClient"),
        ("HttpClient", "newHttpClient") => client(
            out,
            node,
            file.contains(".timeout(Duration"),
            "HttpClient.newHttpClient()",
        ),
        ("HttpClients", "createDefault" | "createSystem") => client(
            out,
            node,
            has_timeout(file),
            &format!("Apache HttpClients.{name}()"),
        ),
        (_, "build") if is_top => {
            let names: Vec<&str> = calls.iter().map(|c| ast::call_name(*c, ctx.src)).collect();
            let builder_of = |ty: &str| root == ty && names.first() == Some(&"builder");
            if builder_of("WebClient") {
                client(
                    out,
                    node,
                    has_timeout(chain_text) || has_timeout(file),
                    "WebClient.builder()",
                );
            } else if root == "HttpClient" && names.first() == Some(&"newBuilder") {
                client(
                    out,
                    node,
                    has_timeout(chain_text) || file.contains(".timeout(Duration"),
                    "HttpClient.newBuilder()",
                );
            } else if root == "HttpClients" && names.first() == Some(&"custom") {
                client(out, node, has_timeout(file), "Apache HttpClients.custom()");
            } else if is_rest_template_builder(ctx, node, &root) {
                client(out, node, has_timeout(chain_text), "RestTemplateBuilder");
            }
        }
        (_, "openConnection") => {
            let scope = ctx
                .enclosing_method(node)
                .map(|m| ctx.text(m))
                .unwrap_or(file);
            client(out, node, has_timeout(scope), "HttpURLConnection");
        }
        _ if names_circuit_breaker(&format!("{recv}.{name}")) => push(
            out,
            FactKind::HasCircuitBreaker,
            node,
            format!("circuit breaker `{recv}.{name}(...)`"),
        ),
        _ => {}
    }
}

fn is_rest_template_builder(ctx: &Ctx<'_>, node: Node<'_>, root: &str) -> bool {
    if root.contains("RestTemplateBuilder")
        || root.to_ascii_lowercase().contains("resttemplatebuilder")
    {
        return true;
    }
    ctx.enclosing_method(node).is_some_and(|m| {
        ast::parameters(m, ctx.src)
            .iter()
            .any(|(_, ty, name, _)| *ty == "RestTemplateBuilder" && *name == root)
    })
}

fn creation(ctx: &Ctx<'_>, node: Node<'_>, file: &str, out: &mut FileCode) {
    let ty = ast::created_type(node, ctx.src);
    let no_args = ast::args(node).is_empty();
    match ty {
        "RestTemplate" if no_args => client(out, node, false, "new RestTemplate()"),
        // A request factory built inline without timeouts; one passed in from elsewhere is
        // that bean's business (not reported).
        "RestTemplate" if has_timeout(file) => {
            client(out, node, true, "RestTemplate with a request factory")
        }
        "RestTemplate"
            if ast::args(node).first().is_some_and(|a| {
                a.kind() == "object_creation_expression"
                    && ast::created_type(*a, ctx.src).ends_with("ClientHttpRequestFactory")
            }) =>
        {
            client(
                out,
                node,
                false,
                "RestTemplate with a default request factory",
            )
        }
        "OkHttpClient" => client(
            out,
            node,
            true,
            "OkHttpClient (10 s connect/read/write defaults)",
        ),
        "MultipartConfigElement" => push(
            out,
            FactKind::HasBodySizeLimit,
            node,
            "MultipartConfigElement size limits",
        ),
        "ExponentialBackOffPolicy" | "ExponentialRandomBackOffPolicy" => push(
            out,
            FactKind::HasRetryBackoff,
            node,
            format!("Spring Retry {ty}"),
        ),
        // `new HikariDataSource(config)` wraps a HikariConfig already reported.
        "HikariConfig" | "HikariDataSource" if ty == "HikariConfig" || no_args => {
            let method = ctx
                .enclosing_method(node)
                .map(|m| ctx.text(m))
                .unwrap_or(file);
            let detail = if method.contains("setMaximumPoolSize") {
                "HikariCP pool with maximumPoolSize set".to_string()
            } else {
                "HikariCP pool (maximumPoolSize defaults to 10)".to_string()
            };
            push(out, FactKind::DbPool { bounded: true }, node, detail);
        }
        "BasicDataSource" => push(
            out,
            FactKind::DbPool { bounded: true },
            node,
            "Commons DBCP2 pool (maxTotal defaults to 8)",
        ),
        "DriverManagerDataSource" | "SimpleDriverDataSource" => push(
            out,
            FactKind::DbPool { bounded: false },
            node,
            format!(
                "{ty} opens a new, unpooled connection for every use: nothing bounds the connections to the database"
            ),
        ),
        _ => {}
    }
}

/// `if (request.getContentLengthLong() > MAX_BODY)` in a filter.
fn content_length_check(ctx: &Ctx<'_>, node: Node<'_>, out: &mut FileCode) {
    let op = ast::operator(node, ctx.src);
    if !matches!(op, ">" | ">=" | "<" | "<=") {
        return;
    }
    let t = ctx.text(node);
    if t.contains("getContentLength") {
        push(
            out,
            FactKind::HasBodySizeLimit,
            node,
            format!("request size checked: {t}"),
        );
    }
}

/// WebSocket endpoints of this file with their limits; a container-wide limit configuration
/// is also announced to `link` for handlers registered elsewhere.
fn websockets(file: &str, out: &mut FileCode) {
    let size = [
        "setMaxTextMessageBufferSize",
        "setMessageSizeLimit",
        "maxMessageSize",
        "setMaxBinaryMessageBufferSize",
    ]
    .iter()
    .any(|w| file.contains(w));
    let time = [
        "setMaxSessionIdleTimeout",
        "setMaxIdleTimeout",
        "setSendTimeLimit",
        "setTimeToFirstMessage",
        "setAsyncSendTimeout",
    ]
    .iter()
    .any(|w| file.contains(w));
    let limits = size && time;
    if limits
        && (file.contains("ServletServerContainerFactoryBean")
            || file.contains("configureWebSocketTransport"))
    {
        out.link_hints.push(LinkHint::Guard {
            scope: WS_LIMITS_SCOPE.into(),
            evidence: String::new(),
            line: 0,
        });
    }
    let endpoints: Vec<(u32, u32, String)> = out
        .routes
        .iter()
        .filter(|r| r.kind == RouteKind::WebSocket)
        .map(|r| (r.line, r.column, r.path.clone()))
        .collect();
    for (line, column, path) in endpoints {
        let detail = if limits {
            format!("WebSocket {path} with message-size and idle/send-time limits")
        } else {
            format!("WebSocket {path} without a message-size limit and an idle or send-time limit")
        };
        out.facts.push(Fact::new(
            FactKind::WebSocketHandler { limits },
            crate::model::Pos { line, column },
            detail,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(src: &str) -> Vec<Fact> {
        let tree = ast::parse(src);
        let mut out = FileCode::default();
        super::super::extract(
            "src/main/java/Clients.java",
            src.as_bytes(),
            &tree,
            &mut out,
        );
        out.facts
    }

    #[test]
    fn clients_and_timeouts() {
        let all = facts(
            r#"
@Configuration
class Clients {
    @Bean RestTemplate plain() { return new RestTemplate(); }
    @Bean RestTemplate timed(RestTemplateBuilder builder) {
        return builder.setConnectTimeout(Duration.ofSeconds(2)).setReadTimeout(Duration.ofSeconds(5)).build();
    }
    @Bean RestTemplate untimed(RestTemplateBuilder builder) { return builder.rootUri("https://x").build(); }
    HttpClient jdk = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    @Retry(name = "billing") @CircuitBreaker(name = "billing")
    Invoice call() { return null; }
}
"#,
        );
        let timeouts: Vec<bool> = all
            .iter()
            .filter_map(|f| match f.kind {
                FactKind::HttpClientCall { timeout } => Some(timeout),
                _ => None,
            })
            .collect();
        assert_eq!(timeouts, vec![false, true, false, true], "{all:?}");
        assert!(all.iter().any(|f| f.kind == FactKind::HasRetryBackoff));
        assert!(all.iter().any(|f| f.kind == FactKind::HasCircuitBreaker));
    }

    #[test]
    fn pools_consumers_and_limits() {
        let all = facts(
            r#"
class Infra {
    DataSource ds() { HikariConfig c = new HikariConfig(); c.setMaximumPoolSize(20); return new HikariDataSource(c); }
    DataSource raw() { return new DriverManagerDataSource(url, user, pass); }
    @KafkaListener(topics = "orders") void onOrder(String m) {}
    @RabbitListener(queues = "mail") void onMail(String m) {}
}
"#,
        );
        let pools: Vec<bool> = all
            .iter()
            .filter_map(|f| match f.kind {
                FactKind::DbPool { bounded } => Some(bounded),
                _ => None,
            })
            .collect();
        assert_eq!(pools, vec![true, false]);
        let consumers: Vec<bool> = all
            .iter()
            .filter_map(|f| match f.kind {
                FactKind::QueueConsumer { retry_dlq } => Some(retry_dlq),
                _ => None,
            })
            .collect();
        assert_eq!(consumers, vec![false, false]);
    }
}
