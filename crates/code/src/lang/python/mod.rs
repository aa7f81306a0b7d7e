//! Python extractor: FastAPI/Starlette, Flask and Django routes with their guards, risky
//! sinks, wired capabilities (rate limiter, metrics, tracing, ...) and settings.

mod auth;
mod capabilities;
mod clients;
mod config;
mod ctx;
mod depends;
#[cfg(test)]
mod depends_tests;
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

/// Words of constructs that can yield a route or a fact (exact case). Every construct the
/// extractor recognises contains one of these or of the lists below (see `crate::gate`).
pub const FACT_TRIGGERS: &[&str] = &[
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
    "Depends(",
    "register_blueprint",
    // sinks
    ".raw(",
    ".extra(",
    "subprocess",
    "os.system",
    "os.popen",
    "pickle",
    "torch.load",
    "jwt",
    "hashlib",
    "password",
    "DEBUG",
    "traceback",
    "debug=True",
    "reload=True",
    // clients and resilience
    "httpx",
    "aiohttp",
    "urlopen",
    "tenacity",
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
    "lifespan",
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
    "MAX_CONTENT_LENGTH",
    "content-length",
    "execute(",
    "executemany",
    "executescript",
    "yaml.load",
    "yaml.unsafe_load",
    "yaml.full_load",
    "from yaml",
    "import random",
    "from random",
    "import requests",
    "requests.get(",
    "requests.post(",
    "requests.put(",
    "requests.patch(",
    "requests.delete(",
    "requests.head(",
    "requests.options(",
    "requests.request(",
    "requests.stream(",
    "requests.Session",
    "requests.session",
    "backoff.on_",
    "import backoff",
    "retry_backoff",
    "backoff_factor",
    "SIGTERM",
    "create_async_engine",
    "on_event(\"shutdown",
    "on_event('shutdown",
    "from backoff import",
    "from requests import",
];
/// Fact words compared without case.
pub const FACT_TRIGGERS_ANY_CASE: &[&str] = &[
    "todo: implement",
    "breaker",
    "todo implement",
    "has_permission",
    "has_object_permission",
    "check_permission",
    "is_authorized",
    "is_authorised",
    "authorize",
    "authorise",
    "can_access",
    "check_access",
    "has_access",
    "verify_token",
    "check_auth",
    "is_allowed",
    "has_role",
    "require_role",
    "def simulate_",
    "def _simulate_",
    "def mock_",
    "def _mock_",
    "def fake_",
    "def _fake_",
    "def stub_",
    "def _stub_",
    "def dummy_",
    "def _dummy_",
];
/// Credential and signing-key names: a fact only with a string literal beside them.
pub const LITERAL_TRIGGERS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "token",
    "secret",
    "api_key",
    "apikey",
    "credential",
    "jwt",
    "signing_key",
];
/// Environment reads and constants: config values only (parsed when a setting needs them).
pub const CONFIG_TRIGGERS: &[&str] = &["environ", "getenv"];

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
    depends::export_hints(&ctx, out);
}

pub fn link(files: &mut [FileCode]) {
    link::link(files);
}
