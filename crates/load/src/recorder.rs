//! What one worker saw, kept without locks and merged once at the end.

use hdrhistogram::Histogram;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// Why a request got no HTTP response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportError {
    /// The TCP connection could not be opened (refused, unreachable).
    Connect,
    /// No answer (connect included) within `--timeout`.
    Timeout,
    /// The server closed or reset the connection before the response was complete.
    Closed,
    /// The response was not valid HTTP/1.1.
    Protocol,
    /// Any other I/O failure.
    Io,
}

impl TransportError {
    pub fn as_str(self) -> &'static str {
        match self {
            TransportError::Connect => "connect",
            TransportError::Timeout => "timeout",
            TransportError::Closed => "closed",
            TransportError::Protocol => "protocol",
            TransportError::Io => "io",
        }
    }
}

/// Latencies are recorded in microseconds.
fn histogram() -> Histogram<u64> {
    // Three significant digits, auto-resizing: cheap for short runs, exact enough for p99.9.
    Histogram::new(3).expect("3 significant figures is a valid histogram precision")
}

pub fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1)
}

/// Records `count` values. `record_n` grows an auto-resizing histogram; `saturating_record`
/// would clamp to the current (small) range instead.
fn put(h: &mut Histogram<u64>, value: u64, count: u64) {
    if h.record_n(value, count).is_err() {
        h.saturating_record_n(value, count);
    }
}

fn add(into: &mut Histogram<u64>, from: &Histogram<u64>) {
    for v in from.iter_recorded() {
        put(into, v.value_iterated_to(), v.count_at_value());
    }
}

pub struct Recorder {
    /// Response time: from the intended send time (open model) or the send (closed model)
    /// to the end of the response body.
    pub latency: Histogram<u64>,
    /// Open model only: from the actual send to the end of the body (in the closed model it
    /// would equal `latency`, so it is not recorded twice).
    pub service: Histogram<u64>,
    /// How late each request left compared with its intended time (open model only).
    pub send_delay: Histogram<u64>,
    pub statuses: BTreeMap<u16, u64>,
    pub errors: BTreeMap<TransportError, u64>,
    /// Requests per endpoint (index in the plan), answered or not.
    pub per_endpoint: Vec<u64>,
    pub bytes_received: u64,
    /// Requests that left more than the lateness tolerance after their intended time.
    pub late: u64,
}

impl Recorder {
    pub fn new(endpoints: usize) -> Recorder {
        Recorder {
            latency: histogram(),
            service: histogram(),
            send_delay: histogram(),
            statuses: BTreeMap::new(),
            errors: BTreeMap::new(),
            per_endpoint: vec![0; endpoints],
            bytes_received: 0,
            late: 0,
        }
    }

    pub fn response(&mut self, endpoint: usize, status: u16, latency: Duration, bytes: u64) {
        put(&mut self.latency, micros(latency), 1);
        *self.statuses.entry(status).or_default() += 1;
        self.per_endpoint[endpoint] += 1;
        self.bytes_received += bytes;
    }

    /// Open model: the time from the actual send to the end of the response.
    pub fn service_time(&mut self, service: Duration) {
        put(&mut self.service, micros(service), 1);
    }

    pub fn failure(&mut self, endpoint: usize, kind: TransportError) {
        *self.errors.entry(kind).or_default() += 1;
        self.per_endpoint[endpoint] += 1;
    }

    pub fn delay(&mut self, delay: Duration, late: bool) {
        put(&mut self.send_delay, micros(delay), 1);
        self.late += u64::from(late);
    }

    pub fn merge(&mut self, other: Recorder) {
        add(&mut self.latency, &other.latency);
        add(&mut self.service, &other.service);
        add(&mut self.send_delay, &other.send_delay);
        for (k, v) in other.statuses {
            *self.statuses.entry(k).or_default() += v;
        }
        for (k, v) in other.errors {
            *self.errors.entry(k).or_default() += v;
        }
        for (a, b) in self.per_endpoint.iter_mut().zip(other.per_endpoint) {
            *a += b;
        }
        self.bytes_received += other.bytes_received;
        self.late += other.late;
    }

    pub fn responses(&self) -> u64 {
        self.statuses.values().sum()
    }

    pub fn transport_errors(&self) -> u64 {
        self.errors.values().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_adds_everything() {
        let mut a = Recorder::new(2);
        a.response(0, 200, Duration::from_millis(2), 10);
        a.service_time(Duration::from_millis(1));
        let mut b = Recorder::new(2);
        b.response(1, 503, Duration::from_millis(4), 5);
        b.failure(1, TransportError::Closed);
        b.delay(Duration::from_millis(3), true);
        a.merge(b);
        assert_eq!(a.responses(), 2);
        assert_eq!(a.transport_errors(), 1);
        assert_eq!(a.per_endpoint, vec![1, 2]);
        assert_eq!(a.statuses.get(&503), Some(&1));
        assert_eq!(a.bytes_received, 15);
        assert_eq!(a.late, 1);
        assert_eq!(a.latency.len(), 2);
        assert!(
            a.latency.max() >= 3990,
            "max {} min {}",
            a.latency.max(),
            a.latency.min()
        );
    }

    #[test]
    fn merged_worker_histograms_equal_one_histogram_of_everything() {
        // Values over five decades, spread round-robin over 8 workers as connections would.
        let values: Vec<u64> = (0..20_000u64)
            .map(|i| 50 + (i * 7919) % 2_000_000 / (1 + i % 97))
            .collect();
        let mut single = Recorder::new(1);
        let mut workers: Vec<Recorder> = (0..8).map(|_| Recorder::new(1)).collect();
        for (i, v) in values.iter().enumerate() {
            let latency = Duration::from_micros(*v);
            single.response(0, 200, latency, 1);
            workers[i % 8].response(0, 200, latency, 1);
        }
        let mut merged = Recorder::new(1);
        for w in workers {
            merged.merge(w);
        }
        assert_eq!(merged.latency.len(), single.latency.len());
        assert_eq!(merged.latency.min(), single.latency.min());
        assert_eq!(merged.latency.max(), single.latency.max());
        for q in [0.0, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0] {
            assert_eq!(
                merged.latency.value_at_quantile(q),
                single.latency.value_at_quantile(q),
                "quantile {q}"
            );
        }
        assert_eq!(merged.per_endpoint, single.per_endpoint);
        assert_eq!(merged.bytes_received, single.bytes_received);
    }
}
