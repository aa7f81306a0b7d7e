//! Numbers a checklist target can ask about (`latency_p95`, `throughput`, `error_rate`), read
//! from a load result in the checklist's base units: milliseconds, requests per second and
//! percent.

use crate::summary::LoadResult;

/// The measured value of `metric`, or None when the run has no data for it or the metric is
/// not one a load run measures.
pub fn measured(result: &LoadResult, metric: &str) -> Option<f64> {
    let latency = result.latency_ms.as_ref();
    match metric {
        "throughput" | "rps" | "requests_per_second" => {
            (result.measured_s > 0.0).then_some(result.throughput_rps)
        }
        "error_rate" => (result.requests.total > 0).then_some(result.error_rate_percent),
        "latency_avg" | "latency_mean" => latency.map(|l| l.mean),
        "latency_max" => latency.map(|l| l.max),
        "latency_min" => latency.map(|l| l.min),
        "latency_median" => result.percentile_ms(50.0),
        other => {
            let p: f64 = other
                .strip_prefix("latency_p")?
                .replace('_', ".")
                .parse()
                .ok()?;
            // `latency_p999` is how checklists write p99.9.
            let p = if p > 100.0 && other.ends_with("999") {
                99.9
            } else {
                p
            };
            (0.0..=100.0)
                .contains(&p)
                .then(|| result.percentile_ms(p))?
        }
    }
}
