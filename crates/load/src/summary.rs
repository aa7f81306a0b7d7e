//! The result of a run as users read it (`vouch.load/v1` JSON and the table): counts, rates,
//! latency percentiles, status codes and transport errors by kind.

use crate::engine::RunOutput;
use crate::plan::{Model, Plan};
use crate::recorder::TransportError;
use hdrhistogram::Histogram;
use serde::Serialize;
use std::collections::BTreeMap;

pub const LOAD_SCHEMA: &str = "vouch.load/v1";

#[derive(Clone, Debug, Serialize)]
pub struct LatencyStats {
    pub min: f64,
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub p99_9: f64,
    pub max: f64,
    pub stdev: f64,
}

impl LatencyStats {
    /// Milliseconds from a microsecond histogram; None when it is empty.
    fn of(h: &Histogram<u64>) -> Option<LatencyStats> {
        if h.is_empty() {
            return None;
        }
        let ms = |us: u64| us as f64 / 1000.0;
        Some(LatencyStats {
            min: ms(h.min()),
            mean: h.mean() / 1000.0,
            p50: ms(h.value_at_quantile(0.50)),
            p90: ms(h.value_at_quantile(0.90)),
            p95: ms(h.value_at_quantile(0.95)),
            p99: ms(h.value_at_quantile(0.99)),
            p99_9: ms(h.value_at_quantile(0.999)),
            max: ms(h.max()),
            stdev: h.stdev() / 1000.0,
        })
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Requests {
    /// Measured requests that ended (answered or failed).
    pub total: u64,
    pub responses: u64,
    /// Responses with status 400 or above.
    pub http_errors: u64,
    pub transport_errors: u64,
    /// Open model: requests planned for the measured window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planned: Option<u64>,
    /// Open model: requests that left more than 1 ms after their intended time.
    pub late: u64,
    /// Open model: planned requests never sent because the run hit its time limit.
    pub missed: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct EndpointCount {
    pub name: String,
    pub method: String,
    pub url: String,
    pub weight: u32,
    pub requests: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct LoadConfigShown {
    pub model: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    pub connections: usize,
    pub duration_s: f64,
    pub warmup_s: f64,
    pub timeout_s: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_requests: Option<u64>,
}

/// Everything measured in one run.
#[derive(Clone, Debug, Serialize)]
pub struct LoadResult {
    pub target: String,
    pub config: LoadConfigShown,
    /// Seconds from the start of measurement to the last measured response.
    pub measured_s: f64,
    pub requests: Requests,
    /// Measured requests that ended per second of the measured window.
    pub throughput_rps: f64,
    /// Percent of measured requests that failed (transport error or status ≥ 400).
    pub error_rate_percent: f64,
    /// Milliseconds. Open model: from the intended send time; closed: from the send.
    pub latency_ms: Option<LatencyStats>,
    /// Open model only: milliseconds from the actual send (what a tool without coordinated
    /// omission correction would report).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_time_ms: Option<LatencyStats>,
    /// Open model only: how late requests left, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_delay_ms: Option<LatencyStats>,
    pub status_codes: BTreeMap<u16, u64>,
    pub transport_errors: BTreeMap<TransportError, u64>,
    pub endpoints: Vec<EndpointCount>,
    pub bytes_received: u64,
    /// The latency histogram (microseconds), for any percentile a threshold asks for.
    #[serde(skip)]
    pub histogram: Histogram<u64>,
}

impl LoadResult {
    pub fn from_run(plan: &Plan, run: RunOutput) -> LoadResult {
        let r = run.recorder;
        let responses = r.responses();
        let transport_errors = r.transport_errors();
        let http_errors: u64 = r.statuses.range(400..).map(|(_, n)| n).sum();
        let total = responses + transport_errors;
        let measured_s = run.measured.as_secs_f64();
        let open = matches!(plan.model, Model::Open { .. });
        LoadResult {
            target: plan.display_target(),
            config: LoadConfigShown {
                model: plan.model.name(),
                rate: match plan.model {
                    Model::Open { rate, .. } => Some(rate),
                    Model::Closed { .. } => None,
                },
                connections: plan.model.connections(),
                duration_s: plan.duration.as_secs_f64(),
                warmup_s: plan.warmup.as_secs_f64(),
                timeout_s: plan.timeout.as_secs_f64(),
                max_requests: plan.max_requests,
            },
            measured_s,
            requests: Requests {
                total,
                responses,
                http_errors,
                transport_errors,
                planned: run.planned,
                late: r.late,
                missed: run.missed,
            },
            throughput_rps: if measured_s > 0.0 {
                total as f64 / measured_s
            } else {
                0.0
            },
            error_rate_percent: if total > 0 {
                100.0 * (http_errors + transport_errors) as f64 / total as f64
            } else {
                0.0
            },
            latency_ms: LatencyStats::of(&r.latency),
            service_time_ms: if open {
                LatencyStats::of(&r.service)
            } else {
                None
            },
            send_delay_ms: if open {
                LatencyStats::of(&r.send_delay)
            } else {
                None
            },
            status_codes: r.statuses,
            transport_errors: r.errors,
            endpoints: plan
                .endpoints
                .iter()
                .zip(&r.per_endpoint)
                .map(|(e, n)| EndpointCount {
                    name: e.name.clone(),
                    method: e.method.to_string(),
                    url: e.target.url.clone(),
                    weight: e.weight,
                    requests: *n,
                })
                .collect(),
            bytes_received: r.bytes_received,
            histogram: r.latency,
        }
    }

    /// Latency at percentile `p` (0–100) in milliseconds; None without responses.
    pub fn percentile_ms(&self, p: f64) -> Option<f64> {
        if self.histogram.is_empty() {
            return None;
        }
        Some(self.histogram.value_at_percentile(p) as f64 / 1000.0)
    }
}
