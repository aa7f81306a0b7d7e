//! `vouch secrets` end to end: working tree vs --all-files, --history attribution, baselines,
//! and hostile inputs (a 1 GiB single-line file, ten million keyword hits) with bounded time.

use std::path::Path;
use std::process::Command;

const KEY_A: &str = "AKIAZ3MNQ7WXYR4TPLKB";
const KEY_B: &str = "AKIAQ4RTZ7MNXW2PLKVB";

fn vouch(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("vouch runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.email=t@example.invalid",
            "-c",
            "user.name=t",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .status()
        .expect("git runs")
        .success();
    assert!(ok, "git {args:?}");
}

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).expect("JSON output")
}

#[test]
fn working_tree_reports_tracked_and_untracked_but_not_ignored_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    git(root, &["init", "-q"]);
    std::fs::write(root.join(".gitignore"), "secrets.local\n").expect("write");
    std::fs::write(
        root.join("config.py"),
        format!("AWS_ACCESS_KEY_ID = \"{KEY_A}\"\n"),
    )
    .expect("write");
    std::fs::write(root.join("values.yaml"), format!("aws:\n  key: {KEY_A}\n")).expect("write");
    std::fs::write(root.join("secrets.local"), format!("k={KEY_B}\n")).expect("write");
    std::fs::write(root.join("notes.txt"), "placeholder AKIAIOSFODNN7EXAMPLE\n").expect("write");
    git(root, &["add", "config.py", ".gitignore", "notes.txt"]);

    let (code, out, err) = vouch(&["secrets", ".", "--format", "json"], root);
    assert_eq!(code, 1, "{err}");
    let doc = json(&out);
    let findings = doc["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1, "one secret, two places: {out}");
    let locations = findings[0]["locations"].as_array().expect("locations");
    let places: Vec<(&str, &str)> = locations
        .iter()
        .map(|l| {
            (
                l["path"].as_str().unwrap_or(""),
                l["context"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        places,
        vec![
            ("config.py", "tracked file"),
            ("values.yaml", "untracked file that git does not ignore")
        ]
    );
    assert_eq!(findings[0]["secret"], "AKIA****");
    assert!(!out.contains(KEY_A), "output must be redacted");

    let (code, out, _) = vouch(&["secrets", ".", "--all-files", "--format", "json"], root);
    assert_eq!(code, 1);
    assert_eq!(
        json(&out)["findings"].as_array().map(Vec::len),
        Some(2),
        "{out}"
    );
}

#[test]
fn history_attributes_each_secret_to_the_commit_that_introduced_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    git(root, &["init", "-q"]);
    std::fs::write(root.join("app.py"), format!("KEY = \"{KEY_A}\"\n")).expect("write");
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "add key"]);
    let first = String::from_utf8(
        Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["rev-parse", "HEAD"])
            .output()
            .expect("git")
            .stdout,
    )
    .expect("utf8")
    .trim()
    .to_string();
    std::fs::write(root.join("app.py"), "import os\nKEY = os.environ['KEY']\n").expect("write");
    std::fs::write(root.join("deploy.yaml"), format!("key: {KEY_B}\n")).expect("write");
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "move key"]);

    let (code, out, err) = vouch(&["secrets", ".", "--history", "--format", "json"], root);
    assert_eq!(code, 1, "{err}");
    let doc = json(&out);
    assert_eq!(doc["scanned"]["commits"], 2);
    let findings = doc["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 2, "{out}");
    let removed = findings
        .iter()
        .find(|f| f["locations"][0]["path"] == "app.py")
        .expect("the removed key is still found in history");
    assert_eq!(removed["locations"][0]["commit"], first.as_str());
    assert_eq!(removed["locations"][0]["at_head"], false);
    let present = findings
        .iter()
        .find(|f| f["locations"][0]["path"] == "deploy.yaml")
        .expect("the current key");
    assert_eq!(present["locations"][0]["at_head"], true);
}

#[test]
fn baseline_accepts_known_findings_and_reports_new_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(root.join("a.env"), format!("AWS_ACCESS_KEY_ID={KEY_A}\n")).expect("write");
    let (_, out, _) = vouch(&["secrets", ".", "--format", "json"], root);
    std::fs::write(root.join("baseline.json"), &out).expect("write");
    // The known secret moves to another line: still accepted.
    std::fs::write(
        root.join("a.env"),
        format!("\n\nAWS_ACCESS_KEY_ID={KEY_A}\n"),
    )
    .expect("write");
    let (code, out, _) = vouch(&["secrets", ".", "--baseline", "baseline.json"], root);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("(0 new)"), "{out}");
    std::fs::write(root.join("b.env"), format!("AWS_ACCESS_KEY_ID={KEY_B}\n")).expect("write");
    let (code, out, _) = vouch(&["secrets", ".", "--baseline", "baseline.json"], root);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("(1 new)"), "{out}");

    std::fs::write(root.join("broken.json"), "{ not json").expect("write");
    let (code, _, err) = vouch(&["secrets", ".", "--baseline", "broken.json"], root);
    assert_eq!(code, 2);
    assert!(err.contains("broken.json"), "{err}");
}

