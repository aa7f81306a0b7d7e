//! The `LOAD` controls: a load run's thresholds as report results, so `vouch load` feeds the
//! same report, score and gate as the static checks.
//!
//! LOAD001 latency thresholds, LOAD002 error-rate thresholds, LOAD003 throughput thresholds.
//! A control whose kind of threshold was not asked for is NotApplicable; one asked for but
//! without data (no responses at all) is Unknown, never Pass.

use crate::summary::LoadResult;
use crate::threshold::{Metric, Threshold, Verdict};
use vouch_core::{
    Area, ControlMeta, ControlRef, ControlResult, Finding, Location, Outcome, Severity, fingerprint,
};

pub static LATENCY: ControlMeta = ControlMeta {
    id: "LOAD001",
    slug: "latency_thresholds",
    title: "Latency stays within its thresholds under load",
    area: Area::Scalability,
    severity: Severity::High,
    remediation: "Find what the slow requests wait on (locks, pools, GC pauses, downstream \
                  calls) and fix it, or add capacity; then re-run the same load.",
    references: &[
        "https://grafana.com/docs/k6/latest/using-k6/thresholds/",
        "https://github.com/HdrHistogram/HdrHistogram#corrected-vs-raw-value-recording-calls",
    ],
    concepts: &["latency", "p95", "p99", "response time", "slo"],
    since: "0.1.0",
    doc: "## What it checks\nEvery latency threshold given to `vouch load` (`p(95)<100ms`, `avg`, `med`, `max`) holds for the measured run. Under the open model latency runs from each request's intended send time.\n\n## Why it matters in production\nUsers feel the tail, not the average; a stall that a closed-loop tool hides (coordinated omission) still hits every request that arrives during it.\n\n## Example\nBad: `p(99)<250ms` with a measured p99 of 480ms. Good: the measured p99 is 120ms.\n\n## References\nk6 thresholds; HdrHistogram on coordinated omission.\n",
};

pub static ERRORS: ControlMeta = ControlMeta {
    id: "LOAD002",
    slug: "error_rate_threshold",
    title: "The error rate under load stays within its threshold",
    area: Area::Resilience,
    severity: Severity::High,
    remediation: "Look at the status codes and transport errors of the run: 5xx point at the \
                  service, timeouts and resets at capacity or limits (pools, file descriptors).",
    references: &["https://grafana.com/docs/k6/latest/using-k6/thresholds/"],
    concepts: &["error rate", "errors", "5xx", "availability"],
    since: "0.1.0",
    doc: "## What it checks\nEvery `errors` threshold given to `vouch load` holds: the share of measured requests that failed (a transport error, or a status of 400 or above) is within the limit.\n\n## Why it matters in production\nA service that answers fast but fails a few percent of requests under load is not ready for that load.\n\n## Example\nBad: `errors<1%` with 3.2 % of requests answered 503. Good: 0 % errors.\n\n## References\nk6 thresholds.\n",
};

pub static THROUGHPUT: ControlMeta = ControlMeta {
    id: "LOAD003",
    slug: "throughput_threshold",
    title: "The service sustains the required throughput",
    area: Area::Scalability,
    severity: Severity::Medium,
    remediation: "Profile the service at the target rate; raise workers, pool sizes or \
                  replicas until the throughput holds.",
    references: &["https://grafana.com/docs/k6/latest/using-k6/thresholds/"],
    concepts: &["throughput", "rps", "requests per second", "capacity"],
    since: "0.1.0",
    doc: "## What it checks\nEvery `rps` threshold given to `vouch load` holds: measured requests per second over the measured window.\n\n## Why it matters in production\nCapacity claims in a readiness review need a measurement behind them.\n\n## Example\nBad: `rps>1000` with 640 req/s measured. Good: 1,450 req/s.\n\n## References\nk6 thresholds.\n",
};

pub static ALL: [&ControlMeta; 3] = [&LATENCY, &ERRORS, &THROUGHPUT];

fn meta_for(metric: Metric) -> &'static ControlMeta {
    match metric {
        Metric::Errors => &ERRORS,
        Metric::Rps => &THROUGHPUT,
        _ => &LATENCY,
    }
}

/// One result per LOAD control, from the thresholds and their verdicts (same order).
pub fn evaluate(
    result: &LoadResult,
    thresholds: &[Threshold],
    verdicts: &[Verdict],
) -> Vec<ControlResult> {
    ALL.iter()
        .map(|meta| {
            let mine: Vec<&Verdict> = thresholds
                .iter()
                .zip(verdicts)
                .filter(|(t, _)| std::ptr::eq(meta_for(t.metric), *meta))
                .map(|(_, v)| v)
                .collect();
            let outcome = outcome(meta, &result.target, &mine);
            ControlResult::new(
                ControlRef::from_meta(meta, meta.severity),
                meta.remediation,
                outcome,
            )
        })
        .collect()
}

fn outcome(meta: &ControlMeta, target: &str, verdicts: &[&Verdict]) -> Outcome {
    if verdicts.is_empty() {
        return Outcome::not_applicable("no threshold of this kind was given");
    }
    if verdicts.iter().any(|v| v.observed.is_none()) {
        return Outcome::unknown("the run has no data for this metric (no request completed)");
    }
    let finding = |v: &Verdict| {
        let observed = v.observed.unwrap_or_default();
        let mut f = Finding::new(
            Location::file(target),
            format!("{}: measured {observed:.3}{}", v.expression, v.unit),
        );
        f.fingerprint = fingerprint(meta.id, target, &v.expression);
        f
    };
    let failed: Vec<Finding> = verdicts
        .iter()
        .filter(|v| !v.passed)
        .map(|v| finding(v))
        .collect();
    let passed: Vec<Finding> = verdicts
        .iter()
        .filter(|v| v.passed)
        .map(|v| finding(v))
        .collect();
    Outcome::from_findings(failed, passed)
}
