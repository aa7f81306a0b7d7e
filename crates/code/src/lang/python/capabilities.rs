//! Libraries wired into the service (not just imported): rate limiters, retries, circuit
//! breakers, error handlers, job queues, consumers, pools, shutdown hooks, metrics, logging,
//! request IDs, tracing and error tracking.

use super::ctx::{
    Ctx, args, callee, decorator_expr, decorators, env_read, fact, function_name, is_true, kwarg,
    literal,
};
use crate::lang::breaker_name::names_circuit_breaker;
use crate::model::{Fact, FactKind, FileCode, LinkHint};
use crate::syntax;
use crate::syntax::FieldChild;
use tree_sitter::Node;

pub fn extract(ctx: &Ctx<'_>, out: &mut FileCode) {
    for &call in &ctx.calls {
        let q = ctx.qualified(call);
        let last = q.rsplit('.').next().unwrap_or("").to_string();
        rate_limiter(ctx, call, &q, &last, out);
        resilience(ctx, call, &q, &last, out);
        framework_defaults(ctx, call, &last, out);
        queues(ctx, call, &q, &last, out);
        pool(ctx, call, &q, &last, out);
        observability(ctx, call, &q, &last, out);
    }
    for &def in &ctx.functions {
        decorated(ctx, def, out);
    }
    for &assign in &ctx.assignments {
        assigned(ctx, assign, out);
    }
}

fn rate_limiter(ctx: &Ctx<'_>, call: Node<'_>, q: &str, last: &str, out: &mut FileCode) {
    let detail = match last {
        "add_middleware"
            if args(call).first().is_some_and(|a| {
                let t = ctx.text(*a);
                t.contains("SlowAPI") || t.contains("RateLimit")
            }) =>
        {
            format!("{} registered", ctx.text(args(call)[0]))
        }
        "init" if q.contains("FastAPILimiter") => "FastAPILimiter.init(...)".to_string(),
        "RateLimiter" if kwarg(call, ctx.src, "times").is_some() => {
            "fastapi-limiter RateLimiter dependency".to_string()
        }
        "Limiter" if kwarg(call, ctx.src, "app").is_some() || args(call).len() > 1 => {
            "flask-limiter Limiter attached to the app".to_string()
        }
        "init_app"
            if callee(call, ctx.src)
                .to_ascii_lowercase()
                .contains("limiter") =>
        {
            format!("{}(...)", callee(call, ctx.src))
        }
        _ => return,
    };
    fact(out, FactKind::HasRateLimiter, call, &detail);
}

fn resilience(ctx: &Ctx<'_>, call: Node<'_>, q: &str, last: &str, out: &mut FileCode) {
    match last {
        "Retrying" | "AsyncRetrying"
            if q.starts_with("tenacity") && kwarg(call, ctx.src, "wait").is_some() =>
        {
            fact(
                out,
                FactKind::HasRetryBackoff,
                call,
                "tenacity Retrying with a wait strategy",
            );
        }
        "Retry"
            if (q.starts_with("urllib3") || q.contains("requests"))
                && kwarg(call, ctx.src, "backoff_factor").is_some() =>
        {
            fact(
                out,
                FactKind::HasRetryBackoff,
                call,
                "urllib3 Retry with backoff_factor",
            );
        }
        "CircuitBreaker"
            if q.starts_with("pybreaker")
                || q.starts_with("aiobreaker")
                || q.starts_with("circuitbreaker") =>
        {
            fact(out, FactKind::HasCircuitBreaker, call, &format!("{q}(...)"));
        }
        _ => {
            let called = callee(call, ctx.src);
            if names_circuit_breaker(called) {
                fact(
                    out,
                    FactKind::HasCircuitBreaker,
                    call,
                    &format!("circuit breaker `{called}(...)`"),
                );
            }
        }
    }
}

/// Frameworks that turn unhandled exceptions into 500 responses on their own.
fn framework_defaults(ctx: &Ctx<'_>, call: Node<'_>, last: &str, out: &mut FileCode) {
    let q = ctx.qualified(call);
    let detail = match (q.as_str(), last) {
        (q, "FastAPI") if q.starts_with("fastapi") => {
            "FastAPI: Starlette's ServerErrorMiddleware turns unhandled exceptions into 500 responses (framework default)"
        }
        (q, "Starlette") if q.starts_with("starlette") => {
            "Starlette's ServerErrorMiddleware turns unhandled exceptions into 500 responses (framework default)"
        }
        (q, "Flask") if q.starts_with("flask") => {
            "Flask turns unhandled exceptions into 500 responses (framework default)"
        }
        _ => return,
    };
    fact(out, FactKind::HasRecoveryMiddleware, call, detail);
}

