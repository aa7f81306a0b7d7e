//! Wired capabilities: rate limiting, body limits, error handling and recovery, job queues and
//! consumers, DB pools, settings layers, graceful shutdown, metrics, logging, request IDs,
//! tracing, error tracking and idempotency keys. A library counts only where it is called.

use super::Ctx;
use super::ast::{args, callee_object, object_arg, param_names, prop, string_value};
use super::express::{AppKind, app_decls, declared_name};
use crate::model::{FactKind, FileCode};
use crate::syntax::FieldChild;
use crate::syntax::text;
use tree_sitter::Node;

pub fn extract(ctx: &Ctx<'_>, out: &mut FileCode) {
    rate_limit(ctx, out);
    frameworks(ctx, out);
    queues(ctx, out);
    pools(ctx, out);
    observability(ctx, out);
    for &call in &ctx.calls {
        let callee = ctx.callee_path(call).unwrap_or_default();
        let name = ctx.callee_name(call).unwrap_or("");
        match name {
            "convict" if ctx.module.uses("convict") => fact(
                ctx,
                out,
                FactKind::HasSettingsLayer,
                call,
                "convict schema with env bindings and per-environment files",
            ),
            "forRoot" if callee == "ConfigModule.forRoot" => fact(
                ctx,
                out,
                FactKind::HasSettingsLayer,
                call,
                "@nestjs/config ConfigModule",
            ),
            "cleanEnv" if ctx.module.uses("envalid") => fact(
                ctx,
                out,
                FactKind::HasSettingsLayer,
                call,
                "envalid validates the environment at start-up",
            ),
            "createEnv"
                if ctx.module.uses("@t3-oss/env-nextjs") || ctx.module.uses("@t3-oss/env-core") =>
            {
                fact(
                    ctx,
                    out,
                    FactKind::HasSettingsLayer,
                    call,
                    "@t3-oss/env schema for the environment",
                )
            }
            "parse" | "safeParse"
                if args(call)
                    .first()
                    .is_some_and(|a| text(*a, ctx.src) == "process.env") =>
            {
                fact(
                    ctx,
                    out,
                    FactKind::HasSettingsLayer,
                    call,
                    "the environment is parsed through one schema",
                )
            }
            "on" | "once" if callee.starts_with("process.") => shutdown(ctx, call, out),
            "enableShutdownHooks" => fact(
                ctx,
                out,
                FactKind::HasGracefulShutdown,
                call,
                "NestJS shutdown hooks close the app on SIGTERM",
            ),
            "createTerminus" => fact(
                ctx,
                out,
                FactKind::HasGracefulShutdown,
                call,
                "@godaddy/terminus drains the server on SIGTERM",
            ),
            "createHttpTerminator" => fact(
                ctx,
                out,
                FactKind::HasGracefulShutdown,
                call,
                "http-terminator drains connections on shutdown",
            ),
            "setErrorHandler" => fact(
                ctx,
                out,
                FactKind::HasStructuredErrors,
                call,
                "Fastify setErrorHandler renders every error in one format",
            ),
            "useGlobalFilters" => fact(
                ctx,
                out,
                FactKind::HasStructuredErrors,
                call,
                "NestJS global exception filter",
            ),
            "get" | "header" | "getHeader" => header_reads(ctx, call, out),
            "limit"
                if ctx.module.uses("@upstash/ratelimit")
                    || ctx.module.uses("rate-limiter-flexible") =>
            {
                fact(
                    ctx,
                    out,
                    FactKind::HasRateLimiter,
                    call,
                    "requests are counted against a rate limit in the handler",
                )
            }
            "consume" if ctx.module.uses("rate-limiter-flexible") => fact(
                ctx,
                out,
                FactKind::HasRateLimiter,
                call,
                "rate-limiter-flexible consumes a point per request",
            ),
            _ => {}
        }
    }
    for n in ctx
        .index
        .of_kinds(ctx.root, &["subscript_expression", "decorator"])
    {
        match n.kind() {
            "subscript_expression" => {
                if let Some(index) = n.field("index").and_then(|i| string_value(i, ctx.src)) {
                    header_key(ctx, n, &index, out);
                }
            }
            "decorator" => {
                let t = text(n, ctx.src);
                if t.starts_with("@Catch(") {
                    fact(
                        ctx,
                        out,
                        FactKind::HasStructuredErrors,
                        n,
                        "NestJS exception filter renders errors in one shape",
                    );
                }
                if t.starts_with("@Headers(") && t.to_ascii_lowercase().contains("idempotency-key")
                {
                    fact(
                        ctx,
                        out,
                        FactKind::HasIdempotencyKey,
                        n,
                        "the handler reads the Idempotency-Key header",
                    );
                }
            }
            _ => {}
        }
    }
}

