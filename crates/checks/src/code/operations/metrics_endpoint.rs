use crate::code::support::{Sources, no_service};
use crate::prelude::*;
use vouch_code::FactKind;

pub struct MetricsEndpoint;

static META: ControlMeta = ControlMeta {
    id: "CODE040",
    slug: "metrics_endpoint",
    title: "The service serves a Prometheus metrics endpoint",
    area: Area::Observability,
    severity: Severity::Medium,
    remediation: "Expose request and runtime metrics on an HTTP endpoint Prometheus can scrape: \
                  `prometheus-fastapi-instrumentator` (`Instrumentator().instrument(app).expose(app)`) \
                  or `make_asgi_app()` mounted at `/metrics`, `prom-client` with a `/metrics` route, \
                  `promhttp.Handler()` in Go, `metrics-exporter-prometheus` or `axum-prometheus` in \
                  Rust, Micrometer with `/actuator/prometheus` in Spring. Or push OTLP metrics to a \
                  collector and record that decision.",
    references: &[
        "https://prometheus.io/docs/instrumenting/clientlibs/",
        "https://prometheus.io/docs/practices/instrumentation/",
        "https://sre.google/sre-book/monitoring-distributed-systems/",
        "https://opentelemetry.io/docs/specs/otel/metrics/",
    ],
    concepts: &[
        "Prometheus metrics",
        "metrics endpoint",
        "/metrics",
        "instrumentation",
        "RED metrics",
        "golden signals",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The service serves a Prometheus metrics endpoint: a metrics handler mounted on a route
(`/metrics`) or a metrics server started by the client library, or Spring Boot Actuator with
the Micrometer Prometheus registry and the `prometheus` endpoint exposed in an
`application*.properties`/`.yml` (`/actuator/prometheus`). The evidence names the path. Applies to code that serves HTTP routes.

## Why it matters in production

Without metrics nobody can see latency, traffic, errors and saturation (the four golden
signals), so alerts cannot be written, capacity cannot be planned and an incident starts with
guesswork. Logs alone are too expensive to aggregate into rates and percentiles.

## Example

Bad:

```python
app = FastAPI()
app.include_router(orders.router)
```

Good:

```python
from prometheus_fastapi_instrumentator import Instrumentator

app = FastAPI()
app.include_router(orders.router)
Instrumentator().instrument(app).expose(app, endpoint="/metrics")
```

## References

- Prometheus, Client libraries
- Prometheus, Instrumentation best practices
- Google SRE book, "Monitoring Distributed Systems"
- OpenTelemetry Metrics specification
"#,
};

impl Check for MetricsEndpoint {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        if let Some(na) = no_service(ws) {
            return na;
        }
        let mut sources = Sources::default();
        let mut evidence: Vec<Finding> = ws
            .code
            .facts()
            .filter_map(|(file, fact)| match &fact.kind {
                FactKind::MetricsEndpoint { path } => Some(sources.fact_finding(
                    ws,
                    file,
                    fact,
                    format!("metrics served at `{path}`: {}", fact.detail),
                )),
                _ => None,
            })
            .collect();
        let actuator = super::actuator::actuator_paths(ws);
        evidence.extend(
            actuator
                .iter()
                .filter(|p| p.what == "metrics endpoint")
                .map(|p| {
                    sources.finding(
                        ws,
                        &p.file,
                        p.line,
                        p.column,
                        format!(
                            "metrics served at `{}` by Spring Boot Actuator with the Prometheus \
                             registry, exposed in the application configuration",
                            p.pattern
                        ),
                        None,
                    )
                }),
        );
        if evidence.is_empty() {
            Outcome::Fail {
                findings: vec![finding_file(
                    ".",
                    "no Prometheus metrics endpoint is served by the code",
                )],
            }
        } else {
            Outcome::Pass { evidence }
        }
    }
}
