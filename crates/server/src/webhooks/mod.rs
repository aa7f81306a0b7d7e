//! Notifications through webhooks, delivered from an outbox. A stored run is compared with the
//! project's previous run (`regressions`); each regression becomes one outbox row per
//! subscribed endpoint in the run's own transaction (`enqueue`); the background `sender`
//! delivers them with retries, backoff and a circuit breaker per endpoint. See docs/server.md.

pub mod backoff;
pub mod enqueue;
pub mod events;
pub mod metrics;
pub mod payload;
pub mod regressions;
pub mod routes;
pub mod sender;
pub mod signals;
pub mod signature;

use std::collections::BTreeMap;
use std::sync::Mutex;
use tokio::sync::Notify;

/// Shared between the API (which wakes the sender when it enqueued something) and the sender
/// (which counts failures for the metrics).
#[derive(Default)]
pub struct Handle {
    wake: Notify,
    failures: Mutex<BTreeMap<i64, u64>>,
}

impl Handle {
    /// Deliveries were enqueued: look at the outbox now rather than at the next poll.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    fn count_failure(&self, endpoint: i64) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        *map.entry(endpoint).or_default() += 1;
    }

    /// Failed attempts per endpoint since this process started.
    pub fn failures(&self) -> Vec<(i64, u64)> {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.iter().map(|(k, v)| (*k, *v)).collect()
    }
}