fn fact(ctx: &Ctx<'_>, out: &mut FileCode, kind: FactKind, at: Node<'_>, detail: &str) {
    ctx.fact(out, kind, at, detail);
}

/// `app.use(limiter)` where `limiter = rateLimit({...})`, `app.use(rateLimit(...))`,
/// `fastify.register(rateLimit)`, `ThrottlerGuard` / `ThrottlerModule`.
fn rate_limit(ctx: &Ctx<'_>, out: &mut FileCode) {
    let packages = [
        "express-rate-limit",
        "express-slow-down",
        "rate-limiter-flexible",
        "@fastify/rate-limit",
        "fastify-rate-limit",
        "koa-ratelimit",
    ];
    let locals: Vec<&str> = packages
        .iter()
        .flat_map(|p| ctx.module.locals_of(p))
        .map(|i| i.local.as_str())
        .collect();
    let mut limiter_vars: Vec<String> = Vec::new();
    for &call in &ctx.calls {
        let callee = ctx.callee_path(call).unwrap_or_default();
        if locals.contains(&callee)
            && let Some(var) = declared_name(ctx, call)
        {
            limiter_vars.push(var.to_string());
        }
    }
    for &call in &ctx.calls {
        let name = ctx.callee_name(call).unwrap_or("");
        let wired = match name {
            "use" | "register" => args(call).iter().any(|a| {
                let t = text(*a, ctx.src);
                let head = t.split('(').next().unwrap_or(t);
                locals.contains(&head)
                    || limiter_vars.iter().any(|v| v == t)
                    || super::module::require_source(*a, ctx.src)
                        .is_some_and(|s| s.contains("rate-limit"))
            }),
            m if super::express::METHODS.contains(&m) => {
                let a = args(call);
                a.len() > 2
                    && a[1..a.len() - 1]
                        .iter()
                        .any(|x| limiter_vars.iter().any(|v| v == text(*x, ctx.src)))
            }
            "forRoot" => ctx.callee_path(call) == Some("ThrottlerModule.forRoot"),
            _ => false,
        };
        if wired {
            fact(
                ctx,
                out,
                FactKind::HasRateLimiter,
                call,
                "a rate limiter is attached to the app or route",
            );
        }
    }
}

