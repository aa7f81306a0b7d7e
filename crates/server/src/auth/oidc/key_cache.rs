//! The issuer's keys, cached: a fresh cache answers without a request; a stale one or an
//! unknown `kid` triggers one fetch (concurrent requests wait for it rather than each fetching),
//! but never more often than `min_refetch`, so a flood of made-up `kid`s cannot hammer the
//! issuer. When a fetch fails the keys already known keep working (the issuer being down does
//! not log everybody out).

use super::fetch::Fetcher;
use super::jwk::Jwk;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

pub struct KeyCache {
    fetcher: Fetcher,
    ttl: Duration,
    min_refetch: Duration,
    state: RwLock<Cached>,
    /// Held while fetching: one fetch at a time.
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Clone, Default)]
struct Cached {
    keys: Arc<Vec<Jwk>>,
    /// The last successful fetch.
    fetched_at: Option<Instant>,
    /// The last fetch, successful or not.
    attempted_at: Option<Instant>,
}

impl Cached {
    fn find(&self, kid: &str) -> Option<Jwk> {
        self.keys
            .iter()
            .find(|k| k.kid.as_deref() == Some(kid))
            .cloned()
    }

    fn fresh(&self, ttl: Duration) -> bool {
        self.fetched_at.is_some_and(|t| t.elapsed() < ttl)
    }
}

impl KeyCache {
    pub fn new(fetcher: Fetcher, ttl: Duration, min_refetch: Duration) -> KeyCache {
        KeyCache {
            fetcher,
            ttl,
            min_refetch,
            state: RwLock::new(Cached::default()),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    fn cached(&self) -> Cached {
        self.state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The key named `kid`, fetching the issuer's keys when the cache is stale or lacks it.
    pub async fn find(&self, kid: &str) -> Option<Jwk> {
        let cached = self.cached();
        if cached.fresh(self.ttl)
            && let Some(key) = cached.find(kid)
        {
            return Some(key);
        }
        let _fetching = match self.fetching.try_lock() {
            Ok(guard) => guard,
            Err(_) => {
                // Another request is fetching: a stale key serves meanwhile.
                if let Some(key) = cached.find(kid) {
                    return Some(key);
                }
                self.fetching.lock().await
            }
        };
        // The fetch this request may have waited for can have brought the key.
        let cached = self.cached();
        if cached.fresh(self.ttl)
            && let Some(key) = cached.find(kid)
        {
            return Some(key);
        }
        if cached
            .attempted_at
            .is_none_or(|t| t.elapsed() >= self.min_refetch)
        {
            self.refresh().await;
        }
        self.cached().find(kid)
    }

    async fn refresh(&self) {
        let result = self.fetcher.keys().await;
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        state.attempted_at = Some(now);
        match result {
            Ok(keys) => {
                state.keys = Arc::new(keys);
                state.fetched_at = Some(now);
            }
            Err(e) => {
                tracing::warn!(target: "vouch::security", error = %e, "cannot fetch the OIDC issuer's keys; keeping the keys already known");
            }
        }
    }
}
