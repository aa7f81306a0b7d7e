//! Scanning the history's blobs of one pack by decoding the whole pack once along its delta
//! tree (gix's `traverse_with_index`): each base is inflated once and handed to every delta
//! built on it, where per-blob lookups re-inflate a chain's bases whenever the pack cache has
//! dropped them.
//!
//! Decoding and scanning run on different threads: half the cores decode, and hand each small
//! text blob (a copy, at most [`HANDOFF_MAX`]) to the other half, which scan. Fewer decoders
//! keep fewer large objects and their pack pages in memory at once; large blobs are scanned
//! where they were decoded, without a copy.

use super::blobs::{BlobOutcome, MAX_BLOB_BYTES, is_binary, scan_decoded};
use super::pack_map::PackMap;
use super::packs::PackData;
use crate::ruleset::Ruleset;
use gix::ObjectId;
use gix::odb::pack;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, mpsc};

/// Larger blobs are scanned by the thread that decoded them.
const HANDOFF_MAX: usize = 1 << 20;
/// Blobs waiting for a scanner; with [`HANDOFF_MAX`] this bounds the copies in memory.
const QUEUE: usize = 32;

pub struct PackScan {
    /// Blobs with hits.
    pub outcomes: Vec<BlobOutcome>,
    pub bytes: u64,
    /// Wanted blobs the traversal did not scan: it stopped early (an object over the
    /// in-memory limit, a damaged pack) or the id was not a blob. The caller reads them one by
    /// one, which streams large blobs and names the ones it cannot read.
    pub unread: Vec<ObjectId>,
}

/// What the scanning threads share: the wanted blobs and what became of them.
struct Tally<'a> {
    wanted: &'a [(u64, ObjectId)],
    set: &'a Ruleset,
    scanned: Vec<AtomicBool>,
    outcomes: Mutex<Vec<BlobOutcome>>,
    bytes: AtomicU64,
}

impl Tally<'_> {
    /// Scans wanted blob `i`.
    fn record(&self, i: usize, decoded: &[u8]) {
        let (count, outcome) = scan_decoded(self.set, self.wanted[i].1, decoded);
        self.bytes.fetch_add(count, Ordering::Relaxed);
        if let Some(outcome) = outcome {
            self.outcomes
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(outcome);
        }
        self.scanned[i].store(true, Ordering::Relaxed);
    }
}

/// Scans the `wanted` blobs (pack offset, id; sorted by offset) of one pack, releasing the
/// pack's pages as the decoding goes (see `pack_map`).
pub fn scan_pack(
    (index, data, map): (&pack::index::File, &PackData, &PackMap),
    wanted: &[(u64, ObjectId)],
    set: &Ruleset,
) -> PackScan {
    let tally = Tally {
        wanted,
        set,
        scanned: wanted.iter().map(|_| AtomicBool::new(false)).collect(),
        outcomes: Mutex::new(Vec::new()),
        bytes: AtomicU64::new(0),
    };
    let cores = rayon::current_num_threads();
    let decoders = (cores / 2).max(1);
    let scanners = cores.saturating_sub(decoders).max(1);
    let (handoff, queue) = mpsc::sync_channel::<(usize, Vec<u8>)>(QUEUE);
    let queue = Mutex::new(queue);
    std::thread::scope(|scope| {
        for _ in 0..scanners {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok((i, blob)) = next else { break };
                    // The releasing thread may wait for a core while decoders and scanners
                    // run: every busy thread releases when a release is due.
                    map.tick();
                    tally.record(i, &blob);
                }
            });
        }
        let tally = &tally;
        let inspect = move |kind: gix::objs::Kind,
                            decoded: &[u8],
                            entry: &pack::index::Entry,
                            _: &dyn gix::Progress|
              -> gix::Result {
            map.tick();
            if kind != gix::objs::Kind::Blob {
                return Ok(());
            }
            let Ok(i) = wanted.binary_search_by_key(&entry.pack_offset, |&(offset, _)| offset)
            else {
                return Ok(());
            };
            if decoded.len() > HANDOFF_MAX || is_binary(decoded) {
                tally.record(i, decoded);
            } else if let Err(mpsc::SendError((i, blob))) = handoff.send((i, decoded.to_vec())) {
                // No scanner left (one panicked): scan here.
                tally.record(i, &blob);
            }
            Ok(())
        };
        let options = pack::index::traverse::with_index::Options {
            thread_limit: Some(decoders),
            // Checksums guard against disk corruption, which a secret scan need not prove
            // absent; a damaged object still fails to decode and is then read (and named) one
            // by one.
            check: pack::index::traverse::SafetyCheck::SkipFileAndObjectChecksumVerification,
            // Larger objects are left to the one-by-one path, which streams them.
            alloc_limit_bytes: Some(MAX_BLOB_BYTES as usize),
        };
        let never = AtomicBool::new(false);
        // An error only means the traversal stopped early: `unread` lists what it did not
        // reach. The traversal owns `inspect` (and its sender): when it returns, the scanners
        // drain the queue and stop.
        let _stopped_early = map
            .releasing_while(|| {
                index.traverse_with_index(
                    data,
                    inspect,
                    &mut gix::progress::Discard,
                    &never,
                    options,
                )
            })
            .is_err();
    });
    let unread = wanted
        .iter()
        .zip(&tally.scanned)
        .filter(|(_, done)| !done.load(Ordering::Relaxed))
        .map(|(&(_, id), _)| id)
        .collect();
    PackScan {
        outcomes: tally
            .outcomes
            .into_inner()
            .unwrap_or_else(|e| e.into_inner()),
        bytes: tally.bytes.into_inner(),
        unread,
    }
}
