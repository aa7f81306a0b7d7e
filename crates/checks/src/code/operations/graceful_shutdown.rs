use crate::code::support::presence_control;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct GracefulShutdown;

static META: ControlMeta = ControlMeta {
    id: "CODE033",
    slug: "graceful_shutdown",
    title: "The service shuts down gracefully on SIGTERM",
    area: Area::Resilience,
    severity: Severity::Medium,
    remediation: "On SIGTERM stop accepting new connections, let in-flight requests finish within \
                  a deadline, then close pools and exit: Go `signal.NotifyContext` plus \
                  `srv.Shutdown(ctx)`, Node `process.on(\"SIGTERM\", ...)` with `server.close()` (or \
                  `@godaddy/terminus`, Fastify `close`), axum `with_graceful_shutdown`, actix's \
                  default handling with `shutdown_timeout`, Spring `server.shutdown=graceful`, \
                  uvicorn/gunicorn's own handling with a lifespan shutdown hook.",
    references: &[
        "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination",
        "https://pkg.go.dev/net/http#Server.Shutdown",
        "https://docs.spring.io/spring-boot/reference/web/graceful-shutdown.html",
        "https://expressjs.com/en/advanced/healthcheck-graceful-shutdown.html",
    ],
    concepts: &[
        "graceful shutdown",
        "SIGTERM handling",
        "connection draining",
        "zero-downtime deploys",
        "shutdown hook",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The service handles termination gracefully: it catches SIGTERM/SIGINT (or uses a server that
does, such as uvicorn, gunicorn, actix-web or Spring with `server.shutdown=graceful`) and drains
in-flight requests before exiting (`srv.Shutdown(ctx)`, `server.close()`,
`with_graceful_shutdown`, a lifespan shutdown hook). Applies to code that serves HTTP routes.

Spring Boot 3.4 and later shut down gracefully by default: a service whose routes are all
Spring's, whose `pom.xml` parent or Gradle plugin says 3.4 or later and whose production
configuration does not set `server.shutdown=immediate`, passes with that as evidence.

## Why it matters in production

Every deploy, scale-down and node drain sends SIGTERM to running instances. A process that
exits immediately drops the requests it was serving (users see `502`s on every deploy) and
leaves transactions and messages half-done. Draining makes rolling deploys invisible to users.

## Example

Bad:

```go
log.Fatal(http.ListenAndServe(":8080", router))
```

Good:

```go
srv := &http.Server{Addr: ":8080", Handler: router}
ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
defer stop()
go func() { _ = srv.ListenAndServe() }()
<-ctx.Done()
shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
defer cancel()
_ = srv.Shutdown(shutdownCtx)
```

## References

- Kubernetes, Termination of Pods
- Go `http.Server.Shutdown`
- Spring Boot, Graceful Shutdown
- Express, Health checks and graceful shutdown
"#,
};

impl Check for GracefulShutdown {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let outcome = presence_control(
            ws,
            |kind| matches!(kind, FactKind::HasGracefulShutdown),
            "no graceful shutdown handling (SIGTERM caught and in-flight requests drained) was \
             found",
        );
        match outcome {
            Outcome::Fail { .. } | Outcome::Unknown { .. } => {
                spring_boot_default(ws).unwrap_or(outcome)
            }
            other => other,
        }
    }
}

/// Spring Boot 3.4 and later drain requests on SIGTERM by default (`server.shutdown` defaults
/// to `graceful`): a pass for a service whose routes are all Spring's, on such a version, whose
/// production configuration does not set `server.shutdown=immediate`.
fn spring_boot_default(ws: &Workspace) -> Option<Outcome> {
    let serving: Vec<_> = ws
        .code
        .files
        .iter()
        .filter(|f| !f.routes.is_empty())
        .collect();
    if serving.is_empty()
        || serving
            .iter()
            .any(|f| f.language != Some(vouch_code::Language::Java))
    {
        return None;
    }
    let immediate = ws.code.config("server.shutdown").any(|(file, c)| {
        file.language.is_none()
            && matches!(&c.value, vouch_code::Value::Literal(v) if v.trim().eq_ignore_ascii_case("immediate"))
    });
    if immediate {
        return None;
    }
    let boot = ws.dependencies.iter().find_map(|d| {
        let is_boot = d.name == "org.springframework.boot:spring-boot-starter-parent"
            || d.name == vouch_workspace::manifests::SPRING_BOOT_PLUGIN_NAME;
        let version = d.version.as_deref().filter(|_| is_boot)?;
        let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
        let (major, minor) = (parts.next()??, parts.next()??);
        ((major, minor) >= (3, 4)).then_some((d, version))
    })?;
    let (dep, version) = boot;
    Some(Outcome::Pass {
        evidence: vec![Finding::new(
            Location::at(&dep.path, dep.line, 1),
            format!(
                "Spring Boot {version} shuts down gracefully by default (server.shutdown \
                 defaults to graceful since 3.4)"
            ),
        )],
    })
}
