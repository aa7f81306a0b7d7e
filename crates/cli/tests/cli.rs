//! End-to-end: the `vouch` binary's commands, options, configuration and exit codes.

mod support;

use support::{json, result, root_dockerfile_repo, vouch, write};

#[test]
fn missing_path_is_a_one_line_error_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = vouch(&["audit", "does/not/exist"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("does/not/exist: no such file or directory"),
        "{stderr}"
    );
}

#[test]
fn gate_fails_with_exit_1_only_at_or_above_threshold() {
    let dir = tempfile::tempdir().unwrap();
    root_dockerfile_repo(dir.path());
    let clear = vouch(&["audit", ".", "--select", "DKR001"], dir.path());
    assert_eq!(clear.status.code(), Some(0));
    let gated = vouch(
        &["audit", ".", "--select", "DKR001", "--fail-on", "high"],
        dir.path(),
    );
    assert_eq!(gated.status.code(), Some(1));
    let above = vouch(
        &["audit", ".", "--select", "DKR001", "--fail-on", "critical"],
        dir.path(),
    );
    assert_eq!(above.status.code(), Some(0));
}

#[test]
fn table_output_shows_evidence_remediation_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    root_dockerfile_repo(dir.path());
    let out = vouch(&["audit", ".", "--select", "DKR001"], dir.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("DKR001"), "{text}");
    assert!(text.contains("Dockerfile:1:1"), "{text}");
    assert!(text.contains("│ FROM python:3.12-slim"), "{text}");
    assert!(text.contains("fix: Create an unprivileged user"), "{text}");
    assert!(text.contains("0 passed · 1 failed"), "{text}");
    assert!(
        out.stderr.is_empty(),
        "no progress bar when stderr is not a terminal: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn json_report_lists_every_evaluated_control_with_evidence() {
    let dir = tempfile::tempdir().unwrap();
    root_dockerfile_repo(dir.path());
    let report = json(&vouch(&["audit", ".", "--format", "json"], dir.path()));
    assert_eq!(report["schema"], "vouch.report/v1");
    let results = report["results"].as_array().unwrap();
    let controls = json(&vouch(&["controls", "--format", "json"], dir.path()));
    // Without --url the live controls (HTTP probes, LOAD gates) are not evaluated.
    let static_controls = controls
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            let id = c["id"].as_str().unwrap();
            !id.starts_with("HTTP") && !id.starts_with("LOAD")
        })
        .count();
    assert_eq!(
        results.len(),
        static_controls,
        "every control evaluated appears"
    );
    let dkr = result(&report, "DKR001");
    assert_eq!(dkr["outcome"], "fail");
    assert_eq!(dkr["findings"][0]["line"], 1);
    assert_eq!(
        dkr["findings"][0]["fingerprint"].as_str().unwrap().len(),
        16
    );
    let c = &report["counts"];
    let total: u64 = ["pass", "fail", "unknown", "not_applicable", "error"]
        .iter()
        .map(|k| c[k].as_u64().unwrap())
        .sum();
    assert_eq!(total as usize, results.len());
}

