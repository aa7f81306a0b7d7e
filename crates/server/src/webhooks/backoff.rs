//! Retry delays: exponential from the configured initial delay, capped, with jitter (a random
//! point between half and all of the delay) so endpoints that recover are not hit by every
//! replica's retries at the same instant.

/// Delay before the next attempt after `attempts` failed ones (1 = the first failure).
pub fn delay_ms(attempts: u32, initial_ms: u64, max_ms: u64) -> u64 {
    let mut random = [0u8; 8];
    // Without randomness the delays are still bounded and growing; only the spread is lost.
    let random = getrandom::fill(&mut random).map_or(0, |()| u64::from_le_bytes(random));
    jittered(attempts, initial_ms, max_ms, random)
}

fn jittered(attempts: u32, initial_ms: u64, max_ms: u64, random: u64) -> u64 {
    let shift = attempts.saturating_sub(1).min(40);
    let full = initial_ms.saturating_mul(1u64 << shift).min(max_ms).max(1);
    let half = full / 2;
    half + random % (full - half + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_within_their_jitter_and_stop_at_the_cap() {
        for (attempts, low, high) in [(1, 500, 1000), (2, 1000, 2000), (4, 4000, 8000)] {
            assert_eq!(jittered(attempts, 1000, 60_000, 0), low);
            assert_eq!(jittered(attempts, 1000, 60_000, high - low), high);
            let d = delay_ms(attempts, 1000, 60_000);
            assert!((low..=high).contains(&d), "{attempts}: {d}");
        }
        assert_eq!(
            jittered(30, 1000, 60_000, u64::MAX),
            60_000 / 2 + u64::MAX % 30_001
        );
        assert!(jittered(60, 1000, 60_000, 7) <= 60_000);
    }
}
