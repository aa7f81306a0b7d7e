//! Capabilities wired in Rust services: tower/tower-http layers (rate limits, body limits,
//! panic catching, request IDs), outbound HTTP clients and their timeouts (reqwest, ureq),
//! retries and circuit breakers, error types rendered as responses, job queues and consumers,
//! WebSocket limits, sqlx/r2d2/bb8/deadpool pools, settings layers (config, figment, envy),
//! graceful shutdown, metrics endpoints, JSON logging, OpenTelemetry and Sentry.

use super::ast::{self, Ctx};
use crate::lang::breaker_name::names_circuit_breaker;
use crate::model::{Fact, FactKind, FileCode, RouteKind};
use crate::syntax;
use crate::syntax::FieldChild;
use tree_sitter::Node;

pub fn extract(ctx: &Ctx<'_>, root: Node<'_>, out: &mut FileCode) {
    let file = std::str::from_utf8(ctx.src).unwrap_or("");
    let mut facts = Vec::new();
    for n in ctx.production_nodes(
        root,
        &[
            "call_expression",
            "impl_item",
            "string_literal",
            "function_item",
        ],
    ) {
        match n.kind() {
            "call_expression" => {
                call(ctx, n, file, &mut facts);
                if ctx.is_chain_top(n) {
                    chain(ctx, n, file, &mut facts);
                }
            }
            "impl_item" => error_type(ctx, n, &mut facts),
            "string_literal" => idempotency(ctx, n, &mut facts),
            "function_item" => websocket(ctx, n, &mut facts),
            _ => {}
        }
    }
    framework_defaults(ctx, root, file, out, &mut facts);
    metrics_routes(file, out, &mut facts);
    out.facts.extend(facts);
}

fn push(facts: &mut Vec<Fact>, kind: FactKind, at: Node<'_>, detail: impl Into<String>) {
    facts.push(Fact::new(kind, ast::pos(at), detail));
}

