//! Capabilities wired into a Go service: rate limiting, body limits, panic recovery, graceful
//! shutdown, metrics, structured logging, request IDs, tracing, error tracking, job queues,
//! consumers, WebSockets, database pools, settings layers, structured errors, idempotency keys
//! and request validation.

use super::ast::{Call, Ctx, composite_type, keyed_fields, string_value};
use crate::model::{Fact, FactKind, FileCode, Pos};
use crate::syntax::FieldChild;
use crate::syntax::pos;
use tree_sitter::Node;

pub fn extract(ctx: &Ctx<'_>, calls: &[Node<'_>], composites: &[Node<'_>], out: &mut FileCode) {
    let file = std::str::from_utf8(ctx.src).unwrap_or("");
    let mut facts = Vec::new();
    let mut sentry_facts = Vec::new();
    let mut add = |kind: FactKind, at: Pos, detail: &str| facts.push(Fact::new(kind, at, detail));
    for &node in calls {
        let Some(call) = Call::of(node, ctx.src) else {
            continue;
        };
        let pkg = call.recv.and_then(|r| ctx.package_of(r)).unwrap_or("");
        let at = call.pos();
        match (pkg, call.name) {
            // --- rate limiting ---
            (p, "NewLimiter")
                if p == "golang.org/x/time/rate"
                    && (file.contains("StatusTooManyRequests") || file.contains("429")) =>
            {
                add(
                    FactKind::HasRateLimiter,
                    at,
                    "golang.org/x/time/rate limiter answering 429",
                );
            }
            (p, _) if p.starts_with("github.com/go-chi/httprate") => {
                add(
                    FactKind::HasRateLimiter,
                    at,
                    "httprate rate limiter middleware",
                );
            }
            (p, n) if p.starts_with("github.com/didip/tollbooth") && n.starts_with("Limit") => {
                add(FactKind::HasRateLimiter, at, "tollbooth rate limiter");
            }
            (p, "New") if p.starts_with("github.com/gofiber/fiber") && p.ends_with("/limiter") => {
                add(FactKind::HasRateLimiter, at, "fiber limiter middleware");
            }
            (p, "RateLimiter" | "RateLimiterWithConfig")
                if p.starts_with("github.com/labstack/echo") =>
            {
                add(FactKind::HasRateLimiter, at, "echo RateLimiter middleware");
            }
            (p, _) if p.starts_with("github.com/ulule/limiter") && call.name.starts_with("New") => {
                add(FactKind::HasRateLimiter, at, "ulule/limiter rate limiter");
            }
            // --- CORS defaults that allow every origin ---
            (p, "AllowAll" | "Default")
                if p.starts_with("github.com/rs/cors")
                    || p.starts_with("github.com/gin-contrib/cors") =>
            {
                add(
                    FactKind::CorsPolicy {
                        origins: crate::model::Value::List(vec!["*".into()]),
                        credentials: false,
                    },
                    at,
                    "CORS defaults allow every origin",
                );
            }
            (p, "CORS")
                if p.starts_with("github.com/labstack/echo") && p.ends_with("/middleware") =>
            {
                add(
                    FactKind::CorsPolicy {
                        origins: crate::model::Value::List(vec!["*".into()]),
                        credentials: false,
                    },
                    at,
                    "echo CORS() defaults to every origin",
                );
            }
            (p, "New")
                if p.starts_with("github.com/gofiber/fiber")
                    && p.ends_with("/middleware/cors")
                    && call.args().is_empty() =>
            {
                add(
                    FactKind::CorsPolicy {
                        origins: crate::model::Value::List(vec!["*".into()]),
                        credentials: false,
                    },
                    at,
                    "fiber cors.New() defaults to every origin",
                );
            }
            // --- body size ---
            ("net/http", "MaxBytesReader" | "MaxBytesHandler") => {
                add(
                    FactKind::HasBodySizeLimit,
                    at,
                    "request bodies capped with http.MaxBytesReader",
                );
            }
            (p, "RequestSize") if p.starts_with("github.com/go-chi/chi") => {
                add(
                    FactKind::HasBodySizeLimit,
                    at,
                    "chi RequestSize middleware caps request bodies",
                );
            }
            (p, "BodyLimit") if p.starts_with("github.com/labstack/echo") => {
                add(FactKind::HasBodySizeLimit, at, "echo BodyLimit middleware");
            }
            (p, "New")
                if p.starts_with("github.com/gofiber/fiber") && !p.contains("/middleware") =>
            {
                add(
                    FactKind::HasBodySizeLimit,
                    at,
                    "fiber limits request bodies (4 MiB by default, `BodyLimit` in fiber.Config)",
                );
            }
            // --- recovery ---
            (p, "Default") if p.starts_with("github.com/gin-gonic/gin") => {
                add(
                    FactKind::HasRecoveryMiddleware,
                    at,
                    "gin.Default() includes the Recovery middleware",
                );
            }
            (p, "Recovery" | "CustomRecovery" | "RecoveryWithWriter")
                if p.starts_with("github.com/gin-gonic/gin") =>
            {
                add(
                    FactKind::HasRecoveryMiddleware,
                    at,
                    "gin Recovery middleware",
                );
            }
            (p, "Recover" | "RecoverWithConfig") if p.starts_with("github.com/labstack/echo") => {
                add(
                    FactKind::HasRecoveryMiddleware,
                    at,
                    "echo Recover middleware",
                );
            }
            (p, "New") if p.starts_with("github.com/gofiber/fiber") && p.ends_with("/recover") => {
                add(
                    FactKind::HasRecoveryMiddleware,
                    at,
                    "fiber recover middleware",
                );
            }
            (p, "RecoveryHandler") if p.starts_with("github.com/gorilla/handlers") => {
                add(
                    FactKind::HasRecoveryMiddleware,
                    at,
                    "gorilla RecoveryHandler",
                );
            }
            ("net/http", "ListenAndServe" | "ListenAndServeTLS" | "Serve") => {
                add(
                    FactKind::HasRecoveryMiddleware,
                    at,
                    "net/http recovers a panicking handler per request (the connection is closed, the server keeps serving)",
                );
            }
            // --- graceful shutdown ---
            ("os/signal", "NotifyContext" | "Notify")
                if (file.contains(".Shutdown(")
                    || file.contains(".ShutdownWithContext(")
                    || file.contains(".ShutdownWithTimeout(")) =>
            {
                add(
                    FactKind::HasGracefulShutdown,
                    at,
                    "signals trigger a server Shutdown that drains requests",
                );
            }
            // --- metrics ---
            (p, "NewPrometheus")
                if p.contains("ginprometheus") || p.contains("go-gin-prometheus") =>
            {
                add(
                    FactKind::MetricsEndpoint {
                        path: "/metrics".into(),
                    },
                    at,
                    "gin-prometheus serves /metrics",
                );
            }
            (p, "RegisterAt") if p.contains("fiberprometheus") => {
                let path = call
                    .arg(1)
                    .and_then(|a| string_value(a, ctx.src))
                    .unwrap_or_else(|| "/metrics".into());
                add(
                    FactKind::MetricsEndpoint { path: path.clone() },
                    at,
                    &format!("fiberprometheus serves {path}"),
                );
            }
            // --- logging ---
            ("log/slog", "NewJSONHandler") => {
                add(FactKind::HasStructuredLogging, at, "slog JSON handler")
            }
            ("go.uber.org/zap", "NewProduction" | "NewProductionConfig") => add(
                FactKind::HasStructuredLogging,
                at,
                "zap production (JSON) logger",
            ),
            (p, "New")
                if p.starts_with("github.com/rs/zerolog")
                    && !call
                        .args()
                        .iter()
                        .any(|a| ctx.text(*a).contains("ConsoleWriter")) =>
            {
                add(FactKind::HasStructuredLogging, at, "zerolog JSON logger");
            }
            (p, "SetFormatter")
                if p.starts_with("github.com/sirupsen/logrus")
                    && call
                        .args()
                        .iter()
                        .any(|a| ctx.text(*a).contains("JSONFormatter")) =>
            {
                add(FactKind::HasStructuredLogging, at, "logrus JSON formatter");
            }
            // --- request id ---
            (p, "RequestID" | "RequestIDWithConfig")
                if p.starts_with("github.com/go-chi/chi")
                    || p.starts_with("github.com/labstack/echo") =>
            {
                add(FactKind::HasRequestId, at, "request ID middleware");
            }
            (p, "New") if p.contains("requestid") => {
                add(FactKind::HasRequestId, at, "request ID middleware")
            }
            // --- tracing ---
            (p, "NewTracerProvider") if p.starts_with("go.opentelemetry.io/otel/sdk/trace") => {
                add(
                    FactKind::HasTracing,
                    at,
                    "OpenTelemetry TracerProvider created",
                );
            }
            // --- error tracking ---
            (p, "Init") if p.starts_with("github.com/getsentry/sentry-go") => {
                sentry_facts.extend(sentry(ctx, call))
            }
            (p, "SetToken") if p.starts_with("github.com/rollbar/rollbar-go") => {
                let env = call
                    .arg(0)
                    .is_some_and(|a| string_value(a, ctx.src).is_none());
                add(
                    FactKind::ErrorTracking { dsn_from_env: env },
                    at,
                    "Rollbar initialised",
                );
            }
            // --- job queues and consumers ---
            (p, "NewTask") if p.starts_with("github.com/hibiken/asynq") => {
                let limits = asynq_limits(file);
                add(
                    FactKind::JobQueue { limits },
                    at,
                    if limits {
                        "asynq task with MaxRetry/Timeout options"
                    } else {
                        "asynq task without MaxRetry/Timeout options"
                    },
                );
            }
            (p, "NewReader") if p.starts_with("github.com/segmentio/kafka-go") => {
                consumer(file, at, "kafka-go reader", &mut add)
            }
            (p, "NewConsumerGroup" | "NewConsumer") if p.contains("sarama") => {
                consumer(file, at, "sarama consumer", &mut add)
            }
            (p, "Subscribe" | "QueueSubscribe") if p.starts_with("github.com/nats-io") => {
                consumer(file, at, "NATS subscription", &mut add)
            }
            // --- database pools ---
            ("database/sql", "Open") | (_, "Open")
                if pkg == "github.com/jmoiron/sqlx" || pkg == "database/sql" =>
            {
                let bounded = file.contains("SetMaxOpenConns(");
                add(
                    FactKind::DbPool { bounded },
                    at,
                    if bounded {
                        "sql.DB pool bounded with SetMaxOpenConns"
                    } else {
                        "sql.DB opened without SetMaxOpenConns (unbounded connections)"
                    },
                );
            }
            ("github.com/jmoiron/sqlx", "Connect" | "MustConnect") => {
                let bounded = file.contains("SetMaxOpenConns(");
                add(
                    FactKind::DbPool { bounded },
                    at,
                    if bounded {
                        "sqlx pool bounded with SetMaxOpenConns"
                    } else {
                        "sqlx pool opened without SetMaxOpenConns (unbounded connections)"
                    },
                );
            }
            (p, "New" | "NewWithConfig" | "Connect" | "ConnectConfig")
                if p.starts_with("github.com/jackc/pgx") && p.ends_with("pgxpool") =>
            {
                add(
                    FactKind::DbPool { bounded: true },
                    at,
                    "pgxpool (bounded: MaxConns defaults to max(4, CPUs))",
                );
            }
            // --- settings layers ---
            (p, "ReadInConfig" | "AutomaticEnv" | "Unmarshal" | "New")
                if p.starts_with("github.com/spf13/viper") =>
            {
                add(FactKind::HasSettingsLayer, at, "viper settings layer");
            }
            (p, "Process" | "MustProcess")
                if p.starts_with("github.com/kelseyhightower/envconfig") =>
            {
                add(FactKind::HasSettingsLayer, at, "envconfig settings struct");
            }
            (p, "Parse" | "ParseAs") if p.starts_with("github.com/caarlos0/env") => add(
                FactKind::HasSettingsLayer,
                at,
                "caarlos0/env settings struct",
            ),
            (p, "ReadConfig" | "ReadEnv")
                if p.starts_with("github.com/ilyakaznacheev/cleanenv") =>
            {
                add(FactKind::HasSettingsLayer, at, "cleanenv settings struct")
            }
            (p, "New") if p.starts_with("github.com/knadh/koanf") => {
                add(FactKind::HasSettingsLayer, at, "koanf settings layer")
            }
            // --- validation ---
            (p, "New") if p.starts_with("github.com/go-playground/validator") => add(
                FactKind::HasBodyValidation,
                at,
                "go-playground/validator validates request structs",
            ),
            _ => {}
        }
        // methods on values (not package functions)
        match call.name {
            "Use" => {
                for a in call.args() {
                    match ctx.text(a) {
                        "middleware.Recoverer" => add(
                            FactKind::HasRecoveryMiddleware,
                            at,
                            "chi middleware.Recoverer",
                        ),
                        "middleware.RequestID" => {
                            add(FactKind::HasRequestId, at, "chi middleware.RequestID")
                        }
                        _ => {}
                    }
                }
            }
            // Tasks are counted where they are made (`asynq.NewTask`); an enqueue call counts
            // on its own only when it carries the options.
            "Enqueue" | "EnqueueContext"
                if ctx.imports_any(&["github.com/hibiken/asynq"])
                    && asynq_limits(ctx.text(call.node)) =>
            {
                add(
                    FactKind::JobQueue { limits: true },
                    at,
                    "asynq job enqueued with MaxRetry/Timeout",
                );
            }
            "SendTask" | "SendTaskWithContext"
                if ctx.imports_any(&["github.com/RichardKnight/machinery"]) =>
            {
                let limits = file.contains("RetryCount:");
                add(
                    FactKind::JobQueue { limits },
                    at,
                    if limits {
                        "machinery task with RetryCount"
                    } else {
                        "machinery task without RetryCount"
                    },
                );
            }
            "Consume" | "ConsumeWithContext"
                if ctx.imports_any(&[
                    "github.com/rabbitmq/amqp091-go",
                    "github.com/streadway/amqp",
                ]) =>
            {
                consumer(file, at, "AMQP consumer", &mut add);
            }
            // A Redis Streams consumer group (go-redis): messages stay pending until XAck.
            "XReadGroup"
                if ctx.imports_any(&["github.com/redis/go-redis", "github.com/go-redis/redis"]) =>
            {
                consumer(file, at, "Redis Streams consumer group", &mut add);
            }
            "Set" | "Get" | "GetHeader" | "Header" => {
                if call
                    .args()
                    .first()
                    .and_then(|a| string_value(*a, ctx.src))
                    .is_some_and(|h| {
                        h.eq_ignore_ascii_case("X-Request-ID")
                            || h.eq_ignore_ascii_case("X-Correlation-ID")
                    })
                {
                    add(FactKind::HasRequestId, at, "request ID header propagated");
                }
                if call
                    .args()
                    .first()
                    .and_then(|a| string_value(*a, ctx.src))
                    .is_some_and(|h| h.eq_ignore_ascii_case("Idempotency-Key"))
                {
                    add(
                        FactKind::HasIdempotencyKey,
                        at,
                        "Idempotency-Key header honoured",
                    );
                }
            }
            "Upgrade" if ctx.imports_any(&["github.com/gorilla/websocket"]) => {
                let limits = file.contains("SetReadLimit(")
                    && (file.contains("SetReadDeadline(") || file.contains("SetPongHandler("));
                add(
                    FactKind::WebSocketHandler { limits },
                    at,
                    if limits {
                        "WebSocket with read limit and deadlines"
                    } else {
                        "WebSocket upgraded without SetReadLimit and read deadlines"
                    },
                );
            }
            "Accept"
                if call.recv.is_some_and(|r| {
                    ctx.package_of(r).is_some_and(|p| {
                        p.starts_with("nhooyr.io/websocket")
                            || p.starts_with("github.com/coder/websocket")
                    })
                }) =>
            {
                let limits =
                    file.contains("context.WithTimeout") || file.contains("context.WithDeadline");
                add(
                    FactKind::WebSocketHandler { limits },
                    at,
                    if limits {
                        "WebSocket (32 KiB default read limit, context deadline)"
                    } else {
                        "WebSocket accepted without a context deadline"
                    },
                );
            }
            _ => {}
        }
    }
    for &lit in composites {
        composite(ctx, lit, &mut facts);
    }
    if file.contains("application/problem+json") {
        let line = file
            .lines()
            .position(|l| l.contains("application/problem+json"))
            .unwrap_or(0);
        facts.push(Fact::new(
            FactKind::HasStructuredErrors,
            Pos {
                line: line as u32 + 1,
                column: 1,
            },
            "errors rendered as RFC 7807 problem+json",
        ));
    }
    out.facts.extend(facts);
    out.facts.extend(sentry_facts);
}

