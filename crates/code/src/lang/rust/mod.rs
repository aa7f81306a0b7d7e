//! Rust extractor: axum, actix-web and Rocket routes with their auth, risky sinks (SQL built
//! with `format!`, `sh -c` commands, unverified JWTs, ...), wired capabilities (tower-http
//! layers, governor, sentry, OpenTelemetry, ...) and config values (`const`s, `env::var` with
//! a fallback). Inline `#[cfg(test)]` modules and `#[test]` functions are never read.

mod ast;
mod auth;
mod capabilities;
mod config;
mod link;
mod routes;
mod security;
mod sinks;
#[cfg(test)]
mod tests;

use crate::model::FileCode;
use tree_sitter::Tree;

/// Words of constructs that can yield a route or a fact (exact case). Every construct the
/// extractor recognises contains one of these or of the lists below (see `crate::gate`).
pub const FACT_TRIGGERS: &[&str] = &[
    // routes
    "Router",
    ".route(",
    "#[get(",
    "#[post(",
    "#[put(",
    "#[patch(",
    "#[delete(",
    "#[route(",
    "::get(",
    "::post(",
    "::put(",
    "::patch(",
    "::delete(",
    "web::",
    "App::new",
    "HttpServer",
    "rocket",
    "fn main",
    ".service(",
    ".nest(",
    ".merge(",
    "axum",
    "actix",
    "Json<",
    "Extension<",
    "Path<",
    "State<",
    "Query<",
    "Form<",
    // sinks and security
    "query",
    "execute",
    "sql",
    "Command::new",
    "Validation",
    "jsonwebtoken",
    "Sha",
    "sha",
    "md5",
    "Md5",
    "fastrand",
    "SmallRng",
    "seed_from_u64",
    "oorandom",
    "WyRand",
    "Schema::build",
    "RootNode",
    "assword",
    "todo!",
    "unimplemented!",
    "INTERNAL_SERVER_ERROR",
    "InternalServerError",
    "fn authorize",
    "fn is_authorized",
    "fn has_permission",
    "fn check_permission",
    "fn can_",
    "str = \"",
    "Cors",
    "AllowOrigin",
    "reqwest",
    "ureq",
    "TODO",
    // capabilities
    "Governor",
    "RateLimit",
    "BodyLimit",
    "JsonConfig",
    "PayloadConfig",
    "Backoff",
    "backoff",
    "Retry",
    "retry",
    "failsafe",
    "CircuitBreaker",
    "IntoResponse",
    "ResponseError",
    "dempotency",
    "apalis",
    "WorkerBuilder",
    "basic_consume",
    "StreamConsumer",
    "PoolOptions",
    "Pool",
    "Figment",
    "envy",
    "Config::builder",
    "graceful",
    "CatchPanic",
    "metrics",
    "rometheus",
    "tracing_subscriber",
    "Bunyan",
    "RequestId",
    "request_id",
    "TracingLogger",
    "opentelemetry",
    "TracerProvider",
    "sentry",
    "WebSocket",
    "actix_ws",
];
/// Fact words compared without case.
pub const FACT_TRIGGERS_ANY_CASE: &[&str] = &["breaker"];
/// Credential and signing-key names: a fact only with a string literal beside them.
pub const LITERAL_TRIGGERS: &[&str] = &[
    "password", "passwd", "token", "secret", "apikey", "api_key", "jwt", "signing",
];
/// Environment reads and constants: config values only (parsed when a setting needs them).
pub const CONFIG_TRIGGERS: &[&str] = &["env::var", "str = \"", "[&str"];

pub fn extract(path: &str, src: &[u8], tree: &Tree, out: &mut FileCode) {
    let root = tree.root_node();
    let ctx = ast::Ctx::new(path, src, root);
    link::collect_uses(&ctx, root, out);
    routes::extract(&ctx, root, out);
    config::extract(&ctx, root, out);
    sinks::extract(&ctx, root, out);
    security::extract(&ctx, root, out);
    capabilities::extract(&ctx, root, out);
}

pub fn link(files: &mut [FileCode]) {
    link::link(files);
}
