//! The commits reachable from every ref and HEAD, oldest first: their position in this list is
//! the "age rank" the walk uses to attribute a blob to the commit that introduced it.

use gix::ObjectId;

/// One commit and its root tree.
pub struct Commit {
    pub id: ObjectId,
    pub time: i64,
    pub tree: ObjectId,
}

/// Every commit reachable from a ref or HEAD, sorted by (commit time, id) so ties are stable.
pub fn reachable_commits(repo: &gix::Repository) -> Result<Vec<Commit>, String> {
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

    let mut commits = Vec::new();
    for info in repo.rev_walk(tips).all().map_err(|e| e.to_string())? {
        let info = info.map_err(|e| e.to_string())?;
        let commit = repo.find_commit(info.id).map_err(|e| e.to_string())?;
        let time = commit.time().map(|t| t.seconds).unwrap_or(0);
        let tree = commit.tree_id().map_err(|e| e.to_string())?.detach();
        commits.push(Commit {
            id: info.id,
            time,
            tree,
        });
    }
    commits.sort_by_key(|c| (c.time, c.id));
    Ok(commits)
}
