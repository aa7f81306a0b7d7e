//! OpenTelemetry traces over OTLP/HTTP (protobuf), on when `otlp_endpoint` is set: a server
//! span per request (continuing the caller's W3C `traceparent`), and spans for job runs and
//! webhook deliveries. Spans go to a batch processor on tokio, so exporting never slows or
//! fails a request: when the collector is down, batches are dropped after the export timeout.
//! Off (the default), every function here returns after one atomic load.
//!
//! The tracer provider is process-wide (`opentelemetry::global`), like the log subscriber.

use crate::config::Config;
use crate::http::request_id::{RouteTemplate, X_REQUEST_ID};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::{Span, SpanKind, Status, TraceContextExt, Tracer};
use opentelemetry::{Context, KeyValue, global};
use opentelemetry_http::{HeaderExtractor, HeaderInjector};
use opentelemetry_otlp::{Protocol, WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::trace::span_processor_with_async_runtime::BatchSpanProcessor;
use opentelemetry_sdk::{Resource, runtime};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// One export (connect, send, answer) at most; also bounds the flush at shutdown.
const EXPORT_TIMEOUT: Duration = Duration::from_secs(5);
const TRACER: &str = "vouch-server";

static ENABLED: AtomicBool = AtomicBool::new(false);

#[derive(Debug, thiserror::Error)]
pub enum TracesError {
    #[error("invalid otlp_endpoint `{0}`: it must be an http:// or https:// URL")]
    Endpoint(String),
    #[error("cannot build the OTLP HTTP client: {0}")]
    Client(#[from] reqwest::Error),
    #[error("cannot build the OTLP exporter: {0}")]
    Exporter(#[from] opentelemetry_otlp::ExporterBuildError),
}

/// The installed tracer provider; [`Traces::shutdown`] exports what is still queued.
pub struct Traces {
    provider: SdkTracerProvider,
}

/// Whether spans are recorded in this process.
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// `<endpoint>/v1/traces`: the endpoint is a base URL, as `OTEL_EXPORTER_OTLP_ENDPOINT` is.
pub fn traces_url(endpoint: &str) -> Result<String, TracesError> {
    let base = endpoint.trim().trim_end_matches('/');
    if !(base.starts_with("http://") || base.starts_with("https://")) {
        return Err(TracesError::Endpoint(endpoint.to_string()));
    }
    Ok(format!("{base}/v1/traces"))
}

/// Installs the exporter when `otlp_endpoint` is set; must run inside the tokio runtime.
pub fn init(config: &Config) -> Result<Option<Traces>, TracesError> {
    let Some(endpoint) = config
        .otlp_endpoint
        .as_deref()
        .filter(|e| !e.trim().is_empty())
    else {
        return Ok(None);
    };
    let url = traces_url(endpoint)?;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(EXPORT_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_http_client(client)
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(url.clone())
        .with_timeout(EXPORT_TIMEOUT)
        .build()?;
    let processor = BatchSpanProcessor::builder(exporter, runtime::Tokio).build();
    let provider = SdkTracerProvider::builder()
        .with_span_processor(processor)
        .with_resource(
            Resource::builder()
                .with_service_name(config.otel_service_name.clone())
                .build(),
        )
        .build();
    global::set_tracer_provider(provider.clone());
    ENABLED.store(true, Ordering::Relaxed);
    tracing::info!(endpoint = %url, "exporting traces over OTLP");
    Ok(Some(Traces { provider }))
}

impl Traces {
    /// Stops recording and exports the queued spans (bounded by the export timeout).
    pub async fn shutdown(self) {
        ENABLED.store(false, Ordering::Relaxed);
        let provider = self.provider;
        // The SDK blocks on the batch task: off the async threads.
        match tokio::task::spawn_blocking(move || provider.shutdown()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "cannot flush the last traces"),
            Err(e) => tracing::warn!(error = %e, "cannot flush the last traces"),
        }
    }
}

/// A span that is recorded only when traces are on; it ends when dropped.
pub struct TraceSpan(Option<global::BoxedSpan>);

impl TraceSpan {
    /// An internal span (a job run, a webhook delivery) starting a trace of its own.
    pub fn start(name: &'static str, kind: SpanKind, attributes: Vec<KeyValue>) -> TraceSpan {
        TraceSpan::child_of(&Context::new(), name.to_string(), kind, attributes)
    }

    fn child_of(
        parent: &Context,
        name: String,
        kind: SpanKind,
        attributes: Vec<KeyValue>,
    ) -> TraceSpan {
        if !enabled() {
            return TraceSpan(None);
        }
        let tracer = global::tracer(TRACER);
        let span = tracer
            .span_builder(name)
            .with_kind(kind)
            .with_attributes(attributes)
            .start_with_context(&tracer, parent);
        TraceSpan(Some(span))
    }

    pub fn set(&mut self, attribute: KeyValue) {
        if let Some(span) = &mut self.0 {
            span.set_attribute(attribute);
        }
    }

    pub fn fail(&mut self, description: impl Into<String>) {
        if let Some(span) = &mut self.0 {
            span.set_status(Status::error(description.into()));
        }
    }

    /// Adds `traceparent` to an outgoing request so the receiver continues this trace.
    pub fn inject(&self, headers: &mut http::HeaderMap) {
        if let Some(span) = &self.0 {
            let cx = Context::new().with_remote_span_context(span.span_context().clone());
            TraceContextPropagator::new().inject_context(&cx, &mut HeaderInjector(headers));
        }
    }
}

/// Outermost layer: a server span per request named `METHOD route`, child of the caller's
/// `traceparent` when there is one, with the status and request ID the inner layers set.
pub async fn trace_request(request: Request, next: Next) -> Response {
    if !enabled() {
        return next.run(request).await;
    }
    let parent = TraceContextPropagator::new().extract(&HeaderExtractor(request.headers()));
    let method = request.method().as_str().to_string();
    let mut span = TraceSpan::child_of(
        &parent,
        method.clone(),
        SpanKind::Server,
        vec![
            KeyValue::new("http.request.method", method.clone()),
            KeyValue::new("url.path", request.uri().path().to_string()),
        ],
    );
    let response = next.run(request).await;
    if let Some(route) = response.extensions().get::<RouteTemplate>() {
        span.set(KeyValue::new("http.route", route.0.clone()));
        if let Some(inner) = &mut span.0 {
            inner.update_name(format!("{method} {}", route.0));
        }
    }
    let status = response.status();
    span.set(KeyValue::new(
        "http.response.status_code",
        i64::from(status.as_u16()),
    ));
    if let Some(id) = response
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
    {
        span.set(KeyValue::new("vouch.request_id", id.to_string()));
    }
    // Server spans: only 5xx are errors (a 404 is the client's).
    if status.is_server_error() {
        span.fail(status.as_str().to_string());
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_is_a_base_url() {
        assert_eq!(
            traces_url("http://collector:4318/").unwrap(),
            "http://collector:4318/v1/traces"
        );
        assert_eq!(
            traces_url(" https://otel.example/base ").unwrap(),
            "https://otel.example/base/v1/traces"
        );
        assert!(traces_url("collector:4318").is_err());
    }

    #[test]
    fn spans_cost_nothing_when_traces_are_off() {
        let span = TraceSpan::start("job", SpanKind::Internal, vec![]);
        assert!(span.0.is_none());
        let mut headers = http::HeaderMap::new();
        span.inject(&mut headers);
        assert!(headers.is_empty());
    }
}
