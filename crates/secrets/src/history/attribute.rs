//! Turning per-blob hits into history findings: each secret is attributed to the oldest commit
//! that holds it (per path), and marked as still present when a blob of HEAD's tree holds it.

use super::HistoryHit;
use super::blobs::BlobOutcome;
use super::commits::Commit;
use super::reachable::Origin;
use gix::ObjectId;
use std::collections::{HashMap, HashSet};

pub fn attribute(
    outcomes: &[BlobOutcome],
    origins: &HashMap<ObjectId, Origin>,
    commits: &[Commit],
    head_blobs: &HashSet<ObjectId>,
) -> Vec<HistoryHit> {
    let at_head: HashSet<&str> = outcomes
        .iter()
        .filter(|o| head_blobs.contains(&o.blob))
        .flat_map(|o| o.hits.iter().map(|h| h.fingerprint.as_str()))
        .collect();
    // One entry per secret and path: the oldest introduction (lowest rank) wins.
    let mut earliest: HashMap<(&str, &str), (u32, &BlobOutcome, usize)> = HashMap::new();
    for outcome in outcomes {
        let Some(origin) = origins.get(&outcome.blob) else {
            continue;
        };
        for (i, hit) in outcome.hits.iter().enumerate() {
            let key = (hit.fingerprint.as_str(), origin.path.as_str());
            match earliest.get(&key) {
                Some(&(rank, _, _)) if rank <= origin.rank => {}
                _ => {
                    earliest.insert(key, (origin.rank, outcome, i));
                }
            }
        }
    }
    let mut hits: Vec<(u32, HistoryHit)> = earliest
        .into_iter()
        .map(|((fingerprint, path), (rank, outcome, i))| {
            let commit = &commits[rank as usize];
            let hit = HistoryHit {
                hit: outcome.hits[i].clone(),
                path: path.to_string(),
                commit: commit.id.to_string(),
                commit_time: commit.time,
                at_head: at_head.contains(fingerprint),
            };
            (rank, hit)
        })
        .collect();
    hits.sort_by(|(ra, a), (rb, b)| {
        (ra, &a.path, a.hit.line, a.hit.column, a.hit.rule).cmp(&(
            rb,
            &b.path,
            b.hit.line,
            b.hit.column,
            b.hit.rule,
        ))
    });
    hits.into_iter().map(|(_, hit)| hit).collect()
}
