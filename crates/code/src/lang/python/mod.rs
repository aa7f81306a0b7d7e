//! Python extractor: FastAPI/Starlette, Flask and Django routes with their guards, risky
//! sinks, wired capabilities (rate limiter, metrics, tracing, ...) and settings.

mod auth;
mod capabilities;
mod clients;
mod config;
mod ctx;
mod django;
mod django_settings;
mod django_views;
mod handlers;
mod link;
mod risks;
mod routes;
mod sinks;
mod strings;
#[cfg(test)]
mod tests;

use crate::model::FileCode;
use tree_sitter::Tree;

/// Words without which a file cannot yield a fact for this extractor (the parse is skipped).
/// Every construct the extractor recognises must contain one of them.
pub const TRIGGERS: &[&str] = &[
    // web frameworks and routes
    "fastapi",
    "starlette",
    "flask",
    "django",
    "urlpatterns",
    "strawberry",
    "graphene",
    "ariadne",
    "@app.",
    "@router.",
    "include_router",
    "register_blueprint",
    // sinks
    "execute",
    ".raw(",
    ".extra(",
    "subprocess",
    "os.system",
    "os.popen",
    "pickle",
    "yaml",
    "torch.load",
    "jwt",
    "hashlib",
    "random",
    "password",
    "token",
    "secret",
    "SECRET",
    "DEBUG",
    "traceback",
    "debug=True",
    "reload=True",
    // clients and resilience
    "requests",
    "httpx",
    "aiohttp",
    "urlopen",
    "tenacity",
    "backoff",
    "Retry(",
    "breaker",
    "circuit",
    "limiter",
    "Limiter",
    "ratelimit",
    "celery",
    "Celery",
    "shared_task",
    "time_limit",
    "TIME_LIMIT",
    "enqueue",
    "dramatiq",
    "pika",
    "kafka",
    "Kafka",
    "Consumer",
    "create_engine",
    "create_pool",
    "ConnectionPool",
    "BaseSettings",
    "Dynaconf",
    "environ",
    "getenv",
    "signal",
    "lifespan",
    "on_event",
    // observability
    "prometheus",
    "Instrumentator",
    "structlog",
    "jsonlogger",
    "JsonFormatter",
    "serialize=True",
    "correlation",
    "Correlation",
    "request_id",
    "RequestId",
    "RequestID",
    "opentelemetry",
    "TracerProvider",
    "sentry_sdk",
    "rollbar",
    "bugsnag",
    "CORS",
    "Idempotency",
    "idempotency",
    "NotImplementedError",
    "TODO",
    "MAX_CONTENT_LENGTH",
    "content-length",
];

pub fn extract(path: &str, src: &[u8], tree: &Tree, out: &mut FileCode) {
    let ctx = ctx::Ctx::new(path, src, tree.root_node());
    out.imports = {
        let mut imports: Vec<String> = ctx.imports.values().cloned().collect();
        imports.sort();
        imports.dedup();
        imports
    };
    let handlers = routes::extract(&ctx, out);
    django::extract(&ctx, out);
    config::extract(&ctx, out);
    sinks::extract(&ctx, out);
    let http_clients = clients::clients(&ctx);
    risks::extract(&ctx, &handlers, &http_clients, out);
    handlers::extract(&ctx, &handlers, out);
    clients::extract(&ctx, &http_clients, out);
    capabilities::extract(&ctx, out);
}

pub fn link(files: &mut [FileCode]) {
    link::link(files);
}