/// Framework defaults and app-wide error handling: body limits, recovery, structured errors.
fn frameworks(ctx: &Ctx<'_>, out: &mut FileCode) {
    let decls = app_decls(ctx);
    for &call in &ctx.calls {
        let callee = ctx.callee_path(call).unwrap_or_default();
        let name = ctx.callee_name(call).unwrap_or("");
        if let Some(var) = declared_name(ctx, call)
            && let Some(app) = decls.get(var)
            && app.kind == AppKind::Root
        {
            match app.framework {
                "express" => fact(
                    ctx,
                    out,
                    FactKind::HasRecoveryMiddleware,
                    call,
                    "Express's default error handler turns errors thrown in handlers into 500 responses",
                ),
                "fastify" => {
                    let options = object_arg(call, 0);
                    let limit = options.and_then(|o| prop(o, "bodyLimit", ctx.src));
                    let detail = match limit {
                        Some(l) => format!("Fastify bodyLimit {}", text(l, ctx.src)),
                        None => {
                            "Fastify limits request bodies to 1 MiB by default (bodyLimit)".into()
                        }
                    };
                    ctx.fact(out, FactKind::HasBodySizeLimit, call, detail);
                    fact(
                        ctx,
                        out,
                        FactKind::HasRecoveryMiddleware,
                        call,
                        "Fastify catches errors thrown in handlers and answers 500",
                    );
                    fact(
                        ctx,
                        out,
                        FactKind::HasStructuredErrors,
                        call,
                        "Fastify answers errors as JSON {statusCode, error, message}",
                    );
                    fact(
                        ctx,
                        out,
                        FactKind::HasRequestId,
                        call,
                        "Fastify assigns request.id to every request and logs it",
                    );
                    if options
                        .and_then(|o| prop(o, "logger", ctx.src))
                        .is_some_and(|l| l.kind() != "false")
                    {
                        fact(
                            ctx,
                            out,
                            FactKind::HasStructuredLogging,
                            call,
                            "Fastify's pino logger writes JSON lines",
                        );
                    }
                }
                "koa" => fact(
                    ctx,
                    out,
                    FactKind::HasRecoveryMiddleware,
                    call,
                    "Koa catches errors thrown in middleware and answers 500 (ctx.onerror)",
                ),
                _ => {}
            }
        }
        match (callee, name) {
            (
                "express.json"
                | "bodyParser.json"
                | "express.urlencoded"
                | "bodyParser.urlencoded"
                | "express.text"
                | "express.raw",
                _,
            ) => {
                let limit = object_arg(call, 0).and_then(|o| prop(o, "limit", ctx.src));
                let detail = match limit {
                    Some(l) => format!("{callee} limits bodies to {}", text(l, ctx.src)),
                    None => format!("{callee}() applies body-parser's default 100kb limit"),
                };
                ctx.fact(out, FactKind::HasBodySizeLimit, call, detail);
            }
            ("NestFactory.create", _) => {
                fact(
                    ctx,
                    out,
                    FactKind::HasBodySizeLimit,
                    call,
                    "NestJS parses bodies with body-parser's default 100kb limit",
                );
                fact(
                    ctx,
                    out,
                    FactKind::HasRecoveryMiddleware,
                    call,
                    "NestJS's exception layer turns errors thrown in handlers into responses",
                );
                fact(
                    ctx,
                    out,
                    FactKind::HasStructuredErrors,
                    call,
                    "NestJS answers errors as JSON {statusCode, message}",
                );
            }
            (_, "use") => {
                for a in args(call) {
                    if matches!(
                        a.kind(),
                        "arrow_function" | "function_expression" | "function" | "identifier"
                    ) {
                        error_middleware(ctx, a, out);
                    }
                }
            }
            _ => {}
        }
    }
    exported_error_handlers(ctx, out);
    if ctx.module.uses("express-async-errors") {
        fact(
            ctx,
            out,
            FactKind::HasRecoveryMiddleware,
            ctx.root,
            "express-async-errors routes rejected promises to the error handler",
        );
    }
}

/// A 4-parameter Express error handler: recovery, and structured errors when it answers JSON.
fn error_middleware(ctx: &Ctx<'_>, node: Node<'_>, out: &mut FileCode) {
    let function = match node.kind() {
        "identifier" => super::express::local_function(ctx, text(node, ctx.src)),
        _ => Some(node),
    };
    let Some(function) = function else {
        return;
    };
    if param_names(function, ctx.src).len() != 4 {
        return;
    }
    fact(
        ctx,
        out,
        FactKind::HasRecoveryMiddleware,
        node,
        "Express error-handling middleware",
    );
    if text(function, ctx.src).contains(".json(") {
        fact(
            ctx,
            out,
            FactKind::HasStructuredErrors,
            node,
            "one error-handling middleware renders every error as JSON",
        );
    }
}