/// Single calls that are evidence on their own.
fn call(ctx: &Ctx<'_>, n: Node<'_>, file: &str, facts: &mut Vec<Fact>) {
    let callee = ast::callee(n, ctx.src);
    let name = ast::call_name(n, ctx.src);
    let has = |w: &str| callee.contains(w);
    if matches!(name, "layer" | "route_layer" | "wrap")
        && let Some(arg) = ast::args(n).first()
    {
        let t = ctx.text(*arg);
        if t.contains("Governor") || t.contains("RateLimit") {
            push(
                facts,
                FactKind::HasRateLimiter,
                n,
                format!("rate limiter wired: `{}`", first_line(t)),
            );
        }
        if t.contains("CatchPanic") {
            push(
                facts,
                FactKind::HasRecoveryMiddleware,
                n,
                format!("panics caught by `{}`", first_line(t)),
            );
        }
        if t.contains("SetRequestId")
            || t.contains("PropagateRequestId")
            || t.contains("RequestIdentifier")
            || t.contains("RequestIdLayer")
            || t.contains("TracingLogger")
        {
            push(
                facts,
                FactKind::HasRequestId,
                n,
                format!("request IDs set by `{}`", first_line(t)),
            );
        }
    }
    if matches!(name, "layer" | "route_layer" | "wrap") {
        custom_middleware(ctx, n, facts);
    }
    if matches!(name, "set_x_request_id" | "propagate_x_request_id") {
        push(
            facts,
            FactKind::HasRequestId,
            n,
            format!("request IDs set by `.{name}(..)`"),
        );
    }
    if callee.ends_with("RateLimiter::keyed") || callee.ends_with("RateLimiter::direct") {
        push(
            facts,
            FactKind::HasRateLimiter,
            n,
            format!("governor rate limiter `{callee}`"),
        );
    }
    if callee.ends_with("DefaultBodyLimit::max")
        || callee.ends_with("RequestBodyLimitLayer::new")
        || callee.ends_with("PayloadConfig::new")
    {
        push(
            facts,
            FactKind::HasBodySizeLimit,
            n,
            format!("request body limit `{}`", first_line(ctx.text(n))),
        );
    }
    if name == "limit"
        && ast::receiver(n).is_some_and(|r| {
            let t = ctx.text(r);
            t.contains("JsonConfig") || t.contains("FormConfig") || t.contains("PayloadConfig")
        })
    {
        push(
            facts,
            FactKind::HasBodySizeLimit,
            n,
            format!("request body limit `{}`", first_line(ctx.text(n))),
        );
    }
    if has("RetryTransientMiddleware")
        || callee.ends_with("ExponentialBackoff::builder")
        || callee.starts_with("backoff::")
        || has("tokio_retry")
        || callee.ends_with("Retry::spawn")
        || (name == "retry" && ctx.text(n).contains("Backoff"))
        || (name == "retry" && ctx.text(n).contains("ExponentialBuilder"))
    {
        push(
            facts,
            FactKind::HasRetryBackoff,
            n,
            format!("retries with backoff: `{}`", first_line(ctx.text(n))),
        );
    }
    if callee.starts_with("failsafe::") || has("CircuitBreaker::") || names_circuit_breaker(callee)
    {
        push(
            facts,
            FactKind::HasCircuitBreaker,
            n,
            format!("circuit breaker `{callee}`"),
        );
    }
    if name == "with_graceful_shutdown" || name == "graceful_shutdown" {
        push(
            facts,
            FactKind::HasGracefulShutdown,
            n,
            format!("server drains in-flight requests on shutdown (`.{name}(..)`)"),
        );
    }
    if callee.ends_with("set_tracer_provider")
        || callee == "tracing_opentelemetry::layer"
        || callee.ends_with("OpenTelemetryLayer::new")
        || callee.ends_with("opentelemetry_otlp::new_pipeline")
        || callee.ends_with("TracerProvider::builder")
    {
        push(
            facts,
            FactKind::HasTracing,
            n,
            format!("OpenTelemetry tracing initialised (`{callee}`)"),
        );
    }
    if callee.ends_with("BunyanFormattingLayer::new")
        || callee.ends_with("format::json")
        || callee.starts_with("slog_json::")
        || callee.starts_with("json_subscriber::")
    {
        push(
            facts,
            FactKind::HasStructuredLogging,
            n,
            format!("JSON logs (`{callee}`)"),
        );
    }
    if callee == "sentry::init" {
        sentry(ctx, n, facts);
    }
    if settings_file_parsed(ctx, n, callee) {
        push(
            facts,
            FactKind::HasSettingsLayer,
            n,
            format!("settings parsed into one type by `{callee}`"),
        );
    }
    if (callee.starts_with("envy::") && matches!(name, "from_env" | "prefixed"))
        || callee.ends_with("Figment::new")
        || callee.ends_with("Figment::from")
        || (callee.ends_with("Config::builder") && file.contains("config::"))
    {
        push(
            facts,
            FactKind::HasSettingsLayer,
            n,
            format!("settings loaded through `{callee}`"),
        );
    }
    if name == "basic_consume"
        || (name == "subscribe"
            && ast::receiver(n).is_some_and(|r| ctx.text(r).contains("consumer")))
    {
        let lower = file.to_ascii_lowercase();
        let retry_dlq =
            lower.contains("dead-letter") || lower.contains("dead_letter") || lower.contains("dlq");
        push(
            facts,
            FactKind::QueueConsumer { retry_dlq },
            n,
            if retry_dlq {
                "queue consumer with a dead-letter destination"
            } else {
                "queue consumer with no dead-letter handling"
            },
        );
    }
    client_call(ctx, n, callee, file, facts);
    pool_call(ctx, n, callee, file, facts);
}

fn first_line(t: &str) -> String {
    let one: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > 70 {
        format!("{}…", one.chars().take(70).collect::<String>())
    } else {
        one
    }
}

/// `reqwest::get(url)`, `reqwest::Client::new()`, `ureq::get(url)`.
fn client_call(ctx: &Ctx<'_>, n: Node<'_>, callee: &str, file: &str, facts: &mut Vec<Fact>) {
    let reqwest = || file.contains("reqwest");
    let (timeout, detail) = match callee {
        "reqwest::get" => (
            false,
            "`reqwest::get` uses a client with no timeout".to_string(),
        ),
        "reqwest::blocking::get" => (
            true,
            "`reqwest::blocking::get`: the blocking client's 30 s default timeout".to_string(),
        ),
        "reqwest::blocking::Client::new" => (
            true,
            "reqwest blocking client: 30 s default timeout".to_string(),
        ),
        "reqwest::Client::new" | "reqwest::Client::default" => per_request(ctx),
        "Client::new" | "Client::default" if ast::args(n).is_empty() && reqwest() => {
            per_request(ctx)
        }
        "ureq::get" | "ureq::post" | "ureq::put" | "ureq::delete" | "ureq::agent" => {
            let top = syntax::ancestor_of_kind(n, &["expression_statement", "let_declaration"]);
            let set = top.is_some_and(|t| ctx.text(t).contains(".timeout"));
            (
                set,
                if set {
                    "ureq request with a timeout".into()
                } else {
                    format!("`{callee}` without a timeout")
                },
            )
        }
        _ => return,
    };
    push(facts, FactKind::HttpClientCall { timeout }, n, detail);
}

