//! Pack files mapped by vouch itself rather than by gix, so that the pages a scan is done with
//! can be handed back. Decoding a 1 GB pack touches every page of it; in a mapping gix owns
//! they all stay resident (file-backed, but counted in the process's memory) until the pack is
//! closed. Here the pages are dropped as the scan goes: every [`RELEASE_EVERY`] bytes of a
//! streamed blob, and every [`RELEASE_INTERVAL`] while gix decodes a pack (its first pass
//! reads every entry's header, with no callback to count by), so memory stays bounded by what
//! is read in one window, whatever the pack's size.
//!
//! The only `unsafe` in vouch, kept to the two calls that need it.
#![allow(unsafe_code)]

use memmap2::{Mmap, UncheckedAdvice};
use std::ops::Deref;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

/// Bytes streamed between two releases of a pack's pages.
pub const RELEASE_EVERY: u64 = 64 << 20;
/// Objects decoded or scanned between two releases: each can map a 2 MiB folio.
pub const RELEASE_TICKS: u32 = 16;
/// Time between two releases while a pack is decoded. Short, because one read can map a whole
/// large folio of the page cache (2 MiB on recent kernels): delta resolution reads small
/// pieces all over the pack and mapped 150 MB within 20 ms on the benchmark's 400 MB pack.
/// A release of mostly unmapped pages costs microseconds.
pub const RELEASE_INTERVAL: Duration = Duration::from_millis(2);

/// A read-only mapping of one pack file; clones share it.
#[derive(Clone)]
pub struct PackMap {
    map: Arc<Mmap>,
    /// Bytes counted towards the next release.
    pending: Arc<AtomicU64>,
    /// Calls to [`PackMap::tick`].
    ticks: Arc<AtomicU32>,
}

impl PackMap {
    pub fn open(path: &Path) -> std::io::Result<PackMap> {
        let file = std::fs::File::open(path)?;
        // SAFETY: the mapping is read-only and private to this process. Like git itself and
        // gix, vouch relies on pack files not being rewritten in place while they are open
        // (git writes new packs under new names and renames them into place).
        let map = unsafe { Mmap::map(&file)? };
        Ok(PackMap {
            map: Arc::new(map),
            pending: Arc::new(AtomicU64::new(0)),
            ticks: Arc::new(AtomicU32::new(0)),
        })
    }

    /// Counts `bytes` of work on this pack and releases its pages when a window is full.
    pub fn progress(&self, bytes: u64) {
        let before = self.pending.fetch_add(bytes, Ordering::Relaxed);
        if before / RELEASE_EVERY != (before + bytes) / RELEASE_EVERY {
            self.release();
        }
    }

    /// Releases the pages every [`RELEASE_TICKS`] calls. Called by the threads that decode and
    /// scan, once per object: small objects spread over the pack map a whole large folio each,
    /// faster than the releasing thread of [`PackMap::releasing_while`] (which may also wait
    /// for a core while they run) keeps up with.
    pub fn tick(&self) {
        if self.ticks.fetch_add(1, Ordering::Relaxed) % RELEASE_TICKS == RELEASE_TICKS - 1 {
            self.release();
        }
    }

    /// Runs `work` while another thread releases the pack's pages every [`RELEASE_INTERVAL`].
    pub fn releasing_while<R>(&self, work: impl FnOnce() -> R) -> R {
        let stop = AtomicBool::new(false);
        let result = std::thread::scope(|scope| {
            let releaser = scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    std::thread::park_timeout(RELEASE_INTERVAL);
                    self.release();
                }
            });
            let result = work();
            stop.store(true, Ordering::Relaxed);
            releaser.thread().unpark();
            result
        });
        self.release();
        result
    }

    /// Drops the pack's pages from this process; a later access reads them again from the
    /// page cache (or the disk).
    pub fn release(&self) {
        // SAFETY: for a read-only file mapping MADV_DONTNEED only discards this process's
        // page-table entries: the next access refaults the same bytes from the file, so slices
        // other threads hold into the mapping keep their contents. A failed advice changes
        // nothing, so its error is ignored.
        let _ = unsafe { self.map.unchecked_advise(UncheckedAdvice::DontNeed) };
    }
}

impl Deref for PackMap {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn released_pages_read_back_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.pack");
        let bytes: Vec<u8> = (0..3 * 4096u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let map = PackMap::open(&path).unwrap();
        let view: &[u8] = &map;
        assert_eq!(view, &bytes[..]);
        map.release();
        assert_eq!(&map[..], &bytes[..]);
        map.progress(RELEASE_EVERY + 1);
        (0..RELEASE_TICKS).for_each(|_| map.tick());
        assert_eq!(&map[4096..8192], &bytes[4096..8192]);
        let sum = map.releasing_while(|| {
            (0..50).fold(0u64, |acc, _| {
                std::thread::sleep(RELEASE_INTERVAL / 10);
                acc + map.iter().map(|&b| b as u64).sum::<u64>()
            })
        });
        assert_eq!(sum, 50 * bytes.iter().map(|&b| b as u64).sum::<u64>());
    }
}
