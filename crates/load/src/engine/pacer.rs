//! The open model's clock: an OS thread that releases one permit per request at its intended
//! time. A thread with `nanosleep` keeps tens-of-microseconds precision, where tokio's timer
//! rounds every wait up to the next millisecond (which would itself show up as latency).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

pub struct Schedule {
    pub start: Instant,
    pub interval: Duration,
    pub total: u64,
}

impl Schedule {
    /// When request `n` is meant to leave.
    pub fn intended(&self, n: u64) -> Instant {
        self.start + Duration::from_secs_f64(self.interval.as_secs_f64() * n as f64)
    }
}

/// Releases permits on `permits` as requests fall due, until all are released or `stop`.
pub fn spawn(
    schedule: Arc<Schedule>,
    permits: Arc<Semaphore>,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let interval = schedule.interval.as_secs_f64();
        let mut released = 0u64;
        while released < schedule.total && !stop.load(Ordering::Relaxed) {
            let now = Instant::now();
            let elapsed = now.saturating_duration_since(schedule.start).as_secs_f64();
            let due = if now < schedule.start {
                0
            } else {
                ((elapsed / interval) as u64 + 1).min(schedule.total)
            };
            if due > released {
                // Semaphore permits are capped far above MAX_REQUESTS, so this cannot overflow.
                permits.add_permits((due - released) as usize);
                released = due;
            }
            if released < schedule.total {
                let next = schedule.intended(released);
                let wait = next.saturating_duration_since(Instant::now());
                if !wait.is_zero() {
                    std::thread::sleep(wait);
                }
            }
        }
    })
}
