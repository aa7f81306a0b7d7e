use crate::exposition::{Format, parse};
use crate::prelude::*;

pub struct MetricsNotPublic;

static META: ControlMeta = ControlMeta {
    id: "HTTP004",
    slug: "metrics_not_public",
    title: "Metrics are not served to anonymous clients",
    area: Area::Security,
    severity: Severity::Low,
    remediation: "Serve metrics on a separate internal port (the management port) that the \
                  load balancer does not route, or require credentials on `/metrics` and give \
                  them to the Prometheus scrape config.",
    references: &[
        "https://prometheus.io/docs/operating/security/",
        "https://docs.spring.io/spring-boot/reference/actuator/monitoring.html#actuator.monitoring.customizing-management-server-port",
        "https://owasp.org/Top10/A01_2021-Broken_Access_Control/",
    ],
    concepts: &[
        "metrics exposure",
        "metrics authentication",
        "management port",
        "information disclosure",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Requests the metrics endpoint (`/metrics`, `/actuator/prometheus`, `/prometheus`) without
credentials. It fails when the answer is a metrics exposition with samples; it passes when
the endpoint answers 401/403. Not applicable when the service has no metrics endpoint. If the
probed URL is an internal address that the public cannot reach, suppress this control in
`vouch.toml` with that reason.

## Why it matters in production

Metrics name internal routes, dependencies, queue names, versions and traffic volumes; label
values sometimes carry user IDs or emails. Served on the public port they map the system for
an attacker, and a high-cardinality or expensive scrape becomes a cheap denial of service.

## Example

Bad:

```text
GET https://api.example.com/metrics → 200 text/plain: # HELP http_requests_total ...
```

Good:

```text
GET https://api.example.com/metrics → 401   (scraped on :9090 inside the cluster)
```

## References

- Prometheus security model
- Spring Boot: customizing the management server port
- OWASP Top 10 A01: Broken Access Control
"#,
};

impl Probe for MetricsNotPublic {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

async fn check(t: &Target) -> ProbeResult {
    let Some(ex) = shared::metrics_anonymous(t).await? else {
        return Ok(Outcome::not_applicable(
            "the service has no metrics endpoint",
        ));
    };
    let status = ex.status.as_u16();
    if matches!(status, 401 | 403) {
        return Ok(Outcome::pass_with(vec![seen(
            &ex,
            format!("metrics answer {status} without credentials"),
        )]));
    }
    if !ex.status.is_success() {
        return Ok(Outcome::unknown(format!(
            "{} answered {status}",
            ex.request_line()
        )));
    }
    let text = ex.text();
    let exposition = parse(&text, Format::detect(ex.media_type().as_deref(), &text));
    if ex.is_html() || exposition.samples.is_empty() {
        return Ok(Outcome::not_applicable(format!(
            "{} is not a metrics exposition",
            ex.request_line()
        )));
    }
    Ok(Outcome::Fail {
        findings: vec![seen(
            &ex,
            format!(
                "metrics ({} samples) are served to anonymous clients",
                exposition.samples.len()
            ),
        )],
    })
}