/// `process.on("SIGTERM", () => server.close(...))`.
fn shutdown(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let a = args(call);
    let signal = a
        .first()
        .and_then(|s| string_value(*s, ctx.src))
        .unwrap_or_default();
    if signal != "SIGTERM" && signal != "SIGINT" {
        return;
    }
    let Some(handler) = a.get(1) else {
        return;
    };
    let body = match handler.kind() {
        "identifier" => super::express::local_function(ctx, text(*handler, ctx.src))
            .map_or(text(*handler, ctx.src), |f| text(f, ctx.src)),
        _ => text(*handler, ctx.src),
    };
    let lower = body.to_ascii_lowercase();
    if [
        "close(",
        "shutdown",
        "stop(",
        "drain",
        "terminate",
        "disconnect(",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        ctx.fact(
            out,
            FactKind::HasGracefulShutdown,
            call,
            format!("{signal} handler closes the server and connections before exiting"),
        );
    }
}

/// BullMQ/Bull queues and workers, amqplib and kafkajs consumers.
fn queues(ctx: &Ctx<'_>, out: &mut FileCode) {
    let bull = ctx.module.uses("bullmq") || ctx.module.uses("bull");
    let file_text = text(ctx.root, ctx.src);
    let dead_letter = {
        let lower = file_text.to_ascii_lowercase();
        lower.contains("deadletter")
            || lower.contains("dead-letter")
            || lower.contains("dlq")
            || lower.contains("dead_letter")
    };
    for &call in &ctx.calls {
        let callee = ctx.callee_path(call).unwrap_or_default();
        let name = ctx.callee_name(call).unwrap_or("");
        if bull && call.kind() == "new_expression" && matches!(name, "Queue" | "Bull") {
            let var = declared_name(ctx, call).unwrap_or("");
            let defaults = args(call)
                .into_iter()
                .find(|a| a.kind() == "object")
                .and_then(|o| prop(o, "defaultJobOptions", ctx.src));
            let default_attempts = defaults.is_some_and(|d| prop(d, "attempts", ctx.src).is_some());
            let adds: Vec<Node<'_>> = ctx
                .calls_named("add")
                .filter(|c| callee_object(*c).is_some_and(|o| text(o, ctx.src) == var))
                .collect();
            let every_add_limited = !adds.is_empty()
                && adds.iter().all(|c| {
                    args(*c)
                        .get(2)
                        .is_some_and(|o| prop(*o, "attempts", ctx.src).is_some())
                });
            let limits = default_attempts || every_add_limited;
            let detail = if limits {
                "BullMQ queue with attempts and backoff for its jobs"
            } else {
                "BullMQ queue without attempts/backoff: a failed job is never retried"
            };
            ctx.fact(out, FactKind::JobQueue { limits }, call, detail);
        } else if bull && call.kind() == "new_expression" && name == "Worker" {
            let var = declared_name(ctx, call).unwrap_or("");
            let on_failed = ctx.calls_named("on").any(|c| {
                callee_object(c).is_some_and(|o| text(o, ctx.src) == var)
                    && args(c)
                        .first()
                        .and_then(|a| string_value(*a, ctx.src))
                        .as_deref()
                        == Some("failed")
            });
            let detail = if on_failed {
                "BullMQ worker handles failed jobs (kept in the failed set for replay)"
            } else {
                "BullMQ worker with no failed-job handling"
            };
            ctx.fact(
                out,
                FactKind::QueueConsumer {
                    retry_dlq: on_failed,
                },
                call,
                detail,
            );
        } else if name == "consume" && ctx.module.uses("amqplib") {
            let detail = if dead_letter {
                "RabbitMQ consumer with a dead-letter exchange"
            } else {
                "RabbitMQ consumer without a dead-letter exchange: poison messages loop or are lost"
            };
            ctx.fact(
                out,
                FactKind::QueueConsumer {
                    retry_dlq: dead_letter,
                },
                call,
                detail,
            );
        } else if name == "run" && ctx.module.uses("kafkajs") && callee.ends_with("consumer.run") {
            let detail = if dead_letter {
                "Kafka consumer forwards failed messages to a dead-letter topic"
            } else {
                "Kafka consumer without a dead-letter topic"
            };
            ctx.fact(
                out,
                FactKind::QueueConsumer {
                    retry_dlq: dead_letter,
                },
                call,
                detail,
            );
        }
    }
}

