use crate::code::support::presence_control;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct RequestId;

static META: ControlMeta = ControlMeta {
    id: "CODE045",
    slug: "request_id",
    title: "Every request carries a request/correlation ID",
    area: Area::Observability,
    severity: Severity::Low,
    remediation: "Add a middleware that reads an incoming `X-Request-ID` (or W3C `traceparent`) \
                  or generates one, puts it in the logging context and returns it in the response: \
                  `asgi-correlation-id`, `django-guid`, `express-request-id`/`pino-http` `genReqId`, \
                  chi `middleware.RequestID`, echo `middleware.RequestID()`, tower-http \
                  `SetRequestIdLayer`/`PropagateRequestIdLayer`, a Spring filter setting the MDC.",
    references: &[
        "https://www.w3.org/TR/trace-context/",
        "https://pkg.go.dev/github.com/go-chi/chi/v5/middleware#RequestID",
        "https://docs.rs/tower-http/latest/tower_http/request_id/index.html",
        "https://github.com/snok/asgi-correlation-id",
    ],
    concepts: &[
        "correlation ID",
        "request ID",
        "X-Request-ID",
        "request tracing",
        "trace context propagation",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The service assigns every request an ID through a middleware (reading `X-Request-ID` or
generating one) so that logs and responses carry it: asgi-correlation-id, django-guid,
express-request-id, pino-http, chi/echo `RequestID`, tower-http request-id layers, a servlet
filter putting it in the MDC. Applies to code that serves HTTP routes.

## Why it matters in production

When a user reports "my checkout failed at 14:02", a request ID in the error response and in
every log line of that request is what lets on-call find the exact logs, across services, in
seconds instead of correlating timestamps among thousands of concurrent requests.

## Example

Bad:

```python
app = FastAPI()
```

Good:

```python
from asgi_correlation_id import CorrelationIdMiddleware

app = FastAPI()
app.add_middleware(CorrelationIdMiddleware, header_name="X-Request-ID")
```

## References

- W3C Trace Context
- chi `middleware.RequestID`
- tower-http `request_id`
- asgi-correlation-id
"#,
};

impl Check for RequestId {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        presence_control(
            ws,
            |kind| matches!(kind, FactKind::HasRequestId),
            "no request/correlation ID middleware was found",
        )
    }
}
