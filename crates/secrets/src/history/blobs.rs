//! Reading and scanning the history's blobs on every core, in pack order. Blobs up to
//! [`MAX_BLOB_BYTES`] are decoded whole; larger ones are streamed through the chunked scanner
//! when stored whole, and reported as skipped (with the reason) when stored as deltas.

use super::packs::Packs;
use super::repos::Repos;
use crate::ruleset::Ruleset;
use crate::scan::{SecretHit, scan, scan_reader};
use gix::ObjectId;
use rayon::prelude::*;
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};

/// Blobs larger than this are not decoded in memory.
pub const MAX_BLOB_BYTES: u64 = 32 * 1024 * 1024;
/// Blobs a worker takes at once: consecutive in the pack, so they share delta bases.
const RUN: usize = 64;
/// NUL bytes in this many leading bytes mark a binary blob (as git decides).
const BINARY_PROBE: usize = 8000;

/// A blob that had hits, or could not be scanned.
pub struct BlobOutcome {
    pub blob: ObjectId,
    pub hits: Vec<SecretHit>,
    pub skipped: Option<String>,
}

pub struct Scanned {
    /// Only blobs with hits or a reason they were skipped.
    pub outcomes: Vec<BlobOutcome>,
    pub bytes: u64,
}

/// Scans `blobs`, which the caller sorted by pack location.
pub fn scan_blobs(repos: &Repos, packs: &Packs, set: &Ruleset, blobs: &[ObjectId]) -> Scanned {
    let bytes = AtomicU64::new(0);
    let outcomes = blobs
        .par_chunks(RUN)
        .flat_map_iter(|run| {
            let bytes = &bytes;
            run.iter().filter_map(move |&blob| {
                let (scanned, outcome) = repos.with(|repo| scan_blob(repo, packs, set, blob));
                bytes.fetch_add(scanned, Ordering::Relaxed);
                outcome
            })
        })
        .collect();
    Scanned {
        outcomes,
        bytes: bytes.into_inner(),
    }
}

/// Bytes scanned and, when there is something to say, the outcome.
fn scan_blob(
    repo: &gix::Repository,
    packs: &Packs,
    set: &Ruleset,
    blob: ObjectId,
) -> (u64, Option<BlobOutcome>) {
    let skip = |why: String| BlobOutcome {
        blob,
        hits: Vec::new(),
        skipped: Some(why),
    };
    let size = match repo.find_header(blob) {
        Ok(header) => header.size(),
        Err(e) => return (0, Some(skip(e.to_string()))),
    };
    if size > MAX_BLOB_BYTES {
        return match packs.stream(&blob) {
            Some(stream) => match scan_stream(set, stream, size) {
                Ok((hits, bytes)) => (bytes, some_hits(blob, hits)),
                Err(e) => (0, Some(skip(format!("{size} bytes, stream failed: {e}")))),
            },
            None => {
                let why = format!(
                    "{size} bytes stored as a delta: over the {} MiB limit for decoding in memory",
                    MAX_BLOB_BYTES >> 20
                );
                (0, Some(skip(why)))
            }
        };
    }
    let object = match repo.find_blob(blob) {
        Ok(object) => object,
        Err(e) => return (0, Some(skip(e.to_string()))),
    };
    scan_decoded(set, blob, &object.data)
}

/// Scans a decoded blob (binary ones are counted, not scanned): bytes scanned and the outcome
/// when it had hits.
pub fn scan_decoded(set: &Ruleset, blob: ObjectId, data: &[u8]) -> (u64, Option<BlobOutcome>) {
    if is_binary(data) {
        return (data.len() as u64, None);
    }
    (data.len() as u64, some_hits(blob, scan(set, data)))
}

/// NUL bytes near the start: a binary blob, counted but not scanned.
pub fn is_binary(data: &[u8]) -> bool {
    data[..data.len().min(BINARY_PROBE)].contains(&0)
}

/// Chunked scan of a large blob; binary ones are counted (`size`) and not inflated further.
fn scan_stream(
    set: &Ruleset,
    mut stream: Box<dyn Read + '_>,
    size: u64,
) -> std::io::Result<(Vec<SecretHit>, u64)> {
    let mut head = Vec::with_capacity(BINARY_PROBE);
    (&mut stream)
        .take(BINARY_PROBE as u64)
        .read_to_end(&mut head)?;
    if head.contains(&0) {
        return Ok((Vec::new(), size));
    }
    scan_reader(set, std::io::Cursor::new(head).chain(stream))
}

fn some_hits(blob: ObjectId, hits: Vec<SecretHit>) -> Option<BlobOutcome> {
    (!hits.is_empty()).then_some(BlobOutcome {
        blob,
        hits,
        skipped: None,
    })
}