/// A default client: a timeout counts when every request in the file sets one.
fn per_request(ctx: &Ctx<'_>) -> (bool, String) {
    let mut sends = 0;
    let mut timed = 0;
    for c in ctx.index.of_kind(ctx.index.root(), "call_expression") {
        let is_request = |t: &str| {
            [
                ".get(",
                ".post(",
                ".put(",
                ".patch(",
                ".delete(",
                ".request(",
            ]
            .iter()
            .any(|m| t.contains(m))
        };
        if ast::call_name(c, ctx.src) != "send" {
            continue;
        }
        // `let mut request = client.post(url).timeout(t); ...; request.send()`: the request
        // was built where the variable was bound.
        let built = request_binding(ctx, c).unwrap_or("");
        let text = ctx.text(c);
        if is_request(text) || is_request(built) {
            sends += 1;
            if text.contains(".timeout(") || built.contains(".timeout(") {
                timed += 1;
            }
        }
    }
    if sends > 0 && sends == timed {
        (
            true,
            "default reqwest client, every request sets `.timeout(..)`".into(),
        )
    } else {
        (
            false,
            "reqwest client created without a timeout (`Client::new()`)".into(),
        )
    }
}

/// `.layer(from_fn(request_id))`, `.layer(from_fn_with_state(s, rate_limit::per_ip))`: a
/// middleware the service wrote itself, known by the name it was given.
fn custom_middleware(ctx: &Ctx<'_>, n: Node<'_>, facts: &mut Vec<Fact>) {
    let Some(wrapper) = ast::args(n)
        .first()
        .copied()
        .filter(|a| a.kind() == "call_expression")
    else {
        return;
    };
    let wrapper_name = ast::call_name(wrapper, ctx.src);
    if !matches!(
        wrapper_name,
        "from_fn" | "from_fn_with_state" | "from_extractor" | "from_extractor_with_state"
    ) {
        return;
    }
    let Some(function) = ast::args(wrapper).last().map(|f| ctx.text(*f)) else {
        return;
    };
    let lower = function.to_ascii_lowercase();
    let says = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    let kind = if says(&["rate_limit", "ratelimit", "throttle"]) {
        FactKind::HasRateLimiter
    } else if says(&["request_id", "requestid", "correlation_id", "trace_id"]) {
        FactKind::HasRequestId
    } else if says(&["catch_panic", "recover_panic", "panic_handler"]) {
        FactKind::HasRecoveryMiddleware
    } else {
        return;
    };
    push(
        facts,
        kind,
        n,
        format!("middleware `{function}` wired with `{wrapper_name}`"),
    );
}

/// `let config: Config = toml::from_str(&text)?`: the configuration file parsed into one
/// settings type.
fn settings_file_parsed(ctx: &Ctx<'_>, n: Node<'_>, callee: &str) -> bool {
    let parser = [
        "toml::from_str",
        "toml::from_slice",
        "serde_yaml::from_str",
        "serde_yml::from_str",
        "serde_json::from_str",
        "serde_json::from_reader",
    ]
    .iter()
    .any(|p| callee.starts_with(p));
    if !parser {
        return false;
    }
    let names_settings = |t: &str| {
        let t = t.trim();
        let last = t.rsplit("::").next().unwrap_or(t);
        last.ends_with("Config") || last.ends_with("Settings") || last.ends_with("Configuration")
    };
    let turbofish = ctx
        .text(n)
        .split_once("::<")
        .and_then(|(_, rest)| rest.split_once('>'))
        .is_some_and(|(ty, _)| names_settings(ty));
    let annotated = ctx
        .index
        .ancestor_of_kind(n, &["let_declaration"])
        .and_then(|l| l.field("type"))
        .is_some_and(|t| names_settings(ctx.text(t)));
    turbofish || annotated
}

