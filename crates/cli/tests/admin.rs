//! `vouch admin`: backup, verify, restore and audit-log verification on SQLite data
//! directories, end to end through the binary (both databases are covered by the server's
//! own tests of the same functions).

mod support;

use std::path::Path;
use std::process::Output;
use support::vouch;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn admin(cwd: &Path, data_dir: &str, args: &[&str]) -> Output {
    let mut all = vec!["admin", "--data-dir", data_dir];
    all.extend_from_slice(args);
    vouch(&all, cwd)
}

#[test]
fn backup_verify_restore_and_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    let init = vouch(&["serve", "--data-dir", "d1", "--init-admin-key"], cwd);
    assert_eq!(init.status.code(), Some(0), "{}", text(&init.stderr));

    let backup = admin(cwd, "d1", &["backup", "--to", "b.jsonl.gz"]);
    assert_eq!(backup.status.code(), Some(0), "{}", text(&backup.stderr));
    assert!(cwd.join("b.jsonl.gz").is_file());
    assert!(
        text(&backup.stderr).contains("schema version"),
        "{}",
        text(&backup.stderr)
    );

    let verified = admin(
        cwd,
        "d1",
        &["verify-backup", "b.jsonl.gz", "--against-source"],
    );
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        text(&verified.stderr)
    );
    assert_eq!(text(&verified.stdout), "", "no differences");

    let restored = admin(cwd, "d2", &["restore", "b.jsonl.gz"]);
    assert_eq!(
        restored.status.code(),
        Some(0),
        "{}",
        text(&restored.stderr)
    );
    let again = admin(cwd, "d2", &["restore", "b.jsonl.gz"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        text(&again.stderr).contains("not empty"),
        "{}",
        text(&again.stderr)
    );
    let forced = admin(cwd, "d2", &["restore", "b.jsonl.gz", "--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", text(&forced.stderr));

    let chain = admin(cwd, "d2", &["verify-audit-log"]);
    assert_eq!(chain.status.code(), Some(0), "{}", text(&chain.stderr));
    assert!(
        text(&chain.stdout).starts_with("the audit log is intact: 1 entries, last 1 ("),
        "{}",
        text(&chain.stdout)
    );

    let copy = admin(cwd, "d1", &["backup", "--sqlite-file", "--to", "copy.db"]);
    assert_eq!(copy.status.code(), Some(0), "{}", text(&copy.stderr));
    assert!(cwd.join("copy.db").is_file());
}
