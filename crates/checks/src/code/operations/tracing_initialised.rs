use crate::code::support::presence_control;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct TracingInitialised;

static META: ControlMeta = ControlMeta {
    id: "CODE046",
    slug: "tracing_initialised",
    title: "OpenTelemetry tracing is initialised",
    area: Area::Observability,
    severity: Severity::Low,
    remediation: "Initialise an OpenTelemetry tracer provider with an exporter at startup and \
                  instrument the web framework and HTTP clients: `TracerProvider` + \
                  `BatchSpanProcessor(OTLPSpanExporter())` with `FastAPIInstrumentor`, \
                  `@opentelemetry/sdk-node` `NodeSDK` with auto-instrumentations, Go \
                  `sdktrace.NewTracerProvider` with `otelhttp`, `opentelemetry_sdk` with \
                  `tracing-opentelemetry`, the OpenTelemetry Java agent or Micrometer Tracing.",
    references: &[
        "https://opentelemetry.io/docs/concepts/signals/traces/",
        "https://opentelemetry.io/docs/languages/",
        "https://www.w3.org/TR/trace-context/",
        "https://sre.google/sre-book/monitoring-distributed-systems/",
    ],
    concepts: &[
        "OpenTelemetry",
        "distributed tracing",
        "tracing",
        "spans",
        "OTLP",
        "tracer provider",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The service initialises OpenTelemetry tracing in code: a tracer provider is created and set
(with an exporter), or the SDK's one-call setup is used (`NodeSDK.start()`,
`configure_azure_monitor`, `opentelemetry-instrument` entry points seen in code). Importing
the API alone does not count: without a provider every span is a no-op. Applies to code that
serves HTTP routes.

## Why it matters in production

In a system of several services, a slow or failing request crosses many hops. Traces show
where the time went and which dependency failed, with the request's attributes, instead of
reconstructing the path from the logs of each service.

## Example

Bad:

```python
from opentelemetry import trace

tracer = trace.get_tracer(__name__)  # no provider: spans go nowhere
```

Good:

```python
provider = TracerProvider(resource=Resource.create({"service.name": "orders"}))
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
trace.set_tracer_provider(provider)
FastAPIInstrumentor.instrument_app(app)
```

## References

- OpenTelemetry, Traces
- OpenTelemetry, Language APIs & SDKs
- W3C Trace Context
- Google SRE book, "Monitoring Distributed Systems"
"#,
};

impl Check for TracingInitialised {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        presence_control(
            ws,
            |kind| matches!(kind, FactKind::HasTracing),
            "no OpenTelemetry tracer provider is initialised",
        )
    }
}
