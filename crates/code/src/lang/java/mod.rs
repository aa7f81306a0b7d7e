//! Java extractor: Spring MVC/WebFlux (routes, Spring Security annotations and
//! `SecurityFilterChain` URL rules), Spring GraphQL, JAX-RS, WebSocket endpoints, the risky sinks
//! and wired capabilities of a Spring Boot service, and its config values.

mod ast;
mod capabilities;
mod config;
mod crypto;
mod link;
pub mod properties;
mod resilience;
mod routes;
mod security;
mod sinks;
mod taint;
mod web;

use crate::model::FileCode;
use tree_sitter::Tree;

/// Words of constructs that can yield a route or a fact (exact case). Every construct the
/// extractor recognises contains one of these or of the lists below (see `crate::gate`).
pub const FACT_TRIGGERS: &[&str] = &[
    // routes and security
    "Mapping",
    "@Path",
    "@ApplicationPath",
    "ServerEndpoint",
    "registerWebSocketHandlers",
    "registerStompEndpoints",
    "org.springframework.security",
    "authorizeHttpRequests",
    "authorizeRequests",
    "authorizeExchange",
    "MethodSecurity",
    "HealthIndicator",
    "UNAUTHORIZED",
    "FORBIDDEN",
    "\"Authorization\"",
    "(401",
    "(403",
    // config values
    "ConfigurationProperties",
    // injection sinks (SQL concatenation always carries an SQL keyword literal)
    "SELECT ",
    "select ",
    "INSERT ",
    "insert ",
    "UPDATE ",
    "update ",
    "DELETE ",
    "delete ",
    " WHERE ",
    " where ",
    "ORDER BY",
    "order by",
    "ProcessBuilder",
    "ObjectInputStream",
    "XMLDecoder",
    "DefaultTyping",
    // auth and crypto
    "Jwts",
    "JWT.",
    "Algorithm.none",
    "MessageDigest",
    "DigestUtils",
    "ncoder",
    "Random",
    "Math.random",
    "assword",
    "piKey",
    "API_KEY",
    "PermissionEvaluator",
    "AuthorizationManager",
    "AccessDecision",
    "isAuthorized",
    "canAccess",
    "hasAccess",
    "isAllowed",
    "authorize",
    // HTTP layer
    "CrossOrigin",
    "llowedOrigin",
    "Access-Control-Allow-Origin",
    "ExceptionHandler",
    "dempotency",
    // resilience
    "RateLimiter",
    "@Retry",
    "Retryable",
    "Retry.",
    "RetryTemplate",
    "BackOff",
    "CircuitBreaker",
    "HystrixCommand",
    "FeignClient",
    "KafkaListener",
    "RabbitListener",
    "tryConsume",
    "tryAcquire",
    "setMax",
    "axInMemorySize",
    "getContentLength",
    "MultipartConfigElement",
    "RestTemplate",
    "WebClient",
    "HttpClient",
    "openConnection",
    "OkHttpClient",
    "Hikari",
    "BasicDataSource",
    "DriverManagerDataSource",
    "SimpleDriverDataSource",
    "WebSocket",
    "DeadLetter",
    "deadLetter",
    "dead-letter",
    // operations and observability
    "ControllerAdvice",
    "ExceptionMapper",
    "SmartLifecycle",
    "DisposableBean",
    "SpringBootApplication",
    "PreDestroy",
    "ContextClosedEvent",
    "addShutdownHook",
    "setWaitForTasksToCompleteOnShutdown",
    "ProblemDetail",
    "MDC",
    "X-Request",
    "X-Correlation",
    "SdkTracerProvider",
    "OpenTelemetrySdk",
    "SpanExporter",
    "Sentry",
    "Rollbar",
    "Bugsnag",
    "net.logstash",
    "co.elastic.logging",
    "EcsEncoder",
    "io.micrometer.prometheus",
    "PasswordValidator",
    "LengthRule",
    "getRuntime(",
];
/// Fact words compared without case.
pub const FACT_TRIGGERS_ANY_CASE: &[&str] = &["todo: implement", "todo implement", "breaker"];
/// Credential and signing-key names: a fact only with a string literal beside them.
pub const LITERAL_TRIGGERS: &[&str] = &[
    "password", "passwd", "token", "secret", "apikey", "api_key", "jwt", "signing",
];
/// Environment reads and constants: config values only (parsed when a setting needs them).
pub const CONFIG_TRIGGERS: &[&str] = &["static final", "@Value", "getenv"];

pub fn extract(path: &str, src: &[u8], tree: &Tree, out: &mut FileCode) {
    let ctx = ast::Ctx::new(src, tree.root_node());
    config::extract(&ctx, out);
    let handlers = routes::extract(&ctx, path, out);
    security::extract(&ctx, path, out);
    sinks::extract(&ctx, &handlers, out);
    crypto::extract(&ctx, out);
    web::extract(&ctx, &handlers, out);
    resilience::extract(&ctx, out);
    capabilities::extract(&ctx, &handlers, out);
}

pub fn link(files: &mut [FileCode]) {
    link::link(files);
    properties::link_introspection(files);
}
