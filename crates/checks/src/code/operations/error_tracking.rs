use crate::code::support::{Sources, no_service};
use crate::prelude::*;
use vouch_code::FactKind;

pub struct ErrorTracking;

static META: ControlMeta = ControlMeta {
    id: "CODE047",
    slug: "error_tracking",
    title: "Error tracking is initialised with a DSN from the environment",
    area: Area::Observability,
    severity: Severity::Medium,
    remediation: "Initialise an error tracker at startup with its DSN or key read from the \
                  environment or the settings layer, never written in code: \
                  `sentry_sdk.init(dsn=settings.sentry_dsn, environment=..., release=...)`, \
                  `Sentry.init({ dsn: process.env.SENTRY_DSN })`, `sentry.Init(sentry.ClientOptions{Dsn: \
                  os.Getenv(\"SENTRY_DSN\")})`, `sentry::init(...)` with `std::env::var`, \
                  `sentry.dsn=${SENTRY_DSN}` in Spring; or Rollbar/Bugsnag the same way.",
    references: &[
        "https://docs.sentry.io/platforms/python/configuration/options/",
        "https://docs.sentry.io/concepts/key-terms/dsn-explainer/",
        "https://12factor.net/config",
        "https://sre.google/sre-book/monitoring-distributed-systems/",
    ],
    concepts: &[
        "Sentry",
        "error tracking",
        "exception monitoring",
        "crash reporting",
        "Rollbar",
        "Bugsnag",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The service initialises an error tracker (Sentry, Rollbar, Bugsnag) and takes its DSN or access
key from the environment or the settings layer. It fails when no error tracker is initialised,
and at each initialisation whose DSN is written literally in code. Applies to code that serves
HTTP routes.

## Why it matters in production

Unhandled exceptions in production are otherwise noticed only when a user complains or a log
search happens to hit them. An error tracker groups them, counts affected users and alerts on
new ones with the stack trace and request context. A DSN hardcoded in code sends every
environment's errors (and developers' laptops') to the production project, and cannot be
rotated without a release.

## Example

Bad:

```python
sentry_sdk.init(dsn="https://0123456789abcdef@o12345.ingest.sentry.io/67890")
```

Good:

```python
sentry_sdk.init(
    dsn=settings.sentry_dsn,
    environment=settings.environment,
    traces_sample_rate=0.1,
)
```

## References

- Sentry for Python, configuration options
- Sentry, DSN explainer
- The Twelve-Factor App, III. Config
- Google SRE book, "Monitoring Distributed Systems"
"#,
};

impl Check for ErrorTracking {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        if let Some(na) = no_service(ws) {
            return na;
        }
        let mut sources = Sources::default();
        let mut good = Vec::new();
        let mut literal = Vec::new();
        for (file, fact) in ws.code.facts() {
            if let FactKind::ErrorTracking { dsn_from_env } = fact.kind {
                if dsn_from_env {
                    good.push(sources.fact_finding(ws, file, fact, fact.detail.clone()));
                } else {
                    literal.push(sources.fact_finding(
                        ws,
                        file,
                        fact,
                        format!(
                            "error tracking DSN written in code instead of read from the \
                             environment: {}",
                            fact.detail
                        ),
                    ));
                }
            }
        }
        if !literal.is_empty() {
            Outcome::Fail { findings: literal }
        } else if good.is_empty() {
            Outcome::Fail {
                findings: vec![finding_file(
                    ".",
                    "no error tracking (Sentry, Rollbar, Bugsnag) is initialised",
                )],
            }
        } else {
            Outcome::Pass { evidence: good }
        }
    }
}