fn consumer(file: &str, at: Pos, what: &str, add: &mut impl FnMut(FactKind, Pos, &str)) {
    let lower = file.to_ascii_lowercase();
    let retry_dlq = lower.contains("x-dead-letter-exchange")
        || lower.contains("dlq")
        || lower.contains("dead-letter")
        || lower.contains("deadletter");
    let detail = if retry_dlq {
        format!("{what} with dead-letter handling")
    } else {
        format!("{what} without retry or dead-letter handling")
    };
    add(FactKind::QueueConsumer { retry_dlq }, at, &detail);
}

/// asynq options in the file (`asynq.MaxRetry(5)`, `asynq.Timeout(...)`), on the task or the
/// enqueue call.
fn asynq_limits(file: &str) -> bool {
    file.contains(".MaxRetry(") || file.contains(".Timeout(") || file.contains(".Deadline(")
}

fn sentry(ctx: &Ctx<'_>, call: Call<'_>) -> Option<Fact> {
    let opts = call.arg(0)?;
    let dsn = keyed_fields(unwrap_ref(opts), ctx.src)
        .into_iter()
        .find(|(k, _)| *k == "Dsn")
        .map(|(_, v)| v);
    Some(match dsn {
        Some(v) => match string_value(v, ctx.src) {
            Some(literal) if !literal.is_empty() => Fact {
                kind: FactKind::ErrorTracking {
                    dsn_from_env: false,
                },
                at: pos(v),
                detail: "Sentry initialised with a literal DSN".into(),
                secret: Some(literal),
            },
            Some(_) => return None,
            None => Fact::new(
                FactKind::ErrorTracking { dsn_from_env: true },
                call.pos(),
                "Sentry initialised with its DSN from the environment/settings",
            ),
        },
        None => Fact::new(
            FactKind::ErrorTracking { dsn_from_env: true },
            call.pos(),
            "Sentry initialised (DSN read from SENTRY_DSN)",
        ),
    })
}