/// The initialiser of the variable a `.send()` chain starts from, in the same function.
fn request_binding<'s>(ctx: &Ctx<'s>, send: Node<'_>) -> Option<&'s str> {
    let (base, _) = ast::chain(send, ctx.src);
    if base.kind() != "identifier" {
        return None;
    }
    let name = ctx.text(base);
    let func = ast::enclosing_fn(ctx, send)?;
    ctx.index
        .of_kind(func, "let_declaration")
        .into_iter()
        .filter(|l| l.start_byte() < send.start_byte())
        .rfind(|l| {
            l.field("pattern")
                .is_some_and(|p| ctx.text(p).trim_start_matches("mut ").trim() == name)
        })
        .and_then(|l| l.field("value"))
        .map(|v| ctx.text(v))
}

/// `let mut builder = Client::builder(); ...; builder.timeout(t).build()`: a builder bound to a
/// variable and configured further in the same function.
fn builder_gets_timeout_later(ctx: &Ctx<'_>, top: Node<'_>) -> bool {
    let Some(binding) = ctx
        .index
        .parent(top)
        .filter(|p| p.kind() == "let_declaration")
        .and_then(|p| p.field("pattern"))
    else {
        return false;
    };
    let name = ctx.text(binding).trim_start_matches("mut ").trim();
    let Some(func) = ast::enclosing_fn(ctx, top) else {
        return false;
    };
    ctx.index
        .of_kind(func, "call_expression")
        .into_iter()
        .any(|call| {
            let (base, links) = ast::chain(call, ctx.src);
            base.kind() == "identifier"
                && ctx.text(base) == name
                && links.iter().any(|l| l.method == "timeout")
        })
}

/// Chains read from their outermost call: client builders, pools, CORS-free layers.
fn chain(ctx: &Ctx<'_>, top: Node<'_>, file: &str, facts: &mut Vec<Fact>) {
    let (base, links) = ast::chain(top, ctx.src);
    if base.kind() != "call_expression" {
        return;
    }
    let callee = ast::callee(base, ctx.src);
    let methods: Vec<&str> = links.iter().map(|l| l.method).collect();
    if callee.ends_with("Client::builder") && file.contains("reqwest") {
        let (timeout, detail) = if methods.contains(&"timeout") {
            (true, "reqwest client built with `.timeout(..)`".to_string())
        } else if builder_gets_timeout_later(ctx, top) {
            (
                true,
                "reqwest client builder given `.timeout(..)` before it is built".to_string(),
            )
        } else if per_request(ctx).0 {
            (
                true,
                "reqwest client without a client timeout; every request sets `.timeout(..)`"
                    .to_string(),
            )
        } else if methods.contains(&"connect_timeout") {
            (
                false,
                "reqwest client built with only a connect timeout (responses can hang)".into(),
            )
        } else {
            (false, "reqwest client built without `.timeout(..)`".into())
        };
        push(facts, FactKind::HttpClientCall { timeout }, base, detail);
    }
    if callee.ends_with("AgentBuilder::new") && file.contains("ureq") {
        let timeout = methods.iter().any(|m| m.starts_with("timeout"));
        push(
            facts,
            FactKind::HttpClientCall { timeout },
            base,
            if timeout {
                "ureq agent with a timeout"
            } else {
                "ureq agent without a timeout"
            },
        );
    }
    if callee.ends_with("PoolOptions::new") {
        let max = links.iter().find(|l| l.method == "max_connections");
        let (bounded, detail) = match max {
            None => (
                true,
                "sqlx pool with its default maximum of 10 connections".to_string(),
            ),
            Some(l) => {
                let arg = ast::args(l.call)
                    .first()
                    .map(|a| ctx.text(*a))
                    .unwrap_or("");
                let huge = arg.contains("MAX") || arg.parse::<u64>().is_ok_and(|v| v >= 10_000);
                (!huge, format!("sqlx pool with `max_connections({arg})`"))
            }
        };
        push(facts, FactKind::DbPool { bounded }, base, detail);
    }
    if callee.ends_with("Pool::builder") && (file.contains("r2d2") || file.contains("bb8")) {
        let max = links.iter().find(|l| l.method == "max_size");
        let arg = max.and_then(|l| ast::args(l.call).first().map(|a| ctx.text(*a)));
        let huge =
            arg.is_some_and(|a| a.contains("MAX") || a.parse::<u64>().is_ok_and(|v| v >= 10_000));
        push(
            facts,
            FactKind::DbPool { bounded: !huge },
            base,
            match arg {
                Some(a) => format!("connection pool with `max_size({a})`"),
                None => "connection pool with its default maximum of 10 connections".into(),
            },
        );
    }
    if methods.contains(&"json")
        && (callee.contains("fmt") || callee.contains("tracing_subscriber"))
    {
        push(
            facts,
            FactKind::HasStructuredLogging,
            base,
            "tracing-subscriber writes JSON logs (`.json()`)",
        );
    }
    if callee.ends_with("WorkerBuilder::new") {
        let t = ctx.text(top);
        let retries = t.contains("retry") || t.contains("Retry");
        let timeout = t.contains("timeout") || t.contains("Timeout");
        push(
            facts,
            FactKind::JobQueue {
                limits: retries && timeout,
            },
            base,
            if retries && timeout {
                "apalis worker with retries and a timeout"
            } else {
                "apalis worker without both retries and a timeout"
            },
        );
    }
    if callee.ends_with("PrometheusMetricsBuilder::new")
        && let Some(l) = links.iter().find(|l| l.method == "endpoint")
        && let Some(p) = ast::args(l.call)
            .first()
            .and_then(|a| ast::string_value(*a, ctx.src))
    {
        push(
            facts,
            FactKind::MetricsEndpoint {
                path: p.to_string(),
            },
            base,
            format!("actix-web-prom serves metrics at {p}"),
        );
    }
    if callee.ends_with("PrometheusBuilder::new") && methods.contains(&"with_http_listener") {
        push(
            facts,
            FactKind::MetricsEndpoint {
                path: "/metrics".into(),
            },
            base,
            "metrics-exporter-prometheus serves /metrics on its own HTTP listener",
        );
    }
}