fn queues(ctx: &Ctx<'_>, call: Node<'_>, q: &str, last: &str, out: &mut FileCode) {
    match last {
        // RQ: `queue.enqueue(fn, ..., job_timeout=..., retry=Retry(max=3))`.
        "enqueue" | "enqueue_call" | "enqueue_in" | "enqueue_at" if ctx.imports_any(&["rq"]) => {
            let timeout = kwarg(call, ctx.src, "job_timeout").is_some()
                || kwarg(call, ctx.src, "timeout").is_some();
            let retry = kwarg(call, ctx.src, "retry").is_some();
            fact(
                out,
                FactKind::JobQueue {
                    limits: timeout && retry,
                },
                call,
                &format!("RQ {last} {}", limits_detail(timeout, retry)),
            );
        }
        "basic_consume" if ctx.imports_any(&["pika", "aio_pika"]) => {
            let dlq = ctx.text(ctx.root).contains("x-dead-letter-exchange");
            fact(
                out,
                FactKind::QueueConsumer { retry_dlq: dlq },
                call,
                if dlq {
                    "RabbitMQ consumer on a queue with a dead-letter exchange"
                } else {
                    "RabbitMQ consumer with no dead-letter exchange declared"
                },
            );
        }
        "KafkaConsumer" | "AIOKafkaConsumer" | "Consumer"
            if q.starts_with("kafka")
                || q.starts_with("aiokafka")
                || q.starts_with("confluent_kafka") =>
        {
            let text = ctx.text(ctx.root).to_ascii_lowercase();
            let dlq = text.contains("dlq")
                || text.contains("dead-letter")
                || text.contains("dead_letter");
            fact(
                out,
                FactKind::QueueConsumer { retry_dlq: dlq },
                call,
                if dlq {
                    "Kafka consumer that forwards failures to a dead-letter topic"
                } else {
                    "Kafka consumer with no retry or dead-letter topic"
                },
            );
        }
        _ => {}
    }
}

fn limits_detail(timeout: bool, retry: bool) -> &'static str {
    match (timeout, retry) {
        (true, true) => "with a time limit and retries",
        (true, false) => "with a time limit but no retries",
        (false, true) => "with retries but no time limit",
        (false, false) => "with no time limit or retries",
    }
}

/// SQLAlchemy's QueuePool is bounded by default (5 + 10 overflow); `pool_size=0` or
/// `max_overflow=-1` remove the bound. asyncpg/psycopg pools have default maxima.
fn pool(ctx: &Ctx<'_>, call: Node<'_>, q: &str, last: &str, out: &mut FileCode) {
    match last {
        "create_engine" | "create_async_engine" if q.starts_with("sqlalchemy") => {
            if args(call)
                .first()
                .and_then(|u| literal(*u, ctx.src))
                .is_some_and(|u| u.starts_with("sqlite"))
            {
                return;
            }
            let unbounded = kwarg(call, ctx.src, "max_overflow")
                .is_some_and(|v| ctx.text(v).replace(' ', "") == "-1")
                || kwarg(call, ctx.src, "pool_size").is_some_and(|v| ctx.text(v) == "0");
            let explicit = kwarg(call, ctx.src, "pool_size").is_some();
            let detail = if unbounded {
                "SQLAlchemy engine pool without a bound (pool_size=0 or max_overflow=-1)"
            } else if explicit {
                "SQLAlchemy engine pool with pool_size/max_overflow"
            } else {
                "SQLAlchemy engine with the default QueuePool bound (5 + 10 overflow)"
            };
            fact(
                out,
                FactKind::DbPool {
                    bounded: !unbounded,
                },
                call,
                detail,
            );
        }
        "create_pool" if q.starts_with("asyncpg") => {
            fact(
                out,
                FactKind::DbPool { bounded: true },
                call,
                "asyncpg pool (max_size bounds it; default 10)",
            );
        }
        "ConnectionPool"
        | "AsyncConnectionPool"
        | "ThreadedConnectionPool"
        | "SimpleConnectionPool"
            if q.starts_with("psycopg") =>
        {
            fact(
                out,
                FactKind::DbPool { bounded: true },
                call,
                &format!("{last} with a maximum size"),
            );
        }
        _ => {}
    }
}

