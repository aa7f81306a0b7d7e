//! Prometheus metrics: request latency histograms by route template, method and status, and
//! database pool gauges. `/metrics` needs a key with the `metrics:read` scope, so operational
//! detail is not public (vouch's own HTTP004 asks for that).

use crate::app::AppState;
use crate::auth::{Principal, Scope};
use crate::http::problem::ApiResult;
use crate::http::request_id::RouteTemplate;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Instant;

/// Upper bounds in seconds; chosen around the API's targets (p99 < 10 ms for reads, < 100 ms
/// for uploads).
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
            self.counts[i] += 1;
        }
        self.count += 1;
        self.sum += seconds;
    }
}

/// (route template, method, status)
type Labels = (String, String, u16);

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<Labels, Histogram>>,
    /// Job durations observed by this server's workers.
    pub jobs: super::job_metrics::JobMetrics,
    pub backups: BackupMetrics,
}

/// Outcomes of scheduled backups.
#[derive(Default)]
pub struct BackupMetrics {
    /// Unix seconds of the last success; 0 until one succeeds.
    last_success: AtomicI64,
    failures: AtomicU64,
}

impl BackupMetrics {
    pub fn succeeded(&self, unix_seconds: i64) {
        self.last_success.store(unix_seconds, Ordering::Relaxed);
    }

    pub fn failed(&self) {
        self.failures.fetch_add(1, Ordering::Relaxed);
    }

    fn render(&self, out: &mut String) {
        for (metric, kind, help, value) in [
            (
                "vouch_backup_last_success_timestamp_seconds",
                "gauge",
                "Unix time of the last successful scheduled backup (0: none yet).",
                self.last_success.load(Ordering::Relaxed).to_string(),
            ),
            (
                "vouch_backup_failures_total",
                "counter",
                "Scheduled backups that failed.",
                self.failures.load(Ordering::Relaxed).to_string(),
            ),
        ] {
            let _ = writeln!(out, "# HELP {metric} {help}");
            let _ = writeln!(out, "# TYPE {metric} {kind}");
            let _ = writeln!(out, "{metric} {value}");
        }
    }
}

impl Metrics {
    pub fn observe(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let mut map = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        map.entry((route.to_string(), method.to_string(), status))
            .or_default()
            .observe(seconds);
    }

    /// The text exposition format, version 0.0.4.
    pub fn render(&self, pool: PoolStats) -> String {
        let mut out = String::new();
        let name = "vouch_http_request_duration_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} HTTP request latency by route template, method and status."
        );
        let _ = writeln!(out, "# TYPE {name} histogram");
        let map = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        for ((route, method, status), h) in map.iter() {
            let labels = format!(
                "route=\"{}\",method=\"{}\",status=\"{status}\"",
                escape(route),
                escape(method)
            );
            let mut cumulative = 0;
            for (bound, count) in BUCKETS.iter().zip(h.counts) {
                cumulative += count;
                let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
            }
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {}", h.count);
            let _ = writeln!(out, "{name}_sum{{{labels}}} {}", h.sum);
            let _ = writeln!(out, "{name}_count{{{labels}}} {}", h.count);
        }
        drop(map);
        let timeouts = "vouch_db_pool_acquire_timeouts_total";
        let _ = writeln!(
            out,
            "# HELP {timeouts} Waits for a database connection that ran out of time (answered 503)."
        );
        let _ = writeln!(out, "# TYPE {timeouts} counter");
        let _ = writeln!(
            out,
            "{timeouts} {}",
            ACQUIRE_TIMEOUTS.load(Ordering::Relaxed)
        );
        for (metric, help, value) in [
            (
                "vouch_db_pool_connections",
                "Open database connections.",
                pool.size,
            ),
            (
                "vouch_db_pool_idle_connections",
                "Idle database connections.",
                pool.idle,
            ),
            (
                "vouch_db_pool_in_use_connections",
                "Database connections lent to a request or task.",
                pool.size.saturating_sub(pool.idle),
            ),
            (
                "vouch_db_pool_max_connections",
                "Configured maximum of database connections.",
                pool.max,
            ),
        ] {
            let _ = writeln!(out, "# HELP {metric} {help}");
            let _ = writeln!(out, "# TYPE {metric} gauge");
            let _ = writeln!(out, "{metric} {value}");
        }
        self.backups.render(&mut out);
        super::process::render(&mut out);
        out
    }
}

/// Connection waits that timed out, counted where the error becomes a 503 (sqlx keeps no
/// such count); process-wide like the process metrics.
static ACQUIRE_TIMEOUTS: AtomicU64 = AtomicU64::new(0);

pub fn count_acquire_timeout() {
    ACQUIRE_TIMEOUTS.fetch_add(1, Ordering::Relaxed);
}

#[derive(Clone, Copy, Debug)]
pub struct PoolStats {
    pub size: u64,
    pub idle: u64,
    pub max: u64,
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Outer layer: times every request, labelled by the route template the inner layer recorded.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method().as_str().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let route = response
        .extensions()
        .get::<RouteTemplate>()
        .map_or("unmatched", |r| r.0.as_str());
    state.metrics.observe(
        route,
        &method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text exposition (scope `metrics:read`)", body = String, content_type = "text/plain; version=0.0.4")))]
pub async fn endpoint(State(state): State<AppState>, principal: Principal) -> ApiResult<Response> {
    principal.require(Scope::MetricsRead)?;
    let pool = &state.db.pool;
    let stats = PoolStats {
        size: u64::from(pool.size()),
        idle: pool.num_idle() as u64,
        max: u64::from(state.config.db_max_connections),
    };
    let mut text = state.metrics.render(stats);
    let now = crate::clock::now_ms();
    let jobs = crate::repo::jobs::stats(&state.db, now).await?;
    let workers = (state.jobs.running(), state.jobs.configured);
    state.metrics.jobs.render(&jobs, now, workers, &mut text);
    // The other metrics matter most while the database is down: serve them without these.
    if let Err(e) = crate::webhooks::metrics::render(&state.db, &state.webhooks, &mut text).await {
        tracing::warn!(error = %e, "webhook metrics unavailable");
    }
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_labelled() {
        let m = Metrics::default();
        m.observe("/api/v1/projects", "GET", 200, 0.002);
        m.observe("/api/v1/projects", "GET", 200, 0.2);
        let text = m.render(PoolStats {
            size: 2,
            idle: 1,
            max: 10,
        });
        let prefix = "vouch_http_request_duration_seconds_bucket{route=\"/api/v1/projects\",method=\"GET\",status=\"200\"";
        assert!(
            text.contains(&format!("{prefix},le=\"0.001\"}} 0")),
            "{text}"
        );
        assert!(
            text.contains(&format!("{prefix},le=\"0.0025\"}} 1")),
            "{text}"
        );
        assert!(
            text.contains(&format!("{prefix},le=\"0.25\"}} 2")),
            "{text}"
        );
        assert!(
            text.contains(&format!("{prefix},le=\"+Inf\"}} 2")),
            "{text}"
        );
        assert!(text.contains("vouch_db_pool_max_connections 10"), "{text}");
        assert!(
            text.contains("vouch_db_pool_in_use_connections 1"),
            "{text}"
        );
        assert!(
            text.contains("# TYPE vouch_db_pool_acquire_timeouts_total counter"),
            "{text}"
        );
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\n"), "a\\\"b\\\\c\\n");
    }
}