/// pg, mysql2, knex, sequelize and mongoose pools (all bounded by default, unless unlimited).
fn pools(ctx: &Ctx<'_>, out: &mut FileCode) {
    for &call in &ctx.calls {
        let callee = ctx.callee_path(call).unwrap_or_default();
        let name = ctx.callee_name(call).unwrap_or("");
        let options = args(call).into_iter().rev().find(|a| a.kind() == "object");
        let get = |key: &str| {
            options
                .and_then(|o| prop(o, key, ctx.src))
                .map(|v| text(v, ctx.src))
        };
        let (bounded, detail) = if name == "Pool"
            && call.kind() == "new_expression"
            && ctx.module.uses("pg")
        {
            match get("max") {
                Some("0") | Some("Infinity") => (false, "pg Pool with no maximum size".to_string()),
                Some(m) => (true, format!("pg Pool bounded at max {m}")),
                None => (true, "pg Pool (default max 10 connections)".to_string()),
            }
        } else if name == "createPool" && (ctx.module.uses("mysql2") || ctx.module.uses("mysql")) {
            match get("connectionLimit") {
                Some("0") => (
                    false,
                    "mysql pool with connectionLimit 0 (unlimited connections)".to_string(),
                ),
                Some(m) => (true, format!("mysql pool bounded at connectionLimit {m}")),
                None => (true, "mysql pool (default connectionLimit 10)".to_string()),
            }
        } else if call.kind() == "new_expression" && name == "Sequelize" {
            (
                true,
                "Sequelize pool (default max 5 connections)".to_string(),
            )
        } else if callee == "knex" || (name == "knex" && ctx.module.uses("knex")) {
            (true, "knex pool (default min 2, max 10)".to_string())
        } else {
            continue;
        };
        ctx.fact(out, FactKind::DbPool { bounded }, call, detail);
    }
}

/// Metrics, logging, request IDs, tracing and error tracking.
fn observability(ctx: &Ctx<'_>, out: &mut FileCode) {
    let prom = ctx.module.uses("prom-client");
    for &call in &ctx.calls {
        let callee = ctx.callee_path(call).unwrap_or_default();
        let name = ctx.callee_name(call).unwrap_or("");
        match name {
            "get" if prom => {
                let a = args(call);
                if let Some(path) = a.first().and_then(|p| string_value(*p, ctx.src))
                    && path.ends_with("metrics")
                    && a.len() >= 2
                {
                    ctx.fact(
                        out,
                        FactKind::MetricsEndpoint { path: path.clone() },
                        call,
                        format!("prom-client registry served at {path}"),
                    );
                }
            }
            _ if ctx
                .module
                .locals_of("express-prom-bundle")
                .any(|i| i.local == callee) =>
            {
                let path = object_arg(call, 0)
                    .and_then(|o| prop(o, "metricsPath", ctx.src))
                    .and_then(|p| string_value(p, ctx.src))
                    .unwrap_or_else(|| "/metrics".into());
                ctx.fact(
                    out,
                    FactKind::MetricsEndpoint { path: path.clone() },
                    call,
                    format!("express-prom-bundle serves metrics at {path}"),
                );
            }
            "register" if callee == "PrometheusModule.register" => {
                let path = object_arg(call, 0)
                    .and_then(|o| prop(o, "path", ctx.src))
                    .and_then(|p| string_value(p, ctx.src))
                    .unwrap_or_else(|| "/metrics".into());
                ctx.fact(
                    out,
                    FactKind::MetricsEndpoint { path: path.clone() },
                    call,
                    format!("@willsoto/nestjs-prometheus serves metrics at {path}"),
                );
            }
            "register"
                if args(call).first().is_some_and(|a| {
                    text(*a, ctx.src).contains("fastify-metrics")
                        || ctx
                            .module
                            .locals_of("fastify-metrics")
                            .any(|i| i.local == text(*a, ctx.src))
                }) =>
            {
                let path = args(call)
                    .get(1)
                    .and_then(|o| prop(*o, "endpoint", ctx.src))
                    .and_then(|p| string_value(p, ctx.src))
                    .unwrap_or_else(|| "/metrics".into());
                ctx.fact(
                    out,
                    FactKind::MetricsEndpoint { path: path.clone() },
                    call,
                    format!("fastify-metrics serves metrics at {path}"),
                );
            }
            _ => {}
        }
        logging(ctx, call, callee, name, out);
        tracing(ctx, call, callee, name, out);
        error_tracking(ctx, call, callee, name, out);
    }
    for package in [
        "express-request-id",
        "cls-rtracer",
        "express-correlation-id",
        "correlation-id",
    ] {
        for import in ctx.module.locals_of(package) {
            let used = ctx.calls.iter().find(|c| {
                ctx.callee_path(**c) == Some(import.local.as_str())
                    || text(**c, ctx.src).starts_with(&format!("{}.", import.local))
            });
            if let Some(call) = used {
                ctx.fact(
                    out,
                    FactKind::HasRequestId,
                    *call,
                    format!("{package} assigns a request ID to every request"),
                );
            }
        }
    }
}

