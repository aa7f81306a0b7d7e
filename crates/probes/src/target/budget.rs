//! The request budget every probe draws from: a hard cap on the number of requests and a
//! steady pace, so a probe run never floods the target.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

pub struct Budget {
    max: u32,
    used: AtomicU32,
    /// Time between two request starts (1 / rate).
    interval: Duration,
    next_slot: Mutex<Instant>,
}

/// The budget is spent: the request was not sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exhausted {
    pub max: u32,
}

impl Budget {
    /// `rate` is in requests per second (values <= 0 are treated as 1/s).
    pub fn new(max: u32, rate: f64) -> Self {
        let rate = if rate.is_finite() && rate > 0.0 {
            rate
        } else {
            1.0
        };
        Budget {
            max,
            used: AtomicU32::new(0),
            interval: Duration::from_secs_f64(1.0 / rate),
            next_slot: Mutex::new(Instant::now()),
        }
    }

    /// Takes one request from the budget and waits for its slot in the pace.
    pub async fn acquire(&self) -> Result<(), Exhausted> {
        let taken = self
            .used
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < self.max).then_some(n + 1)
            });
        if taken.is_err() {
            return Err(Exhausted { max: self.max });
        }
        let slot = {
            let mut next = self.next_slot.lock().await;
            let slot = (*next).max(Instant::now());
            *next = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
        Ok(())
    }

    pub fn used(&self) -> u32 {
        self.used.load(Ordering::SeqCst)
    }

    pub fn max(&self) -> u32 {
        self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn caps_the_count_and_paces_requests() {
        let budget = Budget::new(3, 50.0);
        let started = std::time::Instant::now();
        for _ in 0..3 {
            budget.acquire().await.unwrap();
        }
        assert_eq!(budget.acquire().await, Err(Exhausted { max: 3 }));
        assert_eq!(budget.used(), 3);
        // Three slots 20 ms apart: the third starts at least 40 ms after the first.
        assert!(started.elapsed() >= Duration::from_millis(38));
    }

    #[test]
    fn nonsense_rates_fall_back_to_one_per_second() {
        assert_eq!(Budget::new(1, 0.0).interval, Duration::from_secs(1));
        assert_eq!(Budget::new(1, f64::NAN).interval, Duration::from_secs(1));
    }
}
