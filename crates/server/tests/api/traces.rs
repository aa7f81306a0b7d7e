//! OpenTelemetry traces: a real OTLP/HTTP receiver (axum on 127.0.0.1:0, decoding the protobuf
//! body) gets the request's server span, in the caller's trace, with route, status and request
//! ID, and a span per job run; a collector that is down never fails a request.

use crate::both_backends;
use crate::support::*;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;
use reqwest::Method;
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

both_backends!(
    a_request_span_continues_the_callers_trace,
    a_job_run_has_its_own_span,
    a_collector_that_is_down_never_fails_a_request,
);

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_SPAN: &str = "00f067aa0ba902b7";

/// Every span exported to it, with the resource's `service.name`.
#[derive(Clone, Default)]
struct Collector {
    spans: Arc<Mutex<Vec<(String, Span)>>>,
}

impl Collector {
    async fn start() -> (Collector, String) {
        let collector = Collector::default();
        let app = Router::new()
            .route("/v1/traces", post(receive))
            .with_state(collector.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (collector, url)
    }

    fn spans(&self) -> Vec<(String, Span)> {
        self.spans.lock().unwrap().clone()
    }
}

async fn receive(State(collector): State<Collector>, body: Bytes) -> &'static str {
    let request = ExportTraceServiceRequest::decode(body).expect("an OTLP protobuf body");
    let mut spans = collector.spans.lock().unwrap();
    for resource in request.resource_spans {
        let service = resource
            .resource
            .iter()
            .flat_map(|r| &r.attributes)
            .find(|a| a.key == "service.name")
            .and_then(|a| string(a.value.as_ref()?.value.as_ref()?))
            .unwrap_or_default();
        for scope in resource.scope_spans {
            spans.extend(scope.spans.into_iter().map(|s| (service.clone(), s)));
        }
    }
    ""
}

fn string(value: &AnyValue) -> Option<String> {
    match value {
        AnyValue::StringValue(s) => Some(s.clone()),
        AnyValue::IntValue(i) => Some(i.to_string()),
        _ => None,
    }
}

fn attribute(span: &Span, key: &str) -> Option<String> {
    span.attributes
        .iter()
        .find(|a| a.key == key)
        .and_then(|a| string(a.value.as_ref()?.value.as_ref()?))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn traced(collector_url: String) -> impl FnOnce(&mut vouch_server::Config) {
    move |config| {
        config.otlp_endpoint = Some(collector_url);
        config.otel_service_name = "vouch-under-test".into();
        config.job_poll_ms = 50;
    }
}

async fn a_request_span_continues_the_callers_trace(backend: Backend) {
    let (collector, url) = Collector::start().await;
    let s = start_with(backend, traced(url)).await;
    s.create_project("api").await;
    let response = s
        .request(Method::GET, "/api/v1/projects/api", Some(s.admin.as_str()))
        .header("traceparent", format!("00-{TRACE_ID}-{PARENT_SPAN}-01"))
        .header("x-request-id", "trace-test-1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let missing = s
        .request(Method::GET, "/api/v1/projects/nope", Some(s.admin.as_str()))
        .header("traceparent", format!("00-{TRACE_ID}-{PARENT_SPAN}-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    // Shutdown flushes the batch: no waiting for the export interval.
    s.shutdown().await;

    let spans = collector.spans();
    let in_trace: Vec<&(String, Span)> = spans
        .iter()
        .filter(|(_, span)| hex(&span.trace_id) == TRACE_ID)
        .collect();
    assert_eq!(in_trace.len(), 2, "{spans:#?}");
    let (service, ok) = in_trace
        .iter()
        .find(|(_, span)| attribute(span, "vouch.request_id").as_deref() == Some("trace-test-1"))
        .expect("the span of the first request");
    assert_eq!(service, "vouch-under-test");
    assert_eq!(ok.name, "GET /api/v1/projects/{name}");
    assert_eq!(hex(&ok.parent_span_id), PARENT_SPAN);
    assert_eq!(ok.kind, 2, "a server span");
    assert_eq!(
        attribute(ok, "http.route").as_deref(),
        Some("/api/v1/projects/{name}")
    );
    assert_eq!(attribute(ok, "http.request.method").as_deref(), Some("GET"));
    assert_eq!(
        attribute(ok, "http.response.status_code").as_deref(),
        Some("200")
    );
    assert_eq!(
        attribute(ok, "url.path").as_deref(),
        Some("/api/v1/projects/api")
    );
    let other = in_trace.iter().find(|(_, span)| span.span_id != ok.span_id);
    let (_, not_found) = other.expect("the span of the second request");
    assert_eq!(
        attribute(not_found, "http.response.status_code").as_deref(),
        Some("404")
    );
    // A 404 is the client's doing: the server span is not an error.
    assert_ne!(not_found.status.as_ref().map_or(0, |s| s.code), 2);
    // A request without `traceparent` starts a trace of its own.
    assert!(
        spans
            .iter()
            .any(|(_, span)| span.name == "POST /api/v1/projects"
                && hex(&span.trace_id) != TRACE_ID
                && span.parent_span_id.is_empty()),
        "{spans:#?}"
    );
}

async fn a_job_run_has_its_own_span(backend: Backend) {
    let (collector, url) = Collector::start().await;
    let s = start_with(backend, traced(url)).await;
    s.create_project("api").await;
    let repo = fixture_repo();
    let response = s
        .post(
            "/api/v1/projects/api/jobs",
            &s.admin,
            &json!({"kind": "audit", "repository": repo.path().display().to_string()}),
        )
        .await;
    assert_eq!(response.status(), 202);
    let job: serde_json::Value = response.json().await.unwrap();
    let path = format!("/api/v1/jobs/{}", job["id"]);
    let done = wait_until(&s, &path, Duration::from_secs(60), |j| {
        j["state"] == "succeeded" || j["state"] == "failed"
    })
    .await;
    assert_eq!(done["state"], "succeeded", "{done}");
    s.shutdown().await;

    let spans = collector.spans();
    let (_, run) = spans
        .iter()
        .find(|(_, span)| span.name == "job")
        .unwrap_or_else(|| panic!("no job span in {spans:#?}"));
    assert_eq!(
        attribute(run, "vouch.job.id"),
        Some(job["id"].as_i64().unwrap().to_string())
    );
    assert_eq!(attribute(run, "vouch.job.kind").as_deref(), Some("audit"));
    assert_eq!(
        attribute(run, "vouch.job.outcome").as_deref(),
        Some("succeeded")
    );
}

async fn a_collector_that_is_down_never_fails_a_request(backend: Backend) {
    // A port that was free a moment ago: connections are refused.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let s = start_with(backend, traced(closed)).await;
    for _ in 0..20 {
        let response = s.get("/api/v1/projects", &s.admin).await;
        assert_eq!(response.status(), 200);
    }
    let ready = s
        .request(Method::GET, "/readyz", None)
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    // The last flush fails, and still ends the shutdown promptly.
    let started = Instant::now();
    s.shutdown().await;
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "shutdown took {:?}",
        started.elapsed()
    );
}
