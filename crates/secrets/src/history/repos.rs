//! One repository handle per rayon worker: gix handles are not `Sync`, and each carries its own
//! pack cache, so a worker reuses the delta bases it decoded for the next objects it reads.

use std::sync::Mutex;

/// Memory for all workers' pack caches together; each gets an equal share. It counts in the
/// history scan's peak memory (the tree walk's stage).
const PACK_CACHE_BYTES: usize = 32 << 20;
/// A share below this caches too few bases to help.
const MIN_SHARE_BYTES: usize = 8 << 20;

pub struct Repos {
    slots: Vec<Mutex<gix::Repository>>,
}

impl Repos {
    pub fn new(sync: &gix::ThreadSafeRepository) -> Repos {
        // One slot per pool thread, plus one for a caller outside the pool.
        let count = rayon::current_num_threads() + 1;
        let share = (PACK_CACHE_BYTES / count).max(MIN_SHARE_BYTES);
        let slots = (0..count)
            .map(|_| {
                let mut repo = sync.to_thread_local();
                // gix sets up no pack cache unless built with `max-performance`: without one,
                // every object read re-inflates its whole delta chain.
                repo.objects.set_pack_cache(move || {
                    Box::new(gix::odb::pack::cache::lru::StaticLinkedList::<64>::new(
                        share,
                    ))
                });
                Mutex::new(repo)
            })
            .collect();
        Repos { slots }
    }

    /// Runs `f` with the calling worker's handle (uncontended: one slot per worker).
    pub fn with<R>(&self, f: impl FnOnce(&gix::Repository) -> R) -> R {
        let last = self.slots.len() - 1;
        let slot = rayon::current_thread_index().map_or(last, |i| i.min(last));
        let repo = self.slots[slot].lock().unwrap_or_else(|e| e.into_inner());
        f(&repo)
    }
}
