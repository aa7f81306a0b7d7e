//! Live counters shared by the workers, and the one-line progress display on stderr.

use crate::engine::worker::Sent;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Counts for the progress line; relaxed atomics, read only for display.
#[derive(Default)]
pub struct Live {
    sent: AtomicU64,
    responses: AtomicU64,
    http_errors: AtomicU64,
    transport_errors: AtomicU64,
}

impl Live {
    pub fn sent(&self) {
        self.sent.fetch_add(1, Ordering::Relaxed);
    }

    pub fn done(&self, outcome: &Sent) {
        match outcome {
            Sent::Response { status, .. } => {
                self.responses.fetch_add(1, Ordering::Relaxed);
                if *status >= 400 {
                    self.http_errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            Sent::Failed(_) => {
                self.transport_errors.fetch_add(1, Ordering::Relaxed);
            }
        }
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