#[test]
fn one_gib_single_line_file_is_streamed_and_its_secret_found() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.log");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let chunk = vec![b'a'; 8 << 20];
    for _ in 0..128 {
        file.write_all(&chunk).expect("write");
    }
    write!(file, " aws key {KEY_A} end").expect("write");
    drop(file);
    let started = std::time::Instant::now();
    let (code, out, err) = vouch(&["secrets", ".", "--format", "json"], dir.path());
    assert_eq!(code, 1, "{err}");
    let doc = json(&out);
    let f = &doc["findings"][0];
    assert_eq!(f["locations"][0]["line"], 1);
    assert_eq!(f["locations"][0]["column"], (1u64 << 30) + 10);
    assert!(doc["scanned"]["bytes"].as_u64().unwrap_or(0) > 1 << 30);
    assert!(started.elapsed().as_secs() < 600, "bounded time");
}

#[test]
fn ten_million_keyword_hits_end_quickly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "akia ".repeat(10_000_000);
    std::fs::write(dir.path().join("hits.txt"), text).expect("write");
    std::fs::write(dir.path().join("blob.bin"), [0u8, 1, 2, 0, 255, 0]).expect("write");
    std::fs::write(
        dir.path().join("bad-utf8.txt"),
        b"\xff\xfe key AKIAZ3MNQ7WXYR4TPLKB \xc3\x28",
    )
    .expect("write");
    let started = std::time::Instant::now();
    let (code, out, err) = vouch(&["secrets", ".", "--format", "json"], dir.path());
    assert_eq!(code, 1, "{err}");
    let doc = json(&out);
    let paths: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["locations"][0]["path"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(paths, vec!["bad-utf8.txt"], "{out}");
    assert!(started.elapsed().as_secs() < 60, "bounded time");
}

fn git_out(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8(out.stdout)
        .expect("utf8")
        .trim()
        .to_string()
}

/// Commits with a fixed date so the oldest commit is known whatever the clock does.
fn commit_at(dir: &Path, when: u64, message: &str) -> String {
    let date = format!("{when} +0000");
    let ok = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.email=t@example.invalid", "-c", "user.name=t"])
        .args(["commit", "-qm", message])
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .status()
        .expect("git runs")
        .success();
    assert!(ok, "git commit {message}");
    git_out(dir, &["rev-parse", "HEAD"])
}

#[test]
fn history_attributes_a_secret_in_a_shared_tree_to_the_oldest_commit_on_any_branch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    std::fs::write(root.join("README.md"), "service\n").expect("write");
    git(root, &["add", "-A"]);
    let base = commit_at(root, 1_700_000_000, "base");
    // A side branch introduces the key first, in a nested directory.
    git(root, &["checkout", "-qb", "feature"]);
    std::fs::create_dir_all(root.join("deploy/prod")).expect("mkdir");
    std::fs::write(
        root.join("deploy/prod/creds.env"),
        format!("AWS_ACCESS_KEY_ID={KEY_A}\n"),
    )
    .expect("write");
    git(root, &["add", "-A"]);
    let introduced = commit_at(root, 1_700_000_100, "feature adds creds");
    // Many later commits on that branch share the `deploy` tree unchanged.
    for n in 0..12 {
        std::fs::write(root.join("README.md"), format!("service v{n}\n")).expect("write");
        git(root, &["add", "-A"]);
        commit_at(root, 1_700_000_200 + n, "docs");
    }
    // Main gets the same file (same blob) later, under two paths, then removes the key.
    git(root, &["checkout", "-q", "main"]);
    assert_eq!(git_out(root, &["rev-parse", "HEAD"]), base);
    std::fs::create_dir_all(root.join("deploy/prod")).expect("mkdir");
    std::fs::create_dir_all(root.join("copy")).expect("mkdir");
    let creds = format!("AWS_ACCESS_KEY_ID={KEY_A}\n");
    std::fs::write(root.join("deploy/prod/creds.env"), &creds).expect("write");
    std::fs::write(root.join("copy/creds.env"), &creds).expect("write");
    git(root, &["add", "-A"]);
    commit_at(root, 1_700_001_000, "main copies creds");
    std::fs::remove_file(root.join("copy/creds.env")).expect("rm");
    std::fs::write(root.join("deploy/prod/creds.env"), "AWS_ACCESS_KEY_ID=\n").expect("write");
    git(root, &["add", "-A"]);
    commit_at(root, 1_700_002_000, "main removes creds");

    let (code, out, err) = vouch(&["secrets", ".", "--history", "--format", "json"], root);
    assert_eq!(code, 1, "{err}");
    let doc = json(&out);
    // base, the feature commit, 12 docs commits, and main's two.
    assert_eq!(doc["scanned"]["commits"], 16, "{out}");
    let findings = doc["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1, "one secret: {out}");
    let locations = findings[0]["locations"].as_array().expect("locations");
    // The blob is one object: it is reported once, at the oldest commit and its path there.
    assert_eq!(locations.len(), 1, "{out}");
    assert_eq!(locations[0]["path"], "deploy/prod/creds.env");
    assert_eq!(locations[0]["commit"], introduced.as_str());
    // HEAD (main) no longer has it; the feature branch still does, but HEAD is main.
    assert_eq!(locations[0]["at_head"], false);

    // Checking out the branch that still holds it makes it present at HEAD.
    git(root, &["checkout", "-q", "feature"]);
    let (_, out, _) = vouch(&["secrets", ".", "--history", "--format", "json"], root);
    let doc = json(&out);
    assert_eq!(doc["findings"][0]["locations"][0]["at_head"], true, "{out}");
    assert_eq!(
        doc["findings"][0]["locations"][0]["commit"],
        introduced.as_str()
    );
}

