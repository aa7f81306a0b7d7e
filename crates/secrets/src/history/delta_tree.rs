//! Scanning the history's blobs of one pack by decoding the whole pack once along its delta
//! tree (gix's `traverse_with_index`): each base is inflated once and handed to every delta
//! built on it, on all cores, where per-blob lookups re-inflate a chain's bases whenever the
//! pack cache has dropped them. Blobs arrive decoded in gix's buffers and are scanned there,
//! without a copy.

use super::blobs::{BlobOutcome, MAX_BLOB_BYTES, scan_decoded};
use crate::ruleset::Ruleset;
use gix::ObjectId;
use gix::odb::pack;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

pub struct PackScan {
    /// Blobs with hits.
    pub outcomes: Vec<BlobOutcome>,
    pub bytes: u64,
    /// Wanted blobs the traversal did not scan: it stopped early (an object over the
    /// in-memory limit, a damaged pack) or the id was not a blob. The caller reads them one by
    /// one, which streams large blobs and names the ones it cannot read.
    pub unread: Vec<ObjectId>,
}

/// Scans the `wanted` blobs (pack offset, id; sorted by offset) of one pack.
pub fn scan_pack(
    index: &pack::index::File,
    data: &pack::data::File,
    wanted: &[(u64, ObjectId)],
    set: &Ruleset,
) -> PackScan {
    let scanned: Vec<AtomicBool> = wanted.iter().map(|_| AtomicBool::new(false)).collect();
    let outcomes = Mutex::new(Vec::new());
    let bytes = AtomicU64::new(0);
    let (scanned_ref, outcomes_ref, bytes_ref) = (&scanned, &outcomes, &bytes);
    let inspect = move |kind: gix::objs::Kind,
                        decoded: &[u8],
                        entry: &pack::index::Entry,
                        _: &dyn gix::Progress|
          -> gix::Result {
        if kind != gix::objs::Kind::Blob {
            return Ok(());
        }
        let Ok(i) = wanted.binary_search_by_key(&entry.pack_offset, |&(offset, _)| offset) else {
            return Ok(());
        };
        let (count, outcome) = scan_decoded(set, wanted[i].1, decoded);
        bytes_ref.fetch_add(count, Ordering::Relaxed);
        if let Some(outcome) = outcome {
            outcomes_ref
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(outcome);
        }
        scanned_ref[i].store(true, Ordering::Relaxed);
        Ok(())
    };
    let options = pack::index::traverse::with_index::Options {
        thread_limit: Some(rayon::current_num_threads()),
        // Checksums guard against disk corruption, which a secret scan need not prove absent;
        // a damaged object still fails to decode and is then read (and named) one by one.
        check: pack::index::traverse::SafetyCheck::SkipFileAndObjectChecksumVerification,
        // Larger objects are left to the one-by-one path, which streams them.
        alloc_limit_bytes: Some(MAX_BLOB_BYTES as usize),
    };
    let never = AtomicBool::new(false);
    // An error only means the traversal stopped early: `unread` lists what it did not reach.
    let _stopped_early = index
        .traverse_with_index(data, inspect, &mut gix::progress::Discard, &never, options)
        .is_err();
    let unread = wanted
        .iter()
        .zip(&scanned)
        .filter(|(_, done)| !done.load(Ordering::Relaxed))
        .map(|(&(_, id), _)| id)
        .collect();
    PackScan {
        outcomes: outcomes.into_inner().unwrap_or_else(|e| e.into_inner()),
        bytes: bytes.into_inner(),
        unread,
    }
}
