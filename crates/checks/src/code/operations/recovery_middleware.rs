use crate::code::support::presence_control;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct RecoveryMiddleware;

static META: ControlMeta = ControlMeta {
    id: "CODE034",
    slug: "recovery_middleware",
    title: "Panics and unhandled exceptions are recovered per request",
    area: Area::Resilience,
    severity: Severity::Medium,
    remediation: "Install recovery middleware that turns a panic or unhandled exception in one \
                  handler into a logged `500` for that request: `gin.Recovery()` (or \
                  `gin.Default()`), echo `middleware.Recover()`, chi `middleware.Recoverer`, fiber \
                  `recover.New()`, tower-http `CatchPanicLayer`, an Express error middleware. \
                  Frameworks that recover by default (net/http, FastAPI, Flask, Spring, actix) \
                  already satisfy this.",
    references: &[
        "https://gin-gonic.com/en/docs/examples/custom-middleware/",
        "https://echo.labstack.com/docs/middleware/recover",
        "https://docs.rs/tower-http/latest/tower_http/catch_panic/index.html",
        "https://expressjs.com/en/guide/error-handling.html",
    ],
    concepts: &[
        "panic recovery",
        "recovery middleware",
        "exception handling middleware",
        "crash resilience",
        "unhandled exceptions",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The service recovers from a panic or unhandled exception inside a handler: recovery middleware
is installed (`gin.Recovery()`, echo `Recover()`, chi `Recoverer`, fiber `recover`, tower-http
`CatchPanicLayer`, an Express error middleware), or the framework recovers by default and the
evidence says so. Applies to code that serves HTTP routes.

## Why it matters in production

In some stacks a panic in one handler takes down the whole process (a gin engine built with
`gin.New()` and no recovery, a fiber app, a tokio task that poisons shared state), dropping
every in-flight request and restarting the container. Recovery confines the damage to the one
request and logs the stack trace where on-call can find it.

## Example

Bad:

```go
r := gin.New()
r.Use(requestLogger())
```

Good:

```go
r := gin.New()
r.Use(requestLogger(), gin.Recovery())
```

## References

- Gin, custom middleware (Recovery)
- Echo, Recover middleware
- tower-http `CatchPanic`
- Express, Error Handling
"#,
};

impl Check for RecoveryMiddleware {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        presence_control(
            ws,
            |kind| matches!(kind, FactKind::HasRecoveryMiddleware),
            "no panic/exception recovery middleware is installed and the framework does not \
             recover by default",
        )
    }
}
