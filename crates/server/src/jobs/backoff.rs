//! Retry delays: exponential with full jitter (the delay is drawn uniformly between zero and a
//! ceiling that doubles per attempt up to a cap), so jobs that failed together do not retry
//! together.

use std::time::Duration;

#[derive(Clone, Copy, Debug)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Backoff {
    /// The ceiling after `attempt` failed attempts (1 for the first failure).
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(32);
        self.base
            .saturating_mul(1u32 << doublings.min(31))
            .min(self.cap)
    }

    /// The delay for `attempt`, with `unit` a uniform draw in [0, 1].
    pub fn delay_with(&self, attempt: u32, unit: f64) -> Duration {
        self.ceiling(attempt).mul_f64(unit.clamp(0.0, 1.0))
    }

    /// The delay for `attempt`, jittered with the operating system's randomness.
    pub fn delay(&self, attempt: u32) -> Duration {
        self.delay_with(attempt, uniform())
    }
}

/// A uniform draw in [0, 1]; the middle when the random source fails (still bounded).
fn uniform() -> f64 {
    let mut bytes = [0u8; 8];
    match getrandom::fill(&mut bytes) {
        Ok(()) => (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64,
        Err(_) => 0.5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: Backoff = Backoff {
        base: Duration::from_millis(100),
        cap: Duration::from_millis(1_000),
    };

    #[test]
    fn the_ceiling_doubles_per_attempt_up_to_the_cap() {
        let ceilings: Vec<u128> = (1..=6).map(|a| B.ceiling(a).as_millis()).collect();
        assert_eq!(ceilings, [100, 200, 400, 800, 1_000, 1_000]);
        assert_eq!(B.ceiling(200), Duration::from_millis(1_000), "no overflow");
    }

    #[test]
    fn full_jitter_spans_zero_to_the_ceiling() {
        assert_eq!(B.delay_with(3, 0.0), Duration::ZERO);
        assert_eq!(B.delay_with(3, 1.0), Duration::from_millis(400));
        assert_eq!(B.delay_with(3, 0.5), Duration::from_millis(200));
        for attempt in 1..=8 {
            assert!(B.delay(attempt) <= B.ceiling(attempt));
        }
    }
}