fn unwrap_ref(n: Node<'_>) -> Node<'_> {
    if n.kind() == "unary_expression" {
        n.field("operand").unwrap_or(n)
    } else {
        n
    }
}

fn composite(ctx: &Ctx<'_>, lit: Node<'_>, facts: &mut Vec<Fact>) {
    let Some(ty) = composite_type(lit, ctx.src) else {
        return;
    };
    let fields = keyed_fields(lit, ctx.src);
    let has = |k: &str| fields.iter().any(|(f, _)| *f == k);
    let at = pos(lit);
    match ty {
        "http.Server" if ctx.package_of_alias("http") == Some("net/http") => facts.push(Fact::new(
            FactKind::HasRecoveryMiddleware,
            at,
            "net/http recovers a panicking handler per request (the connection is closed, the server keeps serving)",
        )),
        "fiber.Config" if has("ErrorHandler") => facts.push(Fact::new(FactKind::HasStructuredErrors, at, "fiber app-wide ErrorHandler")),
        _ => {}
    }
    if ty.ends_with("Options") || ty.ends_with("Config") || ty.ends_with("CORSConfig") {
        cors(ctx, lit, ty, facts);
    }
}

/// rs/cors and go-chi/cors `cors.Options`, gin-contrib `cors.Config`, echo `CORSConfig`, fiber
/// `cors.Config`: the origins and whether credentials are allowed.
fn cors(ctx: &Ctx<'_>, lit: Node<'_>, ty: &str, facts: &mut Vec<Fact>) {
    let is_cors = ctx.imports_any(&[
        "github.com/rs/cors",
        "github.com/go-chi/cors",
        "github.com/gin-contrib/cors",
    ]) && (ty == "cors.Options" || ty == "cors.Config")
        || ty.ends_with("CORSConfig") && ctx.imports_any(&["github.com/labstack/echo"])
        || ty == "cors.Config" && ctx.imports_any(&["github.com/gofiber/fiber"]);
    if !is_cors {
        return;
    }
    let fields = keyed_fields(lit, ctx.src);
    let credentials = fields
        .iter()
        .any(|(k, v)| *k == "AllowCredentials" && ctx.text(*v) == "true");
    let mut origins = None;
    for (k, v) in &fields {
        match *k {
            "AllowAllOrigins" if ctx.text(*v) == "true" => {
                origins = Some(crate::model::Value::List(vec!["*".into()]))
            }
            "AllowedOrigins" | "AllowOrigins" => {
                let value = super::config::value_of(ctx, *v);
                // fiber: a comma-separated string.
                let value = match value {
                    crate::model::Value::Literal(s) if s.contains(',') => {
                        crate::model::Value::List(
                            s.split(',').map(|x| x.trim().to_string()).collect(),
                        )
                    }
                    other => other,
                };
                origins = Some(value);
            }
            "AllowOriginFunc" | "AllowOriginRequestFunc" | "AllowOriginsFunc"
                if returns_true(ctx, *v) =>
            {
                origins = Some(crate::model::Value::Reflected);
            }
            _ => {}
        }
    }
    let Some(origins) = origins else {
        return;
    };
    facts.push(Fact::new(
        FactKind::CorsPolicy {
            origins,
            credentials,
        },
        pos(lit),
        if credentials {
            "CORS policy with credentials"
        } else {
            "CORS policy"
        },
    ));
}

/// `func(origin string) bool { return true }`.
fn returns_true(ctx: &Ctx<'_>, f: Node<'_>) -> bool {
    if f.kind() != "func_literal" {
        return false;
    }
    let Some(body) = f.field("body") else {
        return false;
    };
    let t: String = ctx
        .text(body)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    t == "{returntrue}"
}

/// A Prometheus handler mounted on a route.
pub fn metrics_route(ctx: &Ctx<'_>, handler: Node<'_>, path: &str) -> Option<Fact> {
    let t = ctx.text(handler);
    let is_metrics = [
        "promhttp.Handler",
        "promhttp.HandlerFor",
        "echoprometheus.NewHandler",
        "promhttp.InstrumentMetricHandler",
    ]
    .iter()
    .any(|w| t.contains(w));
    is_metrics.then(|| {
        Fact::new(
            FactKind::MetricsEndpoint {
                path: path.to_string(),
            },
            pos(handler),
            format!("Prometheus handler served at {path}"),
        )
    })
}
