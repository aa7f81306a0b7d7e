use crate::code::support::presence_control;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct StructuredErrors;

static META: ControlMeta = ControlMeta {
    id: "CODE025",
    slug: "structured_errors",
    title: "Errors are returned in one structured format",
    area: Area::Resilience,
    severity: Severity::Low,
    remediation: "Register one application-wide error handler that renders every error in the same \
                  schema, ideally RFC 9457/7807 `application/problem+json` (`type`, `title`, \
                  `status`, `detail`, `instance`): FastAPI `@app.exception_handler`, Flask \
                  `@app.errorhandler`, an Express error middleware `(err, req, res, next)`, NestJS \
                  exception filters, Spring `@ControllerAdvice` with `ProblemDetail`, an axum \
                  `IntoResponse` error type, a Go error-rendering helper used by every handler.",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc9457",
        "https://www.rfc-editor.org/rfc/rfc7807",
        "https://docs.spring.io/spring-framework/reference/web/webmvc/mvc-ann-rest-exceptions.html",
        "https://fastapi.tiangolo.com/tutorial/handling-errors/",
    ],
    concepts: &[
        "RFC 7807",
        "RFC 9457",
        "problem details",
        "structured errors",
        "consistent error format",
        "error schema",
        "global error handler",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The service renders errors through one structured format: an app-wide exception handler or
error middleware, a problem-details (RFC 9457/7807) response type, or an error schema the
framework applies everywhere. Applies to code that serves HTTP routes.

## Why it matters in production

Clients (and on-call engineers reading logs) need to tell a validation error from an outage
from a missing resource. When each handler invents its own error body, and unhandled
exceptions fall through to the framework's HTML page, clients cannot handle errors reliably,
retry logic misfires, and internal details leak.

## Example

Bad:

```python
@app.get("/orders/{order_id}")
async def get_order(order_id: int):
    order = await repo.get(order_id)
    if order is None:
        return {"msg": "nope"}
```

Good:

```python
@app.exception_handler(AppError)
async def app_error(request: Request, exc: AppError):
    return JSONResponse(
        status_code=exc.status,
        media_type="application/problem+json",
        content={"type": exc.type, "title": exc.title, "status": exc.status, "detail": exc.detail},
    )
```

## References

- RFC 9457 (obsoletes RFC 7807), Problem Details for HTTP APIs
- Spring Framework, Error Responses (`ProblemDetail`)
- FastAPI, Handling Errors
"#,
};

impl Check for StructuredErrors {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        presence_control(
            ws,
            |kind| matches!(kind, FactKind::HasStructuredErrors),
            "no app-wide error handler or structured error format (RFC 7807 problem details or \
             an equivalent schema) was found",
        )
    }
}