/// `sentry::init(..)`: where its DSN comes from.
fn sentry(ctx: &Ctx<'_>, n: Node<'_>, facts: &mut Vec<Fact>) {
    let args = ast::args(n);
    let t = args.first().map(|a| ctx.text(*a)).unwrap_or("");
    let literal = syntax::descendants_of_kind(n, "string_content")
        .into_iter()
        .find(|s| ctx.text(*s).starts_with("http") && ctx.text(*s).contains('@'));
    let mut fact = match literal {
        Some(dsn) => {
            // Pointed at the DSN itself, whose key is redacted in the evidence.
            let mut f = Fact::new(
                FactKind::ErrorTracking {
                    dsn_from_env: false,
                },
                ast::pos(dsn),
                "Sentry initialised with a DSN written in code",
            );
            f.secret = Some(ctx.text(dsn).to_string());
            f
        }
        None => {
            let detail = if t.contains("env") || t.contains("var(") {
                "Sentry initialised with its DSN from the environment"
            } else if t.contains('.') && !t.contains("dsn: None") {
                "Sentry initialised with its DSN from settings"
            } else {
                "Sentry initialised; it reads `SENTRY_DSN` from the environment"
            };
            Fact::new(
                FactKind::ErrorTracking { dsn_from_env: true },
                ast::pos(n),
                detail,
            )
        }
    };
    fact.detail = format!("{} (`sentry::init`)", fact.detail);
    facts.push(fact);
}

/// `impl IntoResponse for AppError`, `impl ResponseError for ApiError`.
fn error_type(ctx: &Ctx<'_>, n: Node<'_>, facts: &mut Vec<Fact>) {
    let (Some(tr), Some(ty)) = (n.field("trait"), n.field("type")) else {
        return;
    };
    let tr = ctx.text(tr);
    let ty = ctx.text(ty);
    // `Problem`: an RFC 7807 problem-details type is the structured format itself.
    if (tr.ends_with("IntoResponse") || tr.ends_with("ResponseError"))
        && (ty.contains("Error") || ty.contains("Problem"))
    {
        push(
            facts,
            FactKind::HasStructuredErrors,
            n,
            format!("errors rendered by one type: `impl {tr} for {ty}`"),
        );
    }
}

fn idempotency(ctx: &Ctx<'_>, n: Node<'_>, facts: &mut Vec<Fact>) {
    let Some(s) = ast::string_value(n, ctx.src) else {
        return;
    };
    if s.eq_ignore_ascii_case("idempotency-key") || s.eq_ignore_ascii_case("x-idempotency-key") {
        push(
            facts,
            FactKind::HasIdempotencyKey,
            n,
            format!("`{s}` header read"),
        );
    }
}

