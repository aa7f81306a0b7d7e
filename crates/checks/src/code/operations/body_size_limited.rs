use crate::code::support::presence_control;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct BodySizeLimited;

static META: ControlMeta = ControlMeta {
    id: "CODE021",
    slug: "body_size_limited",
    title: "Request bodies have a maximum size",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Set an explicit request body limit where the framework reads bodies: \
                  `express.json({ limit: \"1mb\" })`, Fastify `bodyLimit`, Flask \
                  `MAX_CONTENT_LENGTH`, Django `DATA_UPLOAD_MAX_MEMORY_SIZE`, Go \
                  `http.MaxBytesReader`, axum `DefaultBodyLimit::max`, actix `PayloadConfig`, Spring \
                  `spring.servlet.multipart.max-request-size`/`server.tomcat.max-swallow-size`, or \
                  a body-size middleware for ASGI apps.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
        "https://expressjs.com/en/api.html#express.json",
        "https://pkg.go.dev/net/http#MaxBytesReader",
        "https://docs.rs/axum/latest/axum/extract/struct.DefaultBodyLimit.html",
    ],
    concepts: &[
        "request size limits",
        "body size limit",
        "max request size",
        "payload limit",
        "413 Payload Too Large",
        "upload limit",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The service configures a maximum request body size: a body parser limit, a `MaxBytesReader`, a
body-limit layer or middleware, or a framework setting. Frameworks that enforce a documented
default limit (Express's 100 kB JSON parser, axum's 2 MB `DefaultBodyLimit`) count, and the
evidence says that it is the default. Applies to code that serves HTTP routes.

## Why it matters in production

A server that buffers whatever the client sends can be knocked over by one request with a
multi-gigabyte body: memory fills, the process is OOM-killed, and every in-flight request fails
with it. A limit answers `413 Payload Too Large` before the body is read.

## Example

Bad:

```go
func create(w http.ResponseWriter, r *http.Request) {
    body, _ := io.ReadAll(r.Body)
    ...
}
```

Good:

```go
func create(w http.ResponseWriter, r *http.Request) {
    r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
    body, err := io.ReadAll(r.Body)
    ...
}
```

## References

- OWASP API Security Top 10 2023, API4: Unrestricted Resource Consumption
- Express `express.json({ limit })`
- Go `http.MaxBytesReader`
- axum `DefaultBodyLimit`
"#,
};

impl Check for BodySizeLimited {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        presence_control(
            ws,
            |kind| matches!(kind, FactKind::HasBodySizeLimit),
            "no maximum request body size is configured",
        )
    }
}