fn observability(ctx: &Ctx<'_>, call: Node<'_>, q: &str, last: &str, out: &mut FileCode) {
    let src = ctx.src;
    match last {
        "mount"
            if args(call).get(1).is_some_and(|a| {
                ctx.text(*a).contains("make_asgi_app") || ctx.text(*a).contains("make_wsgi_app")
            }) =>
        {
            let path = args(call)
                .first()
                .and_then(|p| literal(*p, src))
                .unwrap_or_else(|| "/metrics".into());
            fact(
                out,
                FactKind::MetricsEndpoint { path },
                call,
                "prometheus_client app mounted",
            );
        }
        "expose"
            if callee(call, src).contains("Instrumentator")
                || ctx.imports_any(&["prometheus_fastapi_instrumentator"]) =>
        {
            let path = kwarg(call, src, "endpoint")
                .and_then(|p| literal(p, src))
                .unwrap_or_else(|| "/metrics".into());
            fact(
                out,
                FactKind::MetricsEndpoint { path },
                call,
                "prometheus-fastapi-instrumentator exposes metrics",
            );
        }
        "PrometheusMetrics" if q.starts_with("prometheus_flask_exporter") => {
            let path = kwarg(call, src, "path")
                .and_then(|p| literal(p, src))
                .unwrap_or_else(|| "/metrics".into());
            fact(
                out,
                FactKind::MetricsEndpoint { path },
                call,
                "prometheus_flask_exporter PrometheusMetrics(app)",
            );
        }
        "start_http_server" if q.starts_with("prometheus_client") => {
            fact(
                out,
                FactKind::MetricsEndpoint {
                    path: "/metrics".into(),
                },
                call,
                "prometheus_client start_http_server (separate port)",
            );
        }
        "DispatcherMiddleware" if ctx.text(call).contains("make_wsgi_app") => {
            let path = find_metrics_key(ctx, call).unwrap_or_else(|| "/metrics".into());
            fact(
                out,
                FactKind::MetricsEndpoint { path },
                call,
                "prometheus_client WSGI app dispatched",
            );
        }
        "configure" if q.starts_with("structlog") => {
            fact(
                out,
                FactKind::HasStructuredLogging,
                call,
                "structlog.configure(...)",
            );
        }
        "JsonFormatter" => {
            fact(
                out,
                FactKind::HasStructuredLogging,
                call,
                "JSON log formatter",
            );
        }
        "add"
            if callee(call, src).ends_with("logger.add")
                && is_true(kwarg(call, src, "serialize")) =>
        {
            fact(
                out,
                FactKind::HasStructuredLogging,
                call,
                "loguru sink with serialize=True",
            );
        }
        "add_middleware" => {
            if let Some(mw) = args(call).first() {
                let t = ctx.text(*mw);
                if t.contains("CorrelationId") || t.contains("RequestId") || t.contains("RequestID")
                {
                    fact(
                        out,
                        FactKind::HasRequestId,
                        call,
                        &format!("{t} registered"),
                    );
                }
                if t.contains("GZip") {
                    // not evidence of anything tracked here
                }
            }
        }
        "RequestID" if q.starts_with("flask_request_id") => {
            fact(
                out,
                FactKind::HasRequestId,
                call,
                "flask-request-id RequestID(app)",
            );
        }
        "set_tracer_provider" if q.starts_with("opentelemetry") => {
            fact(
                out,
                FactKind::HasTracing,
                call,
                "OpenTelemetry tracer provider set",
            );
        }
        "instrument_app" | "instrument"
            if q.contains("Instrumentor") || callee(call, src).contains("Instrumentor") =>
        {
            fact(
                out,
                FactKind::HasTracing,
                call,
                &format!("{} (OpenTelemetry instrumentation)", callee(call, src)),
            );
        }
        "configure_azure_monitor" => {
            fact(
                out,
                FactKind::HasTracing,
                call,
                "Azure Monitor OpenTelemetry distro configured",
            );
        }
        "init" if q.starts_with("sentry_sdk") => sentry(ctx, call, out),
        "init" if q.starts_with("rollbar") => {
            let key = args(call).first().copied();
            error_tracking(ctx, call, key, "rollbar.init", out);
        }
        "configure" if q.starts_with("bugsnag") => {
            let key = kwarg(call, src, "api_key");
            error_tracking(ctx, call, key, "bugsnag.configure", out);
        }
        "add_exception_handler" => {
            fact(
                out,
                FactKind::HasStructuredErrors,
                call,
                "app-wide exception handler registered",
            );
        }
        "register_error_handler" => {
            fact(
                out,
                FactKind::HasStructuredErrors,
                call,
                "Flask error handler registered",
            );
        }
        "add_signal_handler" | "signal" if ctx.text(call).contains("SIGTERM") => {
            fact(
                out,
                FactKind::HasGracefulShutdown,
                call,
                "SIGTERM handler installed",
            );
        }
        "run" | "Config"
            if q.starts_with("uvicorn")
                && kwarg(call, src, "timeout_graceful_shutdown").is_some() =>
        {
            fact(
                out,
                FactKind::HasGracefulShutdown,
                call,
                "uvicorn timeout_graceful_shutdown set",
            );
        }
        _ => {}
    }
    if last == "update"
        && callee(call, src).ends_with("conf.update")
        && CELERY_TIME_SETTINGS
            .iter()
            .any(|k| kwarg(call, src, k).is_some())
    {
        celery_time_limit(out, call, "app.conf.update(task_time_limit=...)");
    }
    if last == "FastAPI" && kwarg(call, src, "lifespan").is_some() {
        fact(
            out,
            FactKind::HasGracefulShutdown,
            call,
            "FastAPI lifespan handler (shutdown after yield)",
        );
    }
}

