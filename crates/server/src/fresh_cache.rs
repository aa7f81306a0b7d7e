//! A small cache of values that must not be served once stale: each entry is kept for at most
//! `max_age`, and [`FreshCache::invalidate`] drops everything at once when this process changes
//! what the entries were read from. Changes made elsewhere (another replica sharing the
//! PostgreSQL database) show within `max_age`.
//!
//! Used where a hot read costs a database round trip per request although its answer rarely
//! changes: the project listing and API-key lookups.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long the server's hot reads are served from memory: the delay after which a change
/// made through another replica shows.
pub const MAX_AGE: Duration = Duration::from_secs(1);

/// Entries kept at most: keys can be client input, so the map must stay bounded.
const MAX_ENTRIES: usize = 1024;

pub struct FreshCache<K, V> {
    max_age: Duration,
    /// Bumped by every invalidation; entries read before it are stale.
    generation: AtomicU64,
    entries: Mutex<HashMap<K, Stored<V>>>,
}

struct Stored<V> {
    value: V,
    generation: u64,
    at: Instant,
}

impl<K: Eq + Hash, V: Clone> FreshCache<K, V> {
    pub fn new(max_age: Duration) -> Self {
        FreshCache {
            max_age,
            generation: AtomicU64::new(0),
            entries: Mutex::default(),
        }
    }

    /// The generation to pass to [`FreshCache::put`]: read it before reading the value, so a
    /// change that lands during the read makes the stored entry stale instead of hiding it.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let generation = self.generation();
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let stored = entries.get(key)?;
        (stored.generation == generation && stored.at.elapsed() < self.max_age)
            .then(|| stored.value.clone())
    }

    pub fn put(&self, key: K, generation: u64, value: V) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            let max_age = self.max_age;
            entries.retain(|_, stored| stored.at.elapsed() < max_age);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        let stored = Stored {
            value,
            generation,
            at: Instant::now(),
        };
        entries.insert(key, stored);
    }

    /// What the entries were read from changed: none of them may be served any more.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache() -> FreshCache<&'static str, u32> {
        FreshCache::new(Duration::from_secs(60))
    }

    #[test]
    fn serves_an_entry_until_invalidated() {
        let cache = cache();
        assert_eq!(cache.get(&"a"), None);
        cache.put("a", cache.generation(), 1);
        assert_eq!(cache.get(&"a"), Some(1));
        assert_eq!(cache.get(&"b"), None);
        cache.invalidate();
        assert_eq!(cache.get(&"a"), None);
    }

    #[test]
    fn a_value_read_before_a_change_is_not_served_after_it() {
        let cache = cache();
        let generation = cache.generation();
        cache.invalidate(); // the change lands while the value is being read
        cache.put("a", generation, 1);
        assert_eq!(cache.get(&"a"), None);
    }

    #[test]
    fn an_entry_expires() {
        let cache = FreshCache::new(Duration::from_millis(30));
        cache.put("a", cache.generation(), 1);
        assert_eq!(cache.get(&"a"), Some(1));
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(cache.get(&"a"), None, "a change made elsewhere shows");
    }

    #[test]
    fn stays_bounded_under_many_keys() {
        let cache = FreshCache::new(Duration::from_secs(60));
        for i in 0..(MAX_ENTRIES * 3) {
            cache.put(i, cache.generation(), i);
        }
        let len = cache.entries.lock().unwrap().len();
        assert!(len <= MAX_ENTRIES, "{len} entries kept");
        let last = MAX_ENTRIES * 3 - 1;
        assert_eq!(cache.get(&last), Some(last));
    }
}
