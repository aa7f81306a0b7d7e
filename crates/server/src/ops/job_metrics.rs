//! Job series for `/metrics`: jobs by state and the age of the oldest runnable queued job
//! (read from the database at scrape time, so every replica reports the shared queue), job
//! attempt durations by kind and outcome (this server's workers), and workers running.

use crate::repo::jobs::{JobStats, STATES};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

/// Upper bounds in seconds: audits take from under a second to many minutes.
const BUCKETS: [f64; 12] = [
    0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 1800.0,
];

#[derive(Default)]
struct Durations {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// (kind, outcome): outcome is succeeded, failed, retried, released, lost or error.
#[derive(Default)]
pub struct JobMetrics {
    durations: Mutex<BTreeMap<(String, String), Durations>>,
}

impl JobMetrics {
    pub fn observe(&self, kind: &str, outcome: &str, seconds: f64) {
        let mut map = self.durations.lock().unwrap_or_else(|e| e.into_inner());
        let h = map
            .entry((kind.to_string(), outcome.to_string()))
            .or_default();
        if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
            h.counts[i] += 1;
        }
        h.count += 1;
        h.sum += seconds;
    }

    /// `now` in Unix milliseconds; `workers` = (running, configured).
    pub fn render(&self, stats: &JobStats, now: i64, workers: (usize, usize), out: &mut String) {
        let name = "vouch_jobs";
        let _ = writeln!(out, "# HELP {name} Jobs in the queue by state.");
        let _ = writeln!(out, "# TYPE {name} gauge");
        for state in STATES {
            let n = stats
                .by_state
                .iter()
                .find(|(s, _)| s == state)
                .map_or(0, |(_, n)| *n);
            let _ = writeln!(out, "{name}{{state=\"{state}\"}} {n}");
        }
        let age = stats
            .oldest_runnable
            .map_or(0.0, |at| (now - at).max(0) as f64 / 1000.0);
        for (metric, help, value) in [
            (
                "vouch_jobs_queue_age_seconds",
                "How long the oldest runnable queued job has waited.",
                age,
            ),
            (
                "vouch_job_workers_running",
                "Job workers running on this server.",
                workers.0 as f64,
            ),
            (
                "vouch_job_workers_configured",
                "Job workers configured on this server.",
                workers.1 as f64,
            ),
        ] {
            let _ = writeln!(out, "# HELP {metric} {help}");
            let _ = writeln!(out, "# TYPE {metric} gauge");
            let _ = writeln!(out, "{metric} {value}");
        }
        let name = "vouch_job_duration_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} Job attempt duration by kind and outcome."
        );
        let _ = writeln!(out, "# TYPE {name} histogram");
        let map = self.durations.lock().unwrap_or_else(|e| e.into_inner());
        for ((kind, outcome), h) in map.iter() {
            let labels = format!("kind=\"{kind}\",outcome=\"{outcome}\"");
            let mut cumulative = 0;
            for (bound, count) in BUCKETS.iter().zip(h.counts) {
                cumulative += count;
                let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
            }
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {}", h.count);
            let _ = writeln!(out, "{name}_sum{{{labels}}} {}", h.sum);
            let _ = writeln!(out, "{name}_count{{{labels}}} {}", h.count);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_age_and_durations_are_rendered() {
        let m = JobMetrics::default();
        m.observe("audit", "succeeded", 3.0);
        let stats = JobStats {
            by_state: vec![("queued".into(), 2), ("succeeded".into(), 1)],
            oldest_runnable: Some(1_000),
        };
        let mut out = String::new();
        m.render(&stats, 4_500, (2, 2), &mut out);
        assert!(out.contains("vouch_jobs{state=\"queued\"} 2\n"), "{out}");
        assert!(out.contains("vouch_jobs{state=\"running\"} 0\n"), "{out}");
        assert!(out.contains("vouch_jobs_queue_age_seconds 3.5\n"), "{out}");
        assert!(out.contains("vouch_job_workers_running 2\n"), "{out}");
        let bucket = "vouch_job_duration_seconds_bucket{kind=\"audit\",outcome=\"succeeded\"";
        assert!(out.contains(&format!("{bucket},le=\"2.5\"}} 0\n")), "{out}");
        assert!(out.contains(&format!("{bucket},le=\"5\"}} 1\n")), "{out}");
    }
}
