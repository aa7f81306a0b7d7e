//! Scanning git history: every blob reachable from any ref is scanned once (deduplicated by
//! blob id, and trees by tree id, so a history of ten thousand commits over the same files
//! costs what its distinct blobs cost). Each finding is attributed to the oldest commit whose
//! tree holds the blob, and marked as still present when HEAD's tree holds the same secret.

use crate::ruleset::Ruleset;
use crate::scan::{SecretHit, scan};
use gix::ObjectId;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Blobs larger than this are not scanned (listed in `skipped`).
pub const MAX_BLOB_BYTES: usize = 32 * 1024 * 1024;

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
    /// Blobs not scanned, with the reason (too big, binary, unreadable).
    pub skipped: Vec<(String, String)>,
}

/// What scanning one blob gave.
struct BlobResult {
    hits: Vec<HistoryHit>,
    bytes: u64,
    skipped: Option<(String, String)>,
    blob: ObjectId,
}

/// A blob to scan: where it first appeared.
struct FirstSeen {
    blob: ObjectId,
    path: String,
    commit: ObjectId,
    time: i64,
}

pub fn scan_history(repo_path: &Path, set: &Ruleset) -> Result<HistoryScan, String> {
    let repo = gix::open(repo_path)
        .map_err(|e| format!("{}: not a git repository: {e}", repo_path.display()))?;
    let mut tips: Vec<ObjectId> = Vec::new();
    let refs = repo.references().map_err(|e| e.to_string())?;
    for reference in refs.all().map_err(|e| e.to_string())?.flatten() {
        let mut reference = reference;
        if let Ok(id) = reference.peel_to_id() {
            tips.push(id.detach());
        }
    }
    if let Ok(head) = repo.head_id() {
        tips.push(head.detach());
    }
    tips.sort();
    tips.dedup();
    // Only commits: a ref may point at a tag object peeled to a tree or blob.
    tips.retain(|id| repo.find_commit(*id).is_ok());

    let mut commits: Vec<(i64, ObjectId, ObjectId)> = Vec::new();
    for info in repo
        .rev_walk(tips.clone())
        .all()
        .map_err(|e| e.to_string())?
    {
        let info = info.map_err(|e| e.to_string())?;
        let commit = repo.find_commit(info.id).map_err(|e| e.to_string())?;
        let time = commit.time().map(|t| t.seconds).unwrap_or(0);
        let tree = commit.tree_id().map_err(|e| e.to_string())?.detach();
        commits.push((time, info.id, tree));
    }
    commits.sort_by_key(|(time, id, _)| (*time, *id));

    let mut seen_trees: HashSet<ObjectId> = HashSet::new();
    let mut seen_blobs: HashSet<ObjectId> = HashSet::new();
    let mut to_scan: Vec<FirstSeen> = Vec::new();
    for (time, commit, tree) in &commits {
        collect_new_blobs(
            &repo,
            *tree,
            "",
            &mut seen_trees,
            &mut seen_blobs,
            &mut |blob, path| {
                to_scan.push(FirstSeen {
                    blob,
                    path,
                    commit: *commit,
                    time: *time,
                });
            },
        )?;
    }
    let head_blobs = head_blob_ids(&repo);

    let sync = repo.into_sync();
    let results: Vec<BlobResult> = to_scan
        .par_iter()
        .map_init(
            || sync.to_thread_local(),
            |repo, seen| {
                let blob = match repo.find_blob(seen.blob) {
                    Ok(b) => b,
                    Err(e) => {
                        return BlobResult {
                            hits: Vec::new(),
                            bytes: 0,
                            skipped: Some((seen.path.clone(), e.to_string())),
                            blob: seen.blob,
                        };
                    }
                };
                let data = &blob.data;
                if data.len() > MAX_BLOB_BYTES {
                    let why = format!(
                        "{} bytes is over the {} MiB limit",
                        data.len(),
                        MAX_BLOB_BYTES >> 20
                    );
                    return BlobResult {
                        hits: Vec::new(),
                        bytes: 0,
                        skipped: Some((seen.path.clone(), why)),
                        blob: seen.blob,
                    };
                }
                if data[..data.len().min(8000)].contains(&0) {
                    return BlobResult {
                        hits: Vec::new(),
                        bytes: data.len() as u64,
                        skipped: None,
                        blob: seen.blob,
                    };
                }
                let hits = scan(set, data)
                    .into_iter()
                    .map(|hit| HistoryHit {
                        hit,
                        path: seen.path.clone(),
                        commit: seen.commit.to_string(),
                        commit_time: seen.time,
                        at_head: false,
                    })
                    .collect();
                BlobResult {
                    hits,
                    bytes: data.len() as u64,
                    skipped: None,
                    blob: seen.blob,
                }
            },
        )
        .collect();

    let mut out = HistoryScan {
        commits: commits.len(),
        blobs: to_scan.len(),
        ..HistoryScan::default()
    };
    let mut at_head_prints: HashSet<String> = HashSet::new();
    for r in &results {
        out.bytes += r.bytes;
        if head_blobs.contains(&r.blob) {
            at_head_prints.extend(r.hits.iter().map(|h| h.hit.fingerprint.clone()));
        }
        if let Some(s) = &r.skipped {
            out.skipped.push(s.clone());
        }
    }
    for r in results {
        out.hits.extend(r.hits);
    }
    for h in &mut out.hits {
        h.at_head = at_head_prints.contains(&h.hit.fingerprint);
    }
    // One entry per secret and blob path: the earliest introduction.
    let mut earliest: HashMap<(String, String), usize> = HashMap::new();
    for (i, h) in out.hits.iter().enumerate() {
        let key = (h.hit.fingerprint.clone(), h.path.clone());
        match earliest.get(&key) {
            Some(&j) if out.hits[j].commit_time <= h.commit_time => {}
            _ => {
                earliest.insert(key, i);
            }
        }
    }
    let mut keep: Vec<usize> = earliest.into_values().collect();
    keep.sort_unstable();
    out.hits = keep.into_iter().map(|i| out.hits[i].clone()).collect();
    out.hits.sort_by(|a, b| {
        (a.commit_time, &a.path, a.hit.line).cmp(&(b.commit_time, &b.path, b.hit.line))
    });
    Ok(out)
}

