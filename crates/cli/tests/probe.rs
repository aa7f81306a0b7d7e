//! End-to-end: `vouch probe` and `vouch audit --url` against the test target.

mod support;

use std::time::{Duration, Instant};
use support::{json, result, root_dockerfile_repo, vouch};
use vouch_testtarget::{Mode, TOKEN};

fn probe_args<'a>(url: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["probe", url, "--rate", "100/s", "--timeout", "5s"];
    args.extend_from_slice(extra);
    args
}

#[test]
fn good_target_passes_every_probe_and_the_json_validates() {
    let target = vouch_testtarget::spawn(Mode::Good).unwrap();
    let url = target.url();
    let dir = tempfile::tempdir().unwrap();
    let out = vouch(
        &probe_args(
            &url,
            &["--token", TOKEN, "--format", "json", "--fail-on", "low"],
        ),
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out);
    assert_eq!(report["target"]["path"], url.as_str());
    let results = report["results"].as_array().unwrap();
    assert!(results.len() >= 16);
    for r in results {
        // The transport probes judge https:// targets only (tests/probe_tls.rs).
        let plain_http = r["outcome"] == "not_applicable"
            && r["reason"]
                .as_str()
                .unwrap_or("")
                .starts_with("target is http://");
        assert!(r["outcome"] == "pass" || plain_http, "{r:#}");
    }
    assert_eq!(report["score"]["overall"], 100);

    let schema_path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/report.v1.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn a_failing_probe_gates_with_exit_1_and_shows_evidence() {
    let target = vouch_testtarget::spawn(Mode::ExposedEnv).unwrap();
    let url = target.url();
    let dir = tempfile::tempdir().unwrap();
    let out = vouch(
        &probe_args(&url, &["--select", "HTTP014", "--fail-on", "high"]),
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("HTTP014"), "{text}");
    assert!(text.contains("/.env"), "{text}");
    assert!(!text.contains("Pa55w0rd"), "secrets are masked: {text}");
    // Below the gate: reported, exit 0.
    let lenient = vouch(&probe_args(&url, &["--select", "HTTP014"]), dir.path());
    assert_eq!(lenient.status.code(), Some(0));
}

#[test]
fn unreachable_url_is_a_clear_error_with_exit_2() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let out = vouch(&probe_args(&url, &[]), dir.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(&format!("error: cannot reach {url}/")),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_hanging_target_times_out_within_the_timeout() {
    let target = vouch_testtarget::spawn(Mode::Hang).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = vouch(&["probe", &target.url(), "--timeout", "500ms"], dir.path());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no answer within 0.5s"), "{stderr}");
}

#[test]
fn bad_options_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["probe", "ftp://example.com"],
        vec!["probe", "http://127.0.0.1:9", "--rate", "0"],
        vec!["probe", "http://127.0.0.1:9", "--header", "novalue"],
        vec!["probe", "http://127.0.0.1:9", "--max-requests", "0"],
    ] {
        let out = vouch(&args, dir.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn audit_with_url_combines_static_and_live_results() {
    let target = vouch_testtarget::spawn(Mode::Good).unwrap();
    let dir = tempfile::tempdir().unwrap();
    root_dockerfile_repo(dir.path());
    let out = vouch(
        &[
            "audit",
            ".",
            "--url",
            &target.url(),
            "--token",
            TOKEN,
            "--rate",
            "100/s",
            "--format",
            "json",
            "--select",
            "DKR001,HTTP",
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out);
    assert_eq!(result(&report, "DKR001")["outcome"], "fail");
    assert_eq!(result(&report, "HTTP001")["outcome"], "pass");
    assert_eq!(result(&report, "HTTP014")["outcome"], "pass");
}

#[test]
fn controls_and_explain_know_the_probes() {
    let dir = tempfile::tempdir().unwrap();
    let list = vouch(&["controls"], dir.path());
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(text.contains("HTTP001") && text.contains("A liveness endpoint answers 200 quickly"));
    let explain = vouch(&["explain", "http014"], dir.path());
    assert_eq!(explain.status.code(), Some(0));
    let doc = String::from_utf8_lossy(&explain.stdout);
    assert!(
        doc.starts_with("# HTTP014 — Environment files, VCS metadata and backups are not served")
    );
    assert!(doc.contains("## Why it matters in production"));
}
