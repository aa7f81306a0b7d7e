//! What git knows about the audited tree: tracked files and the current commit.
//! Uses the `git` executable; without git (or outside a repository) the audit still works.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Stdio};

#[derive(Debug, Clone, Default)]
pub struct GitInfo {
    /// Tracked paths relative to the audited root, `/`-separated.
    pub tracked: HashSet<String>,
    pub commit: Option<String>,
}

/// Returns None when `root` is not inside a git work tree or git is unavailable.
pub fn discover(root: &Path) -> Option<GitInfo> {
    let inside = git(root, &["rev-parse", "--is-inside-work-tree"])?;
    if inside.trim() != "true" {
        return None;
    }
    let listing = git(
        root,
        &[
            "-c",
            "core.quotepath=off",
            "ls-files",
            "-z",
            "--cached",
            "--full-name",
        ],
    )?;
    let prefix = git(root, &["rev-parse", "--show-prefix"]).unwrap_or_default();
    let prefix = prefix.trim();
    let tracked = listing
        .split('\0')
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.strip_prefix(prefix))
        .map(str::to_string)
        .collect();
    let commit = git(root, &["rev-parse", "--verify", "-q", "HEAD"])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    Some(GitInfo { tracked, commit })
}

fn git(root: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