/// Walks a tree, calling `found` for blobs not seen before; subtrees seen before are skipped
/// (their blobs were already collected). Iterative: deep trees cannot overflow the stack.
fn collect_new_blobs(
    repo: &gix::Repository,
    root: ObjectId,
    prefix: &str,
    seen_trees: &mut HashSet<ObjectId>,
    seen_blobs: &mut HashSet<ObjectId>,
    found: &mut impl FnMut(ObjectId, String),
) -> Result<(), String> {
    let mut stack = vec![(root, prefix.to_string())];
    while let Some((tree_id, dir)) = stack.pop() {
        if !seen_trees.insert(tree_id) {
            continue;
        }
        let tree = repo.find_tree(tree_id).map_err(|e| e.to_string())?;
        for entry in tree.iter() {
            let entry = entry.map_err(|e| e.to_string())?;
            let name = entry.filename().to_string();
            let path = if dir.is_empty() {
                name
            } else {
                format!("{dir}/{name}")
            };
            let mode = entry.mode();
            let id = entry.oid().to_owned();
            if mode.is_tree() {
                stack.push((id, path));
            } else if mode.is_blob() && seen_blobs.insert(id) {
                found(id, path);
            }
        }
    }
    Ok(())
}

fn head_blob_ids(repo: &gix::Repository) -> HashSet<ObjectId> {
    let mut blobs = HashSet::new();
    let Ok(tree) = repo.head_tree_id() else {
        return blobs;
    };
    let mut trees = HashSet::new();
    let _ = collect_new_blobs(
        repo,
        tree.detach(),
        "",
        &mut trees,
        &mut blobs,
        &mut |_, _| {},
    );
    blobs
}
