use crate::code::support::presence_control;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct StructuredLogging;

static META: ControlMeta = ControlMeta {
    id: "CODE044",
    slug: "structured_logging",
    title: "Logs are structured (JSON)",
    area: Area::Observability,
    severity: Severity::Low,
    remediation: "Configure the logger to emit one JSON object per event with consistent fields \
                  (timestamp, level, message, request ID, trace ID): `structlog` with \
                  `JSONRenderer`, `python-json-logger`, `pino` or `winston.format.json()`, Go \
                  `log/slog` with `slog.NewJSONHandler`, `zap`/`zerolog`, `tracing-subscriber` \
                  with `.json()`, Logback with `logstash-logback-encoder` or Spring Boot's \
                  `logging.structured.format.console`.",
    references: &[
        "https://12factor.net/logs",
        "https://pkg.go.dev/log/slog",
        "https://www.structlog.org/en/stable/",
        "https://opentelemetry.io/docs/specs/otel/logs/",
    ],
    concepts: &[
        "structured logging",
        "JSON logs",
        "log aggregation",
        "machine-readable logs",
        "log fields",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The service configures structured (JSON) logging: structlog with a JSON renderer,
python-json-logger, pino, winston's JSON format, `slog.NewJSONHandler`, zap, zerolog,
`tracing-subscriber` with `.json()`, a JSON Logback encoder. Applies to code that serves HTTP
routes.

## Why it matters in production

Log platforms (Loki, Elasticsearch, CloudWatch, Datadog) can filter, aggregate and alert on
fields, not on free text. With plain-text lines, finding every error for one customer or one
request during an incident means fragile regular expressions, and multi-line stack traces are
split into unrelated entries.

## Example

Bad:

```go
log.Printf("order %s created for %s", order.ID, user.ID)
```

Good:

```go
logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
logger.Info("order created", "order_id", order.ID, "user_id", user.ID)
```

## References

- The Twelve-Factor App, XI. Logs
- Go `log/slog`
- structlog documentation
- OpenTelemetry Logs specification
"#,
};

impl Check for StructuredLogging {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        presence_control(
            ws,
            |kind| matches!(kind, FactKind::HasStructuredLogging),
            "no structured (JSON) logging is configured",
        )
    }
}
