//! Scanning git history: every blob reachable from any ref is scanned once (deduplicated by
//! blob id, and trees by tree id, so a history of ten thousand commits over the same files
//! costs what its distinct blobs cost). Each finding is attributed to the oldest commit whose
//! tree holds the blob, and marked as still present when HEAD's tree holds the same secret.
//!
//! Three stages, each on every core: walk the trees of all commits (`reachable`), read and scan
//! the blobs in pack order (`blobs`), attribute the hits (`attribute`). Memory holds object ids
//! and paths, never more than one decoded blob per worker plus its pack cache.

mod attribute;
mod blobs;
mod commits;
mod packs;
mod reachable;
mod repos;

use crate::ruleset::Ruleset;
use crate::scan::SecretHit;
use gix::ObjectId;
use std::collections::HashSet;
use std::path::Path;

pub use blobs::MAX_BLOB_BYTES;

/// A secret found in history.
#[derive(Clone, Debug)]
pub struct HistoryHit {
    pub hit: SecretHit,
    pub path: String,
    /// The oldest commit (by commit time) whose tree contains the blob.
    pub commit: String,
    pub commit_time: i64,
    /// HEAD's tree still contains a blob with the same secret (same fingerprint).
    pub at_head: bool,
}

#[derive(Debug, Default)]
pub struct HistoryScan {
    pub hits: Vec<HistoryHit>,
    pub commits: usize,
    pub blobs: usize,
    pub bytes: u64,
    /// Blobs not scanned, with the reason (a large delta, unreadable).
    pub skipped: Vec<(String, String)>,
}

pub fn scan_history(repo_path: &Path, set: &Ruleset) -> Result<HistoryScan, String> {
    let repo = gix::open(repo_path)
        .map_err(|e| format!("{}: not a git repository: {e}", repo_path.display()))?;
    let commits = commits::reachable_commits(&repo)?;
    let head = head_commit(&repo);
    let packs = packs::Packs::open(repo.objects.store_ref().path(), repo.object_hash());
    let repos = repos::Repos::new(&repo.into_sync());

    let (origins, head_blobs) = rayon::join(
        || reachable::first_seen(&repos, &commits),
        || head_blob_ids(&repos, head),
    );
    let origins = origins?;
    let mut order: Vec<(packs::Location, ObjectId)> =
        origins.keys().map(|id| (packs.location(id), *id)).collect();
    order.sort_unstable();
    let ordered: Vec<ObjectId> = order.into_iter().map(|(_, id)| id).collect();
    let scanned = blobs::scan_blobs(&repos, &packs, set, &ordered);

    let mut skipped: Vec<(String, String)> = scanned
        .outcomes
        .iter()
        .filter_map(|o| {
            let why = o.skipped.as_ref()?;
            let path = origins.get(&o.blob).map_or("", |origin| &origin.path);
            Some((path.to_string(), format!("blob {}: {why}", o.blob)))
        })
        .collect();
    skipped.sort();
    let hits = attribute::attribute(&scanned.outcomes, &origins, &commits, &head_blobs);
    Ok(HistoryScan {
        hits,
        commits: commits.len(),
        blobs: origins.len(),
        bytes: scanned.bytes,
        skipped,
    })
}

/// HEAD's commit with its tree, when HEAD points at one.
fn head_commit(repo: &gix::Repository) -> Option<commits::Commit> {
    let id = repo.head_id().ok()?.detach();
    let tree = repo.find_commit(id).ok()?.tree_id().ok()?.detach();
    Some(commits::Commit { id, time: 0, tree })
}

fn head_blob_ids(repos: &repos::Repos, head: Option<commits::Commit>) -> HashSet<ObjectId> {
    let Some(head) = head else {
        return HashSet::new();
    };
    reachable::first_seen(repos, std::slice::from_ref(&head))
        .map(|blobs| blobs.into_keys().collect())
        .unwrap_or_default()
}
