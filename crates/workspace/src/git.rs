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

/// Settings of the audited repository's own `.git/config` that make git run a command during
/// the read-only calls above. The repository is untrusted input: a crafted config (in an
/// unpacked archive, say) must not execute anything, so these are overridden on every call.
const NEUTRALISED_CONFIG: [&str; 2] = ["-c", "core.fsmonitor=false"];

fn git(root: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(NEUTRALISED_CONFIG)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(dir: &Path, args: &[&str]) {
        let status = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .stdout(Stdio::null())
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }

    #[test]
    fn a_crafted_fsmonitor_command_is_not_run() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = dir.path().join("repo");
        std::fs::create_dir(&repo).expect("mkdir");
        run(&repo, &["init", "-q"]);
        std::fs::write(repo.join("a.txt"), "a\n").expect("write");
        run(&repo, &["add", "a.txt"]);
        // What an attacker would leave in `.git/config`: git runs this hook whenever it reads
        // the index, which `ls-files` does.
        let marker = dir.path().join("executed");
        let hook = format!("touch '{}'; false", marker.display());
        run(&repo, &["config", "core.fsmonitor", &hook]);

        let info = discover(&repo).expect("a git work tree");

        assert!(info.tracked.contains("a.txt"), "{:?}", info.tracked);
        assert!(!marker.exists(), "the repository's fsmonitor command ran");
    }
}