fn find_metrics_key(ctx: &Ctx<'_>, call: Node<'_>) -> Option<String> {
    let mut found = None;
    syntax::walk(call, |n| {
        if n.kind() == "pair"
            && n.field("value")
                .is_some_and(|v| ctx.text(v).contains("make_wsgi_app"))
        {
            found = n.field("key").and_then(|k| literal(k, ctx.src));
        }
        found.is_none()
    });
    found
}

fn sentry(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let dsn = kwarg(call, ctx.src, "dsn").or_else(|| args(call).first().copied());
    error_tracking(ctx, call, dsn, "sentry_sdk.init", out);
}

/// The DSN/key comes from the environment or settings unless it is a literal; with no DSN
/// argument the Sentry SDK reads `SENTRY_DSN` itself.
fn error_tracking(
    ctx: &Ctx<'_>,
    call: Node<'_>,
    key: Option<Node<'_>>,
    what: &str,
    out: &mut FileCode,
) {
    let literal_key = key
        .and_then(|k| literal(k, ctx.src))
        .filter(|k| !k.is_empty());
    let from_env = literal_key.is_none();
    let detail = match (key, &literal_key) {
        (_, Some(_)) => format!("{what} with a literal DSN/key"),
        (Some(k), None) if env_read(k, ctx.src).is_some() => {
            format!("{what} with its DSN from the environment")
        }
        (Some(k), None) => format!("{what} with its DSN from {}", ctx.text(k)),
        (None, None) => format!("{what} (the SDK reads SENTRY_DSN from the environment)"),
    };
    out.facts.push(Fact {
        secret: literal_key,
        ..Fact::new(
            FactKind::ErrorTracking {
                dsn_from_env: from_env,
            },
            syntax::pos(call),
            detail,
        )
    });
}

fn decorated(ctx: &Ctx<'_>, def: Node<'_>, out: &mut FileCode) {
    for deco in decorators(def) {
        let Some(expr) = decorator_expr(deco) else {
            continue;
        };
        let name = match expr.kind() {
            "call" => callee(expr, ctx.src),
            _ => ctx.text(expr),
        };
        let q = ctx.qualify(name);
        let last = name.rsplit('.').next().unwrap_or(name);
        let fname = function_name(def, ctx.src);
        match last {
            "limit" | "shared_limit" if name.to_ascii_lowercase().contains("limiter") => {
                fact(
                    out,
                    FactKind::HasRateLimiter,
                    deco,
                    &format!("@{name} on {fname}"),
                );
            }
            "ratelimit" => fact(
                out,
                FactKind::HasRateLimiter,
                deco,
                &format!("@ratelimit on {fname}"),
            ),
            "retry"
                if q.starts_with("tenacity")
                    && expr.kind() == "call"
                    && kwarg(expr, ctx.src, "wait").is_some() =>
            {
                fact(
                    out,
                    FactKind::HasRetryBackoff,
                    deco,
                    &format!("tenacity @retry with a wait strategy on {fname}"),
                );
            }
            "on_exception" | "on_predicate" if q.starts_with("backoff") => {
                fact(
                    out,
                    FactKind::HasRetryBackoff,
                    deco,
                    &format!("@backoff.{last} on {fname}"),
                );
            }
            "retry" if q.starts_with("stamina") => {
                fact(
                    out,
                    FactKind::HasRetryBackoff,
                    deco,
                    &format!("stamina @retry on {fname}"),
                );
            }
            "circuit" if q.starts_with("circuitbreaker") => {
                fact(
                    out,
                    FactKind::HasCircuitBreaker,
                    deco,
                    &format!("@circuit on {fname}"),
                );
            }
            "exception_handler" | "errorhandler" | "app_errorhandler" => {
                fact(
                    out,
                    FactKind::HasStructuredErrors,
                    deco,
                    &format!("@{name} renders errors app-wide"),
                );
            }
            "on_event"
                if expr.kind() == "call"
                    && args(expr)
                        .first()
                        .and_then(|a| literal(*a, ctx.src))
                        .is_some_and(|e| e == "shutdown") =>
            {
                fact(
                    out,
                    FactKind::HasGracefulShutdown,
                    deco,
                    &format!("shutdown hook {fname}"),
                );
            }
            "task" | "shared_task" | "actor" => job_task(ctx, expr, &q, name, fname, deco, out),
            "middleware" if expr.kind() == "call" => {
                let body = def
                    .field("body")
                    .map(|b| ctx.text(b).to_ascii_lowercase())
                    .unwrap_or_default();
                if body.contains("x-request-id") || body.contains("x-correlation-id") {
                    fact(
                        out,
                        FactKind::HasRequestId,
                        deco,
                        &format!("middleware {fname} sets a request ID"),
                    );
                }
                if body.contains("content-length") && body.contains('>') {
                    fact(
                        out,
                        FactKind::HasBodySizeLimit,
                        deco,
                        &format!("middleware {fname} rejects large bodies"),
                    );
                }
            }
            _ => {}
        }
    }
}

