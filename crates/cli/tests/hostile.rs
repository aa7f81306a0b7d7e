//! Hostile inputs end with an outcome and a reason, within bounded time and memory:
//! symlink loops, a 2 GB sparse file, binary files, invalid UTF-8, YAML alias bombs,
//! 10,000-deep nesting, unreadable files and FIFOs.

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::write;

/// Runs `vouch audit . --format json` under a 1 GiB address-space limit and a deadline.
fn audit_bounded(dir: &Path, seconds: u64) -> serde_json::Value {
    let exe = env!("CARGO_BIN_EXE_vouch");
    // Output goes to files, not pipes: a report larger than a pipe buffer would block the
    // child while this loop waits for it to exit.
    let out_dir = tempfile::tempdir().expect("tempdir");
    let stdout_path = out_dir.path().join("out.json");
    let stderr_path = out_dir.path().join("err.txt");
    let mut child = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "ulimit -v 1048576 && exec '{exe}' audit . --format json --no-progress"
        ))
        .current_dir(dir)
        .stdout(Stdio::from(
            std::fs::File::create(&stdout_path).expect("stdout file"),
        ))
        .stderr(Stdio::from(
            std::fs::File::create(&stderr_path).expect("stderr file"),
        ))
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("vouch did not finish within {seconds}s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    assert!(
        matches!(status.code(), Some(0 | 1)),
        "exit {:?}: {stderr}",
        status.code()
    );
    serde_json::from_slice(&std::fs::read(&stdout_path).expect("stdout")).expect("JSON report")
}

fn input_error<'a>(report: &'a serde_json::Value, path: &str) -> &'a str {
    report["input_errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == path)
        .and_then(|e| e["message"].as_str())
        .unwrap_or_else(|| panic!("no input error for {path}: {}", report["input_errors"]))
}

fn outcome<'a>(report: &'a serde_json::Value, id: &str) -> &'a str {
    support::result(report, id)["outcome"].as_str().unwrap()
}

#[test]
fn symlink_loops_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    support::root_dockerfile_repo(dir.path());
    std::os::unix::fs::symlink("b", dir.path().join("a")).unwrap();
    std::os::unix::fs::symlink("a", dir.path().join("b")).unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("sub/up")).unwrap();
    let report = audit_bounded(dir.path(), 30);
    assert_eq!(input_error(&report, "a"), "symbolic link not followed");
    assert_eq!(input_error(&report, "sub/up"), "symbolic link not followed");
    assert_eq!(outcome(&report, "DKR001"), "fail");
}

#[test]
fn two_gigabyte_sparse_file_is_skipped_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    support::root_dockerfile_repo(dir.path());
    let f = std::fs::File::create(dir.path().join("data.bin")).unwrap();
    f.set_len(2 << 30).unwrap();
    let report = audit_bounded(dir.path(), 30);
    assert!(input_error(&report, "data.bin").contains("over the 32 MiB limit"));
}

#[test]
fn binary_and_invalid_utf8_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let mut binary = vec![0u8, 159, 146, 150, 0, 1, 2];
    binary.extend((0..10_000u32).map(|i| (i * 7 % 251) as u8));
    std::fs::write(dir.path().join("docker-compose.yml"), &binary).unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        b"FROM debian:12-slim\nLABEL note=\"caf\xe9 \xff\xfe\"\nUSER 10001\nCMD [\"app\"]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("logo.png"), &binary).unwrap();
    let report = audit_bounded(dir.path(), 30);
    assert_eq!(
        outcome(&report, "DKR001"),
        "pass",
        "invalid UTF-8 is decoded lossily, not fatal"
    );
    assert!(input_error(&report, "docker-compose.yml").contains("binary"));
}

#[test]
fn yaml_alias_bomb_and_deep_nesting_end_in_parse_errors() {
    let dir = tempfile::tempdir().unwrap();
    let mut bomb = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for i in 1..10 {
        let p = i - 1;
        bomb.push_str(&format!(
            "  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    write(dir.path(), "k8s/bomb.yaml", &bomb);
    write(
        dir.path(),
        "k8s/deep.yaml",
        &format!(
            "apiVersion: v1\nkind: List\nitems: {}{}\n",
            "[".repeat(10_000),
            "]".repeat(10_000)
        ),
    );
    write(
        dir.path(),
        "package.json",
        &format!(
            "{{\"name\": \"x\", \"dependencies\": {}{}}}",
            "[".repeat(10_000),
            "]".repeat(10_000)
        ),
    );
    let started = Instant::now();
    let report = audit_bounded(dir.path(), 60);
    assert!(started.elapsed() < Duration::from_secs(60));
    assert!(
        report["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["outcome"] != "error"),
        "no check crashed"
    );
}

#[test]
fn fifo_does_not_hang_the_walk() {
    let dir = tempfile::tempdir().unwrap();
    support::root_dockerfile_repo(dir.path());
    let status = Command::new("mkfifo")
        .arg(dir.path().join("pipe"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let report = audit_bounded(dir.path(), 30);
    assert_eq!(outcome(&report, "DKR001"), "fail");
}

/// As root, permissions do not stop reads: run vouch as `nobody` through setpriv then.
#[test]
fn unreadable_file_is_reported_not_fatal() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    support::root_dockerfile_repo(dir.path());
    write(
        dir.path(),
        "secret/config.yml",
        "services:\n  web:\n    image: nginx:1.27\n",
    );
    std::fs::set_permissions(
        dir.path().join("secret/config.yml"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let exe = env!("CARGO_BIN_EXE_vouch");
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false);
    let mut cmd = if is_root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", exe]);
        c
    } else {
        Command::new(exe)
    };
    let out = cmd
        .args(["audit", ".", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .expect("run");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(input_error(&report, "secret/config.yml").contains("permission denied"));
}