/// WebSocket handlers and whether they bound message size.
fn websocket(ctx: &Ctx<'_>, f: Node<'_>, facts: &mut Vec<Fact>) {
    let params = f.field("parameters").map(|p| ctx.text(p)).unwrap_or("");
    let body = f.field("body").map(|b| ctx.text(b)).unwrap_or("");
    let is_ws = params.contains("WebSocketUpgrade") || body.contains("actix_ws::handle(");
    if !is_ws {
        return;
    }
    let limits = [
        "max_message_size",
        "max_frame_size",
        "max_continuation_size",
    ]
    .iter()
    .any(|w| body.contains(w));
    let name = f.field("name").map(|n| ctx.text(n)).unwrap_or("");
    push(
        facts,
        FactKind::WebSocketHandler { limits },
        f,
        if limits {
            format!("WebSocket handler `{name}` bounds message size")
        } else {
            format!("WebSocket handler `{name}` sets no message size limit")
        },
    );
}

/// Limits and behaviour the frameworks give by default, stated where the server is started.
fn framework_defaults<'a>(
    ctx: &Ctx<'a>,
    root: Node<'a>,
    file: &str,
    _out: &FileCode,
    facts: &mut Vec<Fact>,
) {
    let mut serve = None;
    let mut actix_server = None;
    for n in ctx.production_nodes(root, &["call_expression"]) {
        let callee = ast::callee(n, ctx.src);
        if (callee == "axum::serve" || callee == "serve")
            && serve.is_none()
            && file.contains("axum")
        {
            serve = Some(n);
        }
        if callee.ends_with("HttpServer::new") && actix_server.is_none() {
            actix_server = Some(n);
        }
    }
    if let Some(n) = serve
        && !file.contains("DefaultBodyLimit::disable")
    {
        push(
            facts,
            FactKind::HasBodySizeLimit,
            n,
            "axum's default 2 MB limit applies to Json/Form/Bytes bodies (not disabled with `DefaultBodyLimit::disable()`)",
        );
    }
    if let Some(n) = actix_server {
        push(
            facts,
            FactKind::HasBodySizeLimit,
            n,
            "actix-web's default body limits apply (2 MB for `web::Json`, 256 kB for payloads)",
        );
        if !file.contains("disable_signals") {
            push(
                facts,
                FactKind::HasGracefulShutdown,
                n,
                "actix-web's HttpServer stops gracefully on SIGTERM/SIGINT by default (30 s drain)",
            );
        }
    }
}

/// A `/metrics` route served with a Prometheus library.
fn metrics_routes(file: &str, out: &FileCode, facts: &mut Vec<Fact>) {
    let prometheus = file.contains("rometheus")
        || file.contains("TextEncoder")
        || file.contains("metrics_exporter");
    for r in &out.routes {
        let last = r
            .path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("");
        if r.kind == RouteKind::Http
            && last == "metrics"
            && (prometheus || r.handler.contains("metric"))
        {
            facts.push(Fact::new(
                FactKind::MetricsEndpoint {
                    path: r.path.clone(),
                },
                crate::model::Pos {
                    line: r.line,
                    column: r.column,
                },
                format!(
                    "metrics served at {} by `{}`",
                    r.path,
                    if r.handler.is_empty() {
                        "a closure"
                    } else {
                        &r.handler
                    }
                ),
            ));
        }
    }
}

/// `PgPool::connect(url)` (sqlx's default maximum of 10) and deadpool's `create_pool`.
fn pool_call(ctx: &Ctx<'_>, n: Node<'_>, callee: &str, file: &str, facts: &mut Vec<Fact>) {
    let sqlx_connect = matches!(
        ast::call_name(n, ctx.src),
        "connect" | "connect_lazy" | "connect_with"
    ) && [
        "PgPool::",
        "MySqlPool::",
        "SqlitePool::",
        "AnyPool::",
        "Pool::",
    ]
    .iter()
    .any(|p| callee.starts_with(p) || callee.contains(&format!("::{p}")))
        && file.contains("sqlx");
    if sqlx_connect {
        push(
            facts,
            FactKind::DbPool { bounded: true },
            n,
            format!("sqlx pool (`{callee}`) with its default maximum of 10 connections"),
        );
    }
    if ast::call_name(n, ctx.src) == "create_pool" && file.contains("deadpool") {
        push(
            facts,
            FactKind::DbPool { bounded: true },
            n,
            "deadpool pool with its default maximum (4 × CPUs) or a configured `max_size`",
        );
    }
}