/// Celery `@app.task(...)`/`@shared_task(...)`, dramatiq `@actor(...)`: limits when a time
/// limit and retries are set on the task.
fn job_task(
    ctx: &Ctx<'_>,
    expr: Node<'_>,
    q: &str,
    name: &str,
    fname: &str,
    deco: Node<'_>,
    out: &mut FileCode,
) {
    // `@shared_task`, `@app.task` with `app = Celery(...)` here or imported from a module
    // named for Celery (`proj/celery_app.py`).
    let celery = q.starts_with("celery.")
        || (name.ends_with(".task")
            && (ctx.imports_any(&["celery"])
                || q.split('.').rev().skip(2).any(|m| m.contains("celery"))));
    let dramatiq = q.starts_with("dramatiq");
    if !celery && !dramatiq {
        return;
    }
    let has = |k: &str| expr.kind() == "call" && kwarg(expr, ctx.src, k).is_some();
    let timeout = has("time_limit") || has("soft_time_limit");
    let retry =
        has("autoretry_for") || has("max_retries") || has("retry_backoff") || has("retry_kwargs");
    let lib = if celery { "Celery" } else { "dramatiq" };
    fact(
        out,
        FactKind::JobQueue {
            limits: timeout && retry,
        },
        deco,
        &format!("{lib} task {fname} {}", limits_detail(timeout, retry)),
    );
}

/// Private hint scope: a project-wide Celery time limit is configured (read by `link`).
pub const CELERY_TIME_LIMIT: &str = "\0pycelery:time-limit";

const CELERY_TIME_SETTINGS: &[&str] = &[
    "task_time_limit",
    "task_soft_time_limit",
    "CELERY_TASK_TIME_LIMIT",
    "CELERY_TASK_SOFT_TIME_LIMIT",
    "CELERYD_TASK_TIME_LIMIT",
];

fn celery_time_limit(out: &mut FileCode, node: Node<'_>, how: &str) {
    out.link_hints.push(LinkHint::Guard {
        scope: CELERY_TIME_LIMIT.into(),
        evidence: how.into(),
        line: syntax::pos(node).line,
    });
}

fn assigned(ctx: &Ctx<'_>, assign: Node<'_>, out: &mut FileCode) {
    let (Some(left), Some(right)) = (assign.field("left"), assign.field("right")) else {
        return;
    };
    let last = ctx.text(left).rsplit('.').next().unwrap_or("");
    if CELERY_TIME_SETTINGS.contains(&last) && right.kind() != "none" {
        celery_time_limit(out, assign, ctx.text(left));
    }
    let target = ctx.text(left);
    if target.ends_with("state.limiter") {
        fact(
            out,
            FactKind::HasRateLimiter,
            assign,
            "slowapi limiter attached to app.state",
        );
    }
    if target.ends_with("MAX_CONTENT_LENGTH") || target.ends_with("[\"MAX_CONTENT_LENGTH\"]") {
        fact(
            out,
            FactKind::HasBodySizeLimit,
            assign,
            "Flask MAX_CONTENT_LENGTH set",
        );
    }
    let text = ctx.text(right);
    if text.contains("pythonjsonlogger") || text.contains("JsonFormatter") {
        fact(
            out,
            FactKind::HasStructuredLogging,
            assign,
            "JSON log formatter configured",
        );
    }
}