#[test]
fn select_and_ignore_by_prefix_and_area() {
    let dir = tempfile::tempdir().unwrap();
    root_dockerfile_repo(dir.path());
    let by_area = json(&vouch(
        &["audit", ".", "--format", "json", "--select", "security"],
        dir.path(),
    ));
    assert!(
        by_area["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["control"]["area"] == "security")
    );
    let ignored = json(&vouch(
        &[
            "audit", ".", "--format", "json", "--select", "DKR", "--ignore", "DKR001",
        ],
        dir.path(),
    ));
    let ids: Vec<&str> = ignored["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["control"]["id"].as_str().unwrap())
        .collect();
    assert!(
        !ids.is_empty()
            && ids
                .iter()
                .all(|id| id.starts_with("DKR") && *id != "DKR001"),
        "{ids:?}"
    );
    let bad = vouch(&["audit", ".", "--select", "no such thing!"], dir.path());
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn config_suppression_keeps_finding_visible_and_marks_it() {
    let dir = tempfile::tempdir().unwrap();
    root_dockerfile_repo(dir.path());
    write(
        dir.path(),
        "vouch.toml",
        "[[suppress]]\nid = \"DKR001\"\npath = \"Dockerfile\"\nreason = \"base image drops privileges at runtime\"\nowner = \"platform\"\nexpires = \"2999-12-31\"\n",
    );
    let out = vouch(
        &[
            "audit",
            ".",
            "--format",
            "json",
            "--select",
            "DKR001",
            "--fail-on",
            "low",
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "suppressed findings do not fail the gate"
    );
    let report = json(&out);
    let dkr = result(&report, "DKR001");
    assert_eq!(dkr["outcome"], "pass");
    assert_eq!(dkr["findings"][0]["suppressed"]["kind"], "config");
    assert_eq!(dkr["findings"][0]["suppressed"]["owner"], "platform");
    assert_eq!(report["counts"]["suppressed_findings"], 1);
}

#[test]
fn expired_suppression_no_longer_applies_and_is_listed() {
    let dir = tempfile::tempdir().unwrap();
    root_dockerfile_repo(dir.path());
    write(
        dir.path(),
        "vouch.toml",
        "[[suppress]]\nid = \"DKR001\"\nreason = \"temporary\"\nexpires = 2020-01-31\n",
    );
    let report = json(&vouch(
        &["audit", ".", "--format", "json", "--select", "DKR001"],
        dir.path(),
    ));
    assert_eq!(result(&report, "DKR001")["outcome"], "fail");
    assert_eq!(report["expired_suppressions"][0]["id"], "DKR001");
    assert_eq!(report["expired_suppressions"][0]["expires"], "2020-01-31");
    let table = vouch(&["audit", ".", "--select", "DKR001"], dir.path());
    assert!(String::from_utf8_lossy(&table.stdout).contains("Expired suppressions"));
}

#[test]
fn suppression_without_reason_is_a_config_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    root_dockerfile_repo(dir.path());
    write(
        dir.path(),
        "vouch.toml",
        "ignore = [\"DOC\"]\n\n[[suppress]]\nid = \"DKR001\"\n",
    );
    let out = vouch(&["audit", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("vouch.toml:3:"), "{stderr}");
    assert!(stderr.contains("reason"), "{stderr}");
}

#[test]
fn explicit_config_file_and_severity_override() {
    let dir = tempfile::tempdir().unwrap();
    root_dockerfile_repo(dir.path());
    write(
        dir.path(),
        "ci/vouch.toml",
        "[severity]\nDKR001 = \"low\"\n",
    );
    let out = vouch(
        &[
            "audit",
            ".",
            "--config",
            "ci/vouch.toml",
            "--format",
            "json",
            "--select",
            "DKR001",
            "--fail-on",
            "medium",
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "overridden to low, below the gate"
    );
    assert_eq!(result(&json(&out), "DKR001")["control"]["severity"], "low");
}

#[test]
fn inline_ignore_comment_suppresses_its_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        "FROM debian:12-slim\n# vouch:ignore DKR001 -- the entrypoint drops to uid 10001 with gosu\nUSER root\nCMD [\"/entrypoint.sh\"]\n",
    );
    let report = json(&vouch(
        &["audit", ".", "--format", "json", "--select", "DKR001"],
        dir.path(),
    ));
    let f = &result(&report, "DKR001")["findings"][0];
    assert_eq!(f["suppressed"]["kind"], "inline");
    assert_eq!(
        f["suppressed"]["reason"],
        "the entrypoint drops to uid 10001 with gosu"
    );
}

#[test]
fn excluded_paths_are_not_audited() {
    let dir = tempfile::tempdir().unwrap();
    root_dockerfile_repo(dir.path());
    std::fs::rename(
        dir.path().join("Dockerfile"),
        dir.path().join("legacy.Dockerfile"),
    )
    .unwrap();
    write(
        dir.path(),
        "vouch.toml",
        "exclude = [\"legacy.Dockerfile\"]\n",
    );
    let report = json(&vouch(
        &["audit", ".", "--format", "json", "--select", "DKR001"],
        dir.path(),
    ));
    assert_eq!(result(&report, "DKR001")["outcome"], "not_applicable");
}

#[test]
fn controls_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    let table = vouch(&["controls"], dir.path());
    assert!(String::from_utf8_lossy(&table.stdout).contains("DKR001"));
    let explain = vouch(&["explain", "dkr001"], dir.path());
    let doc = String::from_utf8_lossy(&explain.stdout);
    for heading in [
        "## What it checks",
        "## Why it matters in production",
        "## Example",
        "## References",
    ] {
        assert!(doc.contains(heading), "{heading}");
    }
    let unknown = vouch(&["explain", "NOPE999"], dir.path());
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn closed_stdout_is_not_a_crash_and_keeps_the_gate_status() {
    let dir = tempfile::tempdir().unwrap();
    root_dockerfile_repo(dir.path());
    let exe = env!("CARGO_BIN_EXE_vouch");
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; '{exe}' audit . --fail-on high | head -1 >/dev/null"
        ))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the gate's exit status survives a closed pipe"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}