/// A text blob over the 32 MiB in-memory limit with a key near its end.
fn big_text(key: &str, variant: u8) -> Vec<u8> {
    let mut text = Vec::with_capacity(34 << 20);
    let line = b"log line with nothing secret in it at all, just filler text\n";
    while text.len() < 33 << 20 {
        text.extend_from_slice(line);
    }
    text.extend_from_slice(format!("variant {variant} key {key}\n").as_bytes());
    text
}

#[test]
fn history_streams_blobs_over_32_mib_and_names_the_ones_it_cannot() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    git(root, &["init", "-q"]);
    let text = big_text(KEY_A, 1);
    let lines = text.iter().filter(|&&b| b == b'\n').count();
    std::fs::write(root.join("big.log"), &text).expect("write");
    git(root, &["add", "-A"]);
    commit_at(root, 1_700_000_000, "big loose blob");

    // Loose object: streamed.
    let (code, out, err) = vouch(&["secrets", ".", "--history", "--format", "json"], root);
    assert_eq!(code, 1, "{err}");
    let doc = json(&out);
    assert_eq!(doc["skipped"].as_array().map(Vec::len), Some(0), "{out}");
    let location = &doc["findings"][0]["locations"][0];
    assert_eq!(location["path"], "big.log");
    assert_eq!(location["line"], lines);
    assert_eq!(location["column"], 15);
    assert!(doc["scanned"]["bytes"].as_u64().unwrap_or(0) >= 33 << 20);

    // Packed whole (no deltas allowed): streamed from the pack.
    git(root, &["repack", "-adq", "--depth=0"]);
    let (code, out, err) = vouch(&["secrets", ".", "--history", "--format", "json"], root);
    assert_eq!(code, 1, "{err}");
    let doc = json(&out);
    assert_eq!(doc["skipped"].as_array().map(Vec::len), Some(0), "{out}");
    assert_eq!(doc["findings"][0]["locations"][0]["line"], lines, "{out}");

    // A near-copy packed as a delta of the first cannot be streamed: it is named, with why.
    std::fs::write(root.join("big.log"), big_text(KEY_B, 2)).expect("write");
    git(root, &["add", "-A"]);
    commit_at(root, 1_700_000_100, "big blob edited");
    git(root, &["repack", "-adfq", "--depth=50", "--window=10"]);
    let edited = git_out(root, &["rev-parse", "HEAD:big.log"]);
    let original = git_out(root, &["rev-parse", "HEAD~1:big.log"]);
    let verify = git_out(root, &["verify-pack", "-v", &pack_index(root)]);
    let is_delta = |id: &str| {
        verify
            .lines()
            .any(|l| l.starts_with(id) && l.split_whitespace().count() > 5)
    };
    assert!(
        is_delta(&edited) || is_delta(&original),
        "git stored one of two near-identical blobs as a delta:\n{verify}"
    );
    let (code, out, err) = vouch(&["secrets", ".", "--history", "--format", "json"], root);
    assert_eq!(code, 1, "{err}");
    let doc = json(&out);
    let skipped = doc["skipped"].as_array().expect("skipped");
    let found: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["secret"].as_str().unwrap_or(""))
        .collect();
    // One blob streamed (its key found), the delta one reported as skipped with its reason.
    assert_eq!(found.len(), 1, "{out}");
    assert_eq!(skipped.len(), 1, "{out}");
    assert_eq!(skipped[0]["path"], "big.log");
    let reason = skipped[0]["reason"].as_str().unwrap_or("");
    let delta = if is_delta(&edited) {
        &edited
    } else {
        &original
    };
    assert!(reason.contains(delta.as_str()), "{reason}");
    assert!(reason.contains("delta"), "{reason}");
}

fn pack_index(root: &Path) -> String {
    let pack_dir = root.join(".git/objects/pack");
    std::fs::read_dir(&pack_dir)
        .expect("pack dir")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "idx"))
        .expect("one pack index")
        .display()
        .to_string()
}
