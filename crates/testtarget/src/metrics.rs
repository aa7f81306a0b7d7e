//! The Prometheus text exposition the target serves on `/metrics`.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// Requests seen, by method and status.
#[derive(Default)]
pub struct Counters {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    duration_sum: Mutex<f64>,
}

impl Counters {
    pub fn record(&self, method: &str, status: u16, seconds: f64) {
        let mut map = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        *map.entry((method.to_string(), status)).or_default() += 1;
        *self.duration_sum.lock().unwrap_or_else(|e| e.into_inner()) += seconds;
    }

    /// Valid text format 0.0.4: process and HTTP series, a histogram, escaped label values.
    pub fn render(&self, started: SystemTime) -> String {
        let start = started
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        let mut out = String::new();
        out.push_str("# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n");
        out.push_str("# TYPE process_start_time_seconds gauge\n");
        out.push_str(&format!("process_start_time_seconds {start:.3}\n"));
        out.push_str("# HELP build_info Build information; the note label exercises escapes.\n");
        out.push_str("# TYPE build_info gauge\n");
        out.push_str("build_info{version=\"0.1.0\",note=\"a \\\"quoted\\\" word, a back\\\\slash\\nand a newline\"} 1\n");
        out.push_str("# HELP http_requests_total HTTP requests handled, by method and status.\n");
        out.push_str("# TYPE http_requests_total counter\n");
        let map = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        let mut total = 0;
        for ((method, status), n) in map.iter() {
            total += n;
            out.push_str(&format!(
                "http_requests_total{{method=\"{method}\",status=\"{status}\"}} {n}\n"
            ));
        }
        if map.is_empty() {
            out.push_str("http_requests_total{method=\"GET\",status=\"200\"} 0\n");
        }
        let sum = *self.duration_sum.lock().unwrap_or_else(|e| e.into_inner());
        out.push_str("# HELP http_request_duration_seconds Time spent answering requests.\n");
        out.push_str("# TYPE http_request_duration_seconds histogram\n");
        for le in ["0.005", "0.05", "0.5", "+Inf"] {
            out.push_str(&format!(
                "http_request_duration_seconds_bucket{{le=\"{le}\"}} {total}\n"
            ));
        }
        out.push_str(&format!("http_request_duration_seconds_sum {sum}\n"));
        out.push_str(&format!("http_request_duration_seconds_count {total}\n"));
        out
    }
}

/// An exposition with three broken lines among valid ones.
pub fn malformed() -> String {
    "# HELP http_requests_total HTTP requests handled.\n\
     # TYPE http_requests_total counter\n\
     http_requests_total{method=\"GET\",status=\"200\"} 12\n\
     http_requests_total{method=\"GET\",status=\"500} 1\n\
     process_start_time_seconds\n\
     # TYPE queue_depth sometype\n\
     queue_depth 3\n"
        .to_string()
}
