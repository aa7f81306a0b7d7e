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
    /// From the actual send to the end of the body (equals `latency` in the closed model).
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

    pub fn response(
        &mut self,
        endpoint: usize,
        status: u16,
        latency: Duration,
        service: Duration,
        bytes: u64,
    ) {
        put(&mut self.latency, micros(latency), 1);
        put(&mut self.service, micros(service), 1);
        *self.statuses.entry(status).or_default() += 1;
        self.per_endpoint[endpoint] += 1;
        self.bytes_received += bytes;
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
        a.response(
            0,
            200,
            Duration::from_millis(2),
            Duration::from_millis(1),
            10,
        );
        let mut b = Recorder::new(2);
        b.response(
            1,
            503,
            Duration::from_millis(4),
            Duration::from_millis(4),
            5,
        );
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
}
