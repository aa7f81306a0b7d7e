//! Scanning git history: every blob reachable from any ref is scanned once (deduplicated by
//! blob id, and trees by tree id, so a history of ten thousand commits over the same files
//! costs what its distinct blobs cost). Each finding is attributed to the oldest commit whose
//! tree holds the blob, and marked as still present when HEAD's tree holds the same secret.
//!
//! Three stages, each on every core: walk the trees of all commits (`reachable`), decode and
//! scan the blobs (`delta_tree` decodes each pack once along its delta tree; `blobs` reads
//! loose objects and large blobs one by one), attribute the hits (`attribute`). Memory holds
//! object ids and paths, the decoded bases of the delta chains in progress, and at most
//! [`MAX_BLOB_BYTES`] per decoded blob (larger ones are streamed or named as skipped).

mod attribute;
mod blobs;
mod commits;
mod delta_tree;
mod pack_map;
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
    let sync = repo.into_sync();
    let walk_repos = repos::Repos::new(&sync);

    let (origins, head_blobs) = rayon::join(
        || reachable::first_seen(&walk_repos, &commits),
        || head_blob_ids(&walk_repos, head),
    );
    let origins = origins?;
    // The walk's pack caches hold trees, and gix's mappings of the packs the pages it read:
    // both are let go before the blobs are decoded, by a fresh handle for that stage.
    drop(walk_repos);
    drop(sync);
    let sync = gix::open(repo_path)
        .map_err(|e| format!("{}: not a git repository: {e}", repo_path.display()))?
        .into_sync();
    let scanned = scan_all_blobs(&sync, &packs, set, origins.keys().copied());

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

/// A pack is decoded whole along its delta tree when at least this share (1/N) of its objects
/// are blobs to scan; a pack of mostly other objects (unreachable ones, a cruft pack) has its
/// few wanted blobs read one by one instead.
const TRAVERSE_SHARE: usize = 16;

/// Scans every blob of `ids` once: packs holding a good share of them are decoded along their
/// delta trees; the rest (loose objects, blobs a traversal did not reach) are read one by one
/// in pack order.
fn scan_all_blobs(
    sync: &gix::ThreadSafeRepository,
    packs: &packs::Packs,
    set: &Ruleset,
    ids: impl Iterator<Item = ObjectId>,
) -> blobs::Scanned {
    let (per_pack, mut rest) = packs.group(ids);
    let mut outcomes = Vec::new();
    let mut bytes = 0;
    for (n, wanted) in per_pack.into_iter().enumerate() {
        let pack = packs.pack(n);
        if wanted.is_empty() || wanted.len() * TRAVERSE_SHARE < pack.0.num_objects() as usize {
            rest.extend(wanted.into_iter().map(|(_, id)| id));
            continue;
        }
        let scan = delta_tree::scan_pack(pack, &wanted, set);
        outcomes.extend(scan.outcomes);
        bytes += scan.bytes;
        rest.extend(scan.unread);
    }
    let mut order: Vec<(packs::Location, ObjectId)> = rest
        .into_iter()
        .map(|id| (packs.location(&id), id))
        .collect();
    order.sort_unstable();
    let ordered: Vec<ObjectId> = order.into_iter().map(|(_, id)| id).collect();
    let one_by_one = blobs::scan_blobs(&repos::Repos::new(sync), packs, set, &ordered);
    outcomes.extend(one_by_one.outcomes);
    // Sorted so that outcomes (and the skipped list built from them) do not depend on the
    // order workers finished in.
    outcomes.sort_by_key(|o| o.blob);
    blobs::Scanned {
        outcomes,
        bytes: bytes + one_by_one.bytes,
    }
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

#[cfg(test)]
mod tests;
