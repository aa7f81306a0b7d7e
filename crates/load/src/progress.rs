//! Live counters shared by the workers, and the one-line progress display on stderr.

use crate::engine::worker::Sent;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Counts for the progress line; relaxed atomics, read only for display. Workers add to them
/// in batches (see [`Tally`]) so that connections on different cores do not fight over these
/// cache lines on every request.
#[derive(Default)]
pub struct Live {
    sent: AtomicU64,
    responses: AtomicU64,
    http_errors: AtomicU64,
    transport_errors: AtomicU64,
}

impl Live {
    fn add(&self, t: &Tally) {
        self.sent.fetch_add(t.sent, Ordering::Relaxed);
        self.responses.fetch_add(t.responses, Ordering::Relaxed);
        self.http_errors.fetch_add(t.http_errors, Ordering::Relaxed);
        self.transport_errors
            .fetch_add(t.transport_errors, Ordering::Relaxed);
    }

    fn snapshot(&self) -> (u64, u64, u64, u64) {
        (
            self.sent.load(Ordering::Relaxed),
            self.responses.load(Ordering::Relaxed),
            self.http_errors.load(Ordering::Relaxed),
            self.transport_errors.load(Ordering::Relaxed),
        )
    }
}

/// How often a worker hands its counts to [`Live`]: often enough for a 250 ms display.
const PUBLISH_EVERY: Duration = Duration::from_millis(50);

/// One worker's counts since it last published them.
pub struct Tally {
    sent: u64,
    responses: u64,
    http_errors: u64,
    transport_errors: u64,
    published: Instant,
}

impl Default for Tally {
    fn default() -> Tally {
        Tally {
            sent: 0,
            responses: 0,
            http_errors: 0,
            transport_errors: 0,
            published: Instant::now(),
        }
    }
}

impl Tally {
    pub fn sent(&mut self) {
        self.sent += 1;
    }

    pub fn done(&mut self, outcome: &Sent) {
        match outcome {
            Sent::Response { status, .. } => {
                self.responses += 1;
                self.http_errors += u64::from(*status >= 400);
            }
            Sent::Failed(_) => self.transport_errors += 1,
        }
    }

    /// Publishes the counts to `live` when the last time was long enough ago.
    pub fn publish_if_due(&mut self, live: &Live, now: Instant) {
        if now.saturating_duration_since(self.published) >= PUBLISH_EVERY {
            self.publish(live, now);
        }
    }

    pub fn publish(&mut self, live: &Live, now: Instant) {
        live.add(self);
        self.sent = 0;
        self.responses = 0;
        self.http_errors = 0;
        self.transport_errors = 0;
        self.published = now;
    }
}

/// Redraws `\r  4.2s / 10s  8,400 sent  2,000 req/s  0 errors` every 250 ms until dropped.
pub struct ProgressLine {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressLine {
    pub fn start(live: Arc<Live>, planned: Duration) -> ProgressLine {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            let mut last = (Instant::now(), 0u64);
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(250));
                let (sent, responses, http_errors, transport_errors) = live.snapshot();
                let now = Instant::now();
                let done = responses + transport_errors;
                let rate = (done - last.1) as f64 / (now - last.0).as_secs_f64().max(1e-3);
                last = (now, done);
                let mut err = std::io::stderr().lock();
                let _ = write!(
                    err,
                    "\r\x1b[2K  {:.1}s / {:.0}s  {} sent  {:.0} req/s  {} HTTP errors  {} transport errors",
                    started.elapsed().as_secs_f64(),
                    planned.as_secs_f64(),
                    sent,
                    rate,
                    http_errors,
                    transport_errors
                );
                let _ = err.flush();
            }
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        });
        ProgressLine {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
