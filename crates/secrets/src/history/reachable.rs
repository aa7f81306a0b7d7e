//! Which blobs the history holds and where each first appeared, walking trees on every core.
//! Trees are deduplicated by id as well as blobs, so a tree shared by a thousand commits is read
//! once. A tree or blob is claimed by the oldest commit (then the smallest path) that holds it;
//! a later claim by an older commit re-walks the tree, so the result does not depend on which
//! worker got there first.

use super::commits::Commit;
use super::repos::Repos;
use gix::ObjectId;
use std::collections::HashMap;
use std::sync::Mutex;

/// Where a blob first appeared: the oldest commit (its rank in the oldest-first commit list)
/// and, within that commit, the smallest path holding it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Origin {
    pub rank: u32,
    pub path: String,
}

/// Commits walked together: bounds the queued work, and keeps old commits ahead of new ones
/// so re-walks stay rare.
const COMMIT_BATCH: usize = 64;
const SHARDS: usize = 64;

/// Object id → smallest origin seen, in shards so workers rarely wait on one another.
struct OriginMap {
    shards: Vec<Mutex<HashMap<ObjectId, Origin>>>,
}

impl OriginMap {
    fn new() -> OriginMap {
        OriginMap {
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
        }
    }

    /// Records `(rank, path)` for `id` unless an equal or smaller origin is recorded: true when
    /// it was recorded (the caller then owns walking it).
    fn claim(&self, id: ObjectId, rank: u32, path: &str) -> bool {
        let shard = &self.shards[id.as_bytes()[0] as usize % SHARDS];
        let mut map = shard.lock().unwrap_or_else(|e| e.into_inner());
        match map.get_mut(&id) {
            Some(old) if (old.rank, old.path.as_str()) <= (rank, path) => false,
            Some(old) => {
                *old = Origin {
                    rank,
                    path: path.to_string(),
                };
                true
            }
            None => {
                map.insert(
                    id,
                    Origin {
                        rank,
                        path: path.to_string(),
                    },
                );
                true
            }
        }
    }

    fn into_map(self) -> HashMap<ObjectId, Origin> {
        let mut out = HashMap::new();
        for shard in self.shards {
            out.extend(shard.into_inner().unwrap_or_else(|e| e.into_inner()));
        }
        out
    }
}

struct Walk<'r> {
    repos: &'r Repos,
    trees: OriginMap,
    blobs: OriginMap,
    error: Mutex<Option<String>>,
}

/// Every blob reachable from `commits` (oldest first) with its origin.
pub fn first_seen(repos: &Repos, commits: &[Commit]) -> Result<HashMap<ObjectId, Origin>, String> {
    let walk = Walk {
        repos,
        trees: OriginMap::new(),
        blobs: OriginMap::new(),
        error: Mutex::new(None),
    };
    for (batch_index, batch) in commits.chunks(COMMIT_BATCH).enumerate() {
        let walk = &walk;
        // FIFO: older commits' trees are read before newer ones', level by level.
        rayon::scope_fifo(|scope| {
            for (i, commit) in batch.iter().enumerate() {
                let rank = (batch_index * COMMIT_BATCH + i) as u32;
                let tree = commit.tree;
                scope.spawn_fifo(move |scope| walk.visit(scope, tree, rank, String::new()));
            }
        });
        if let Some(e) = walk.error.lock().unwrap_or_else(|e| e.into_inner()).take() {
            return Err(e);
        }
    }
    Ok(walk.blobs.into_map())
}

impl<'r> Walk<'r> {
    fn visit<'s>(&'s self, scope: &rayon::ScopeFifo<'s>, tree: ObjectId, rank: u32, dir: String)
    where
        'r: 's,
    {
        if self.failed() || !self.trees.claim(tree, rank, &dir) {
            return;
        }
        let entries = match self.repos.with(|repo| tree_entries(repo, tree)) {
            Ok(entries) => entries,
            Err(e) => {
                self.fail(format!("tree {tree} at `{dir}`: {e}"));
                return;
            }
        };
        for (is_tree, id, name) in entries {
            let path = if dir.is_empty() {
                name
            } else {
                format!("{dir}/{name}")
            };
            if is_tree {
                scope.spawn_fifo(move |scope| self.visit(scope, id, rank, path));
            } else {
                self.blobs.claim(id, rank, &path);
            }
        }
    }

    fn failed(&self) -> bool {
        self.error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }

    fn fail(&self, message: String) {
        let mut error = self.error.lock().unwrap_or_else(|e| e.into_inner());
        error.get_or_insert(message);
    }
}

/// A tree's subtrees and blobs as (is a tree, id, name); submodule commits are not ours to read.
fn tree_entries(
    repo: &gix::Repository,
    tree: ObjectId,
) -> Result<Vec<(bool, ObjectId, String)>, String> {
    let tree = repo.find_tree(tree).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for entry in tree.iter() {
        let entry = entry.map_err(|e| e.to_string())?;
        let mode = entry.mode();
        if mode.is_tree() || mode.is_blob() {
            out.push((
                mode.is_tree(),
                entry.oid().to_owned(),
                entry.filename().to_string(),
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_commit_then_the_smallest_path_keeps_the_claim() {
        let map = OriginMap::new();
        let id = ObjectId::from_hex(b"1111111111111111111111111111111111111111").expect("hex");
        assert!(map.claim(id, 5, "src/b.rs"));
        assert!(
            !map.claim(id, 5, "src/b.rs"),
            "same origin: nothing to re-walk"
        );
        assert!(!map.claim(id, 7, "a.rs"), "a newer commit never wins");
        assert!(map.claim(id, 5, "src/a.rs"), "same commit, smaller path");
        assert!(
            map.claim(id, 2, "z.rs"),
            "an older commit wins whatever the path"
        );
        let origins = map.into_map();
        assert_eq!(
            origins.get(&id),
            Some(&Origin {
                rank: 2,
                path: "z.rs".to_string()
            })
        );
    }
}
