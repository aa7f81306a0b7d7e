//! The history scan gives the same findings whether objects are loose (read one by one) or
//! packed with deltas by `git gc --aggressive` (decoded along the pack's delta tree).

use super::*;
use crate::ruleset;
use std::path::Path;
use std::process::Command;

const KEY_OLD: &str = "AKIAZ3MNQ7WXYR4TPLKB";
const KEY_KEPT: &str = "AKIAQ4RTZ7MNXW2PLKVB";
/// For git commands that record no commit: the date they are given does not matter.
const ANY_TIME: u64 = 1_600_000_000;

fn git(dir: &Path, args: &[&str], when: u64) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.email=t@example.invalid", "-c", "user.name=t"])
        .args(["-c", "init.defaultBranch=main", "-c", "gc.auto=0"])
        .args(args)
        .env("GIT_AUTHOR_DATE", format!("{when} +0000"))
        .env("GIT_COMMITTER_DATE", format!("{when} +0000"))
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8(out.stdout)
        .expect("utf8")
        .trim()
        .to_string()
}

/// A settings file of a few KiB whose versions differ by a line or two, so git deltifies them.
fn settings(version: usize, key: Option<&str>) -> String {
    let mut text = String::new();
    for n in 0..120 {
        text.push_str(&format!(
            "option_{n} = \"value {n} of the service settings\"\n"
        ));
        if n == 60 {
            text.push_str(&format!("revision = {version}\n"));
            if let Some(key) = key {
                text.push_str(&format!("aws_access_key_id = \"{key}\"\n"));
            }
        }
    }
    text
}

/// 24 commits on main and a side branch: a key added at commit 5 and removed at 15, another
/// added at 10 and kept, the same file copied under a second path.
fn make_history(root: &Path) -> Vec<String> {
    git(root, &["init", "-q"], ANY_TIME);
    let mut commits = Vec::new();
    for version in 0..24 {
        let old = (5..15).contains(&version).then_some(KEY_OLD);
        std::fs::create_dir_all(root.join("config/prod")).expect("mkdir");
        std::fs::write(root.join("config/prod/settings.py"), settings(version, old))
            .expect("write");
        let kept = (version >= 10).then_some(KEY_KEPT);
        std::fs::write(root.join("deploy.cfg"), settings(version + 100, kept)).expect("write");
        if version == 18 {
            std::fs::write(root.join("copy.cfg"), settings(version + 100, kept)).expect("write");
        }
        let when = 1_700_000_000 + version as u64 * 60;
        git(root, &["add", "-A"], when);
        git(root, &["commit", "-qm", &format!("v{version}")], when);
        commits.push(git(root, &["rev-parse", "HEAD"], when));
    }
    git(root, &["checkout", "-qb", "side", &commits[7]], ANY_TIME);
    std::fs::write(root.join("side.env"), format!("AWS_KEY={KEY_OLD}\n")).expect("write");
    git(root, &["add", "-A"], 1_700_100_000);
    git(root, &["commit", "-qm", "side"], 1_700_100_000);
    git(root, &["checkout", "-q", "main"], ANY_TIME);
    commits
}

type Row = (String, String, u32, u32, String, bool);

fn rows(scan: &HistoryScan) -> Vec<Row> {
    scan.hits
        .iter()
        .map(|h| {
            (
                h.path.clone(),
                h.commit.clone(),
                h.hit.line,
                h.hit.column,
                h.hit.fingerprint.clone(),
                h.at_head,
            )
        })
        .collect()
}

fn blob_deltas(root: &Path) -> usize {
    let out = git(
        root,
        &[
            "cat-file",
            "--batch-all-objects",
            "--batch-check=%(objecttype) %(deltabase)",
        ],
        ANY_TIME,
    );
    out.lines()
        .filter(|l| l.starts_with("blob ") && !l.ends_with(&"0".repeat(40)))
        .count()
}

#[test]
fn packed_deltas_give_the_same_findings_as_loose_objects() {
    let dir = tempfile::tempdir().expect("tempdir");
    let loose = dir.path().join("loose");
    std::fs::create_dir(&loose).expect("mkdir");
    let commits = make_history(&loose);
    let packed = dir.path().join("packed");
    let copied = Command::new("cp")
        .arg("-r")
        .arg(&loose)
        .arg(&packed)
        .status()
        .expect("cp runs");
    assert!(copied.success());
    git(
        &packed,
        &["gc", "-q", "--aggressive", "--prune=now"],
        ANY_TIME,
    );
    assert!(blob_deltas(&packed) > 0, "gc stored some blobs as deltas");
    assert_eq!(blob_deltas(&loose), 0, "the loose copy has no pack");

    let a = scan_history(&loose, ruleset()).expect("loose scan");
    let b = scan_history(&packed, ruleset()).expect("packed scan");
    assert_eq!(rows(&a), rows(&b));
    assert_eq!((a.commits, a.blobs, a.bytes), (b.commits, b.blobs, b.bytes));
    assert!(a.skipped.is_empty() && b.skipped.is_empty());

    // And those findings are the right ones.
    let found = rows(&b);
    let at = |path: &str| found.iter().find(|r| r.0 == path).expect(path).clone();
    let old = at("config/prod/settings.py");
    assert_eq!((old.1.as_str(), old.5), (commits[5].as_str(), false));
    let kept = at("deploy.cfg");
    assert_eq!((kept.1.as_str(), kept.5), (commits[10].as_str(), true));
    assert_eq!(at("copy.cfg").1, commits[18]);
    assert!(!at("side.env").5);
    assert_eq!(found.len(), 4, "{found:?}");
}

#[test]
fn the_delta_tree_traversal_scans_every_wanted_blob_of_a_pack() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    make_history(root);
    git(root, &["gc", "-q", "--aggressive", "--prune=now"], ANY_TIME);
    let repo = gix::open(root).expect("open");
    let packs = packs::Packs::open(repo.objects.store_ref().path(), repo.object_hash());
    let commits = commits::reachable_commits(&repo).expect("commits");
    let repos = repos::Repos::new(&repo.clone().into_sync());
    let origins = reachable::first_seen(&repos, &commits).expect("walk");
    let (mut per_pack, loose) = packs.group(origins.keys().copied());
    assert!(loose.is_empty() && per_pack.len() == 1, "one pack after gc");
    let mut wanted = per_pack.remove(0);
    // A tree's id among the wanted blobs is not scanned: it is left for the one-by-one path.
    let tree = commits[0].tree;
    let (_, tree_offset) = packs.location(&tree);
    wanted.push((tree_offset, tree));
    wanted.sort_unstable();

    let scan = delta_tree::scan_pack(packs.pack(0), &wanted, ruleset());
    assert_eq!(scan.unread, vec![tree]);

    // Every blob's hits match a scan of the blob read through an ordinary lookup.
    let mut expected = Vec::new();
    let mut bytes = 0;
    for &(_, id) in &wanted {
        if id == tree {
            continue;
        }
        let blob = repo.find_blob(id).expect("blob");
        bytes += blob.data.len() as u64;
        let hits = crate::scan::scan(ruleset(), &blob.data);
        if !hits.is_empty() {
            expected.push((id, hits));
        }
    }
    expected.sort_by_key(|(id, _)| *id);
    let mut got: Vec<_> = scan
        .outcomes
        .into_iter()
        .map(|o| (o.blob, o.hits))
        .collect();
    got.sort_by_key(|(id, _)| *id);
    assert_eq!(got, expected);
    assert_eq!(scan.bytes, bytes);
    assert!(
        expected.len() >= 4,
        "the history holds secrets: {expected:?}"
    );
}