fn logging(ctx: &Ctx<'_>, call: Node<'_>, callee: &str, name: &str, out: &mut FileCode) {
    let pino = ctx
        .module
        .locals_of("pino")
        .chain(ctx.module.locals_of("pino-http"))
        .any(|i| i.local == callee);
    if pino {
        fact(
            ctx,
            out,
            FactKind::HasStructuredLogging,
            call,
            "pino writes JSON log lines",
        );
        if ctx.module.uses("pino-http") && text(call, ctx.src).contains("genReqId") {
            fact(
                ctx,
                out,
                FactKind::HasRequestId,
                call,
                "pino-http genReqId tags every request with an ID",
            );
        }
        return;
    }
    if callee == "LoggerModule.forRoot" && ctx.module.uses("nestjs-pino") {
        fact(
            ctx,
            out,
            FactKind::HasStructuredLogging,
            call,
            "nestjs-pino writes JSON log lines",
        );
        return;
    }
    if name == "createLogger" && ctx.module.uses("winston") {
        let options = text(call, ctx.src);
        if options.contains("json()") || options.contains("logstash()") {
            fact(
                ctx,
                out,
                FactKind::HasStructuredLogging,
                call,
                "winston logger with a JSON format",
            );
        }
        return;
    }
    if name == "createLogger" && ctx.module.uses("bunyan") {
        fact(
            ctx,
            out,
            FactKind::HasStructuredLogging,
            call,
            "bunyan writes JSON log lines",
        );
    }
}

fn tracing(ctx: &Ctx<'_>, call: Node<'_>, callee: &str, name: &str, out: &mut FileCode) {
    match name {
        "start" if ctx.module.uses("@opentelemetry/sdk-node") => {
            let object = callee_object(call).map_or("", |o| text(o, ctx.src));
            let is_sdk = object.contains("NodeSDK")
                || ctx.calls.iter().any(|c| {
                    c.kind() == "new_expression"
                        && ctx.callee_name(*c) == Some("NodeSDK")
                        && declared_name(ctx, *c) == Some(object)
                });
            if is_sdk {
                fact(
                    ctx,
                    out,
                    FactKind::HasTracing,
                    call,
                    "OpenTelemetry NodeSDK started",
                );
            }
        }
        "register"
            if callee.ends_with("provider.register")
                && ctx.module.uses("@opentelemetry/sdk-trace-node") =>
        {
            fact(
                ctx,
                out,
                FactKind::HasTracing,
                call,
                "OpenTelemetry tracer provider registered",
            );
        }
        "registerOTel" => fact(
            ctx,
            out,
            FactKind::HasTracing,
            call,
            "@vercel/otel registerOTel initialises OpenTelemetry",
        ),
        "init" if ctx.module.uses("dd-trace") => {
            fact(ctx, out, FactKind::HasTracing, call, "dd-trace initialised")
        }
        _ => {}
    }
}

