use crate::exposition::{Format, parse};
use crate::prelude::*;

pub struct MetricsExposition;

/// Malformed lines quoted one by one; the rest are counted.
const MAX_LINE_FINDINGS: usize = 10;

static META: ControlMeta = ControlMeta {
    id: "HTTP003",
    slug: "metrics_exposition",
    title: "Metrics are served in valid Prometheus or OpenMetrics format",
    area: Area::Observability,
    severity: Severity::Medium,
    remediation: "Expose `/metrics` with the Prometheus client library of your language (it \
                  writes a valid exposition and the process series), and instrument the HTTP \
                  server so request counts and durations by route and status are exported.",
    references: &[
        "https://prometheus.io/docs/instrumenting/exposition_formats/",
        "https://github.com/prometheus/OpenMetrics/blob/main/specification/OpenMetrics.md",
        "https://prometheus.io/docs/instrumenting/writing_clientlibs/#process-metrics",
        "https://sre.google/sre-book/monitoring-distributed-systems/#xref_monitoring_golden-signals",
    ],
    concepts: &[
        "metrics",
        "prometheus text format",
        "openmetrics",
        "metrics endpoint",
        "instrumentation",
        "golden signals",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Reads `/metrics` (then `/actuator/prometheus`, `/prometheus`), retrying with `--token` when it
answers 401/403, and parses the whole exposition: Prometheus text format 0.0.4 or OpenMetrics
1.0 (chosen by the content type, or the `# EOF` marker). Every malformed line is reported with
its line number: bad metric or label names, unquoted or unterminated label values, invalid
escapes, values or timestamps, duplicate labels, a second HELP/TYPE, unknown types, a TYPE
after its samples, histogram buckets without `le`, negative counters, and in OpenMetrics a
missing `# EOF`, blank lines or counters without `_total`. The exposition must also have
process series (`process_*`) and HTTP request series (a name with `request`, or `http` and
`server`).

## Why it matters in production

A scrape that fails to parse drops every series of the target: dashboards go blank and alerts
stop firing exactly when nobody looks. Without process and request series the golden signals
(traffic, errors, latency, saturation) of the service cannot be graphed or alerted on.

## Example

Bad:

```text
http_requests_total{method="GET",status="500} 1      ← unterminated label value
process_start_time_seconds                           ← no value
```

Good:

```text
# TYPE process_start_time_seconds gauge
process_start_time_seconds 1.7e9
# TYPE http_requests_total counter
http_requests_total{method="GET",status="200"} 1027
```

## References

- Prometheus exposition formats
- OpenMetrics specification
- Prometheus client library guidelines: process metrics
- Google SRE book: the four golden signals
"#,
};

impl Probe for MetricsExposition {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }
    fn run<'a>(&'a self, t: &'a Target) -> ProbeFuture<'a> {
        Box::pin(check(t))
    }
}

async fn check(t: &Target) -> ProbeResult {
    let Some(anonymous) = shared::metrics_anonymous(t).await? else {
        return Ok(Outcome::Fail {
            findings: vec![at_path(
                "/metrics",
                format!(
                    "no metrics endpoint: none of {} exists",
                    shared::METRICS_PATHS.join(", ")
                ),
            )],
        });
    };
    let ex = if matches!(anonymous.status.as_u16(), 401 | 403) && t.has_token() {
        let path = t.relative_path(&anonymous.url);
        t.memo(
            "metrics with credentials",
            t.send(Request::get(path).with_credentials()),
        )
        .await?
    } else {
        anonymous
    };
    if let Some(unknown) = shared::needs_credentials(t, &ex) {
        return Ok(unknown);
    }
    if !ex.status.is_success() {
        return Ok(fail(seen(
            &ex,
            format!("the metrics endpoint answered {}", ex.status.as_u16()),
        )));
    }
    if ex.is_html() || ex.is_json() {
        return Ok(fail(seen(
            &ex,
            "the metrics endpoint serves a page, not a metrics exposition",
        )));
    }
    let mut text = ex.text().into_owned();
    if ex.truncated {
        // Judge the complete lines read; the cut one is not the service's fault.
        let keep = text.rfind('\n').map_or(0, |i| i + 1);
        text.truncate(keep);
    }
    let format = Format::detect(ex.media_type().as_deref(), &text);
    let exposition = parse(&text, format);
    let path = ex.path();
    let mut findings: Vec<Finding> = exposition
        .errors
        .iter()
        .take(MAX_LINE_FINDINGS)
        .map(|e| {
            Finding::new(
                Location::at(path.as_str(), e.line, 1),
                format!("malformed exposition line: {}", e.message),
            )
            .with_snippet(crate::evidence::redact(&e.text))
        })
        .collect();
    if exposition.errors.len() > MAX_LINE_FINDINGS {
        findings.push(at_path(
            &path,
            format!(
                "{} more malformed lines",
                exposition.errors.len() - MAX_LINE_FINDINGS
            ),
        ));
    }
    let names = || exposition.samples.iter().map(|s| s.name.as_str());
    if exposition.samples.is_empty() {
        findings.push(seen(&ex, "the exposition has no samples"));
    } else {
        if !names().any(|n| n.starts_with("process_")) {
            findings.push(seen(
                &ex,
                "no process series (process_*): use the client library's process collector",
            ));
        }
        if !names().any(is_http_request_series) {
            findings.push(seen(
                &ex,
                "no HTTP request series (e.g. http_requests_total, http_request_duration_seconds)",
            ));
        }
    }
    if !findings.is_empty() {
        return Ok(Outcome::Fail { findings });
    }
    let kind = match format {
        Format::Text => "Prometheus text",
        Format::OpenMetrics => "OpenMetrics",
    };
    let cut = if ex.truncated { " (first 4 MiB)" } else { "" };
    Ok(Outcome::pass_with(vec![seen(
        &ex,
        format!(
            "{} samples in {} declared families parse as {kind}{cut}, with process and HTTP request series",
            exposition.samples.len(),
            exposition.families.len()
        ),
    )]))
}

fn fail(f: Finding) -> Outcome {
    Outcome::Fail { findings: vec![f] }
}

/// `http_requests_total`, `http_server_requests_seconds`, `starlette_requests_total`, ...
fn is_http_request_series(name: &str) -> bool {
    name.contains("request") || (name.contains("http") && name.contains("server"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_series_names() {
        assert!(is_http_request_series("http_requests_total"));
        assert!(is_http_request_series(
            "http_server_duration_milliseconds_bucket"
        ));
        assert!(is_http_request_series("starlette_requests_total"));
        assert!(!is_http_request_series("process_cpu_seconds_total"));
    }
}