fn error_tracking(ctx: &Ctx<'_>, call: Node<'_>, callee: &str, name: &str, out: &mut FileCode) {
    let sentry = [
        "@sentry/node",
        "@sentry/nextjs",
        "@sentry/nestjs",
        "@sentry/serverless",
        "@sentry/bun",
    ]
    .iter()
    .any(|p| ctx.module.uses(p));
    let (key, what) = match name {
        "init" if sentry && (callee.ends_with("Sentry.init") || callee == "init") => {
            ("dsn", "Sentry")
        }
        "Rollbar" if call.kind() == "new_expression" => ("accessToken", "Rollbar"),
        "start" if callee == "Bugsnag.start" => ("apiKey", "Bugsnag"),
        _ => return,
    };
    let options = object_arg(call, 0);
    let value = options.and_then(|o| prop(o, key, ctx.src));
    let (from_env, detail) = match value {
        None if what == "Sentry" => (
            true,
            "Sentry initialised; the DSN comes from the SENTRY_DSN environment variable"
                .to_string(),
        ),
        None => (false, format!("{what} initialised without a {key}")),
        Some(v) if string_value(v, ctx.src).is_some() => (
            false,
            format!("{what} initialised with a literal {key} in code"),
        ),
        Some(v) => (
            true,
            format!("{what} initialised with {key} from `{}`", text(v, ctx.src)),
        ),
    };
    let mut fact = crate::model::Fact::new(
        FactKind::ErrorTracking {
            dsn_from_env: from_env,
        },
        crate::syntax::pos(call),
        detail,
    );
    if !from_env {
        fact.secret = value.and_then(|v| string_value(v, ctx.src));
    }
    out.facts.push(fact);
}

/// `req.get("Idempotency-Key")`, `req.header("X-Request-Id")`.
fn header_reads(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    if let Some(key) = args(call).first().and_then(|a| string_value(*a, ctx.src)) {
        header_key(ctx, call, &key, out);
    }
}

fn header_key(ctx: &Ctx<'_>, at: Node<'_>, key: &str, out: &mut FileCode) {
    match key.to_ascii_lowercase().as_str() {
        "idempotency-key" | "x-idempotency-key" => fact(
            ctx,
            out,
            FactKind::HasIdempotencyKey,
            at,
            "the Idempotency-Key header is read to deduplicate requests",
        ),
        "x-request-id" | "x-correlation-id" | "request-id" | "x-trace-id" => fact(
            ctx,
            out,
            FactKind::HasRequestId,
            at,
            "the request ID header is read and propagated",
        ),
        _ => {}
    }
}

/// `module.exports = { errorHandler }` with `function errorHandler(err, req, res, next)`: an
/// error middleware defined in its own module and mounted from the app file.
fn exported_error_handlers(ctx: &Ctx<'_>, out: &mut FileCode) {
    for (local, _) in ctx.module.exports.iter() {
        let Some(function) = super::express::local_function(ctx, local) else {
            continue;
        };
        let params = param_names(function, ctx.src);
        let first = params
            .first()
            .map(|p| p.to_ascii_lowercase())
            .unwrap_or_default();
        if params.len() != 4
            || !(first.starts_with("err") || first == "e" || first.starts_with("exception"))
        {
            continue;
        }
        fact(
            ctx,
            out,
            FactKind::HasRecoveryMiddleware,
            function,
            "Express error-handling middleware",
        );
        if text(function, ctx.src).contains(".json(") {
            ctx.fact(
                out,
                FactKind::HasStructuredErrors,
                function,
                format!("error-handling middleware `{local}` renders every error as JSON"),
            );
        }
    }
}
