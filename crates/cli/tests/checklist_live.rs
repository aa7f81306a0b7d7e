//! End-to-end: `vouch checklist verify --url` against the real test target on 127.0.0.1. The
//! live claims (rate limiting, latency and error-rate targets, /metrics) are checked by the
//! HTTP probes and one short load run (2 s at 20 requests/s: at most 40 requests).

mod support;

use serde_json::Value;
use std::path::Path;
use support::{json, vouch, write};
use vouch_testtarget::{Mode, TOKEN};

const CHECKLIST: &str = "\
# Launch readiness

## Live service
- [x] API rate limiting: a burst from one client gets 429
- [x] p95 latency < 100ms
- [x] p99 latency < 250ms
- [x] Error rate < 1%
- [x] /metrics exposed for Prometheus
";

/// Writes the checklist into an empty repository (no code: only the live service can tell).
fn checklist_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "READINESS.md", CHECKLIST);
    dir
}

fn verify_live(dir: &Path, url: &str) -> (Option<i32>, Value) {
    let out = vouch(
        &[
            "checklist",
            "verify",
            "READINESS.md",
            "--url",
            url,
            "--token",
            TOKEN,
            "--rate",
            "100/s",
            "--timeout",
            "5s",
            "--load-seconds",
            "2",
            "--load-rate",
            "20",
            "--format",
            "json",
        ],
        dir,
    );
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), json(&out))
}

fn item<'a>(report: &'a Value, starts: &str) -> &'a Value {
    report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["text"].as_str().unwrap().starts_with(starts))
        .unwrap_or_else(|| panic!("no item `{starts}` in {report:#}"))
}

fn control_ids(item: &Value) -> Vec<&str> {
    item["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect()
}

fn messages(item: &Value) -> Vec<&str> {
    item["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect()
}

fn assert_schema_valid(report: &Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/vouch.checklist.v1.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// "p95 12.3 ms < target 100 ms" → 12.3
fn measured_value(message: &str) -> f64 {
    message.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn every_live_claim_holds_against_the_good_target() {
    let target = vouch_testtarget::spawn(Mode::Good).unwrap();
    let dir = checklist_repo();
    let (code, report) = verify_live(dir.path(), &target.url());
    assert_eq!(code, Some(0), "{report:#}");
    assert_schema_valid(&report);
    for text in [
        "API rate limiting",
        "p95 latency",
        "p99 latency",
        "Error rate",
        "/metrics",
    ] {
        assert_eq!(item(&report, text)["verdict"], "done", "{report:#}");
    }
    assert!(control_ids(item(&report, "API rate limiting")).contains(&"HTTP017"));
    assert!(control_ids(item(&report, "/metrics")).contains(&"HTTP003"));

    let p95 = item(&report, "p95 latency");
    assert_eq!(control_ids(p95), ["LOAD001"]);
    let message = messages(p95)[0];
    assert!(message.starts_with("p95 ") && message.ends_with(" ms < target 100 ms"));
    assert!(measured_value(message) < 100.0);
    assert_eq!(p95["measured"][0]["metric"], "latency_p95");
    assert_eq!(p95["measured"][0]["met"], true);
    let errors = item(&report, "Error rate");
    assert_eq!(control_ids(errors), ["LOAD002"]);
    assert_eq!(messages(errors), ["error rate 0.00 % < target 1 %"]);

    let load = &report["load"];
    assert_eq!(load["seconds"], 2);
    assert_eq!(load["rate_per_s"], 20.0);
    let requests = load["requests"].as_u64().unwrap();
    assert!((1..=40).contains(&requests), "bounded: {load}");
    assert_eq!(load["responses"], requests);
}

#[test]
fn a_service_without_rate_limiting_fails_the_rate_limit_claim() {
    let target = vouch_testtarget::spawn(Mode::NoRateLimit).unwrap();
    let dir = checklist_repo();
    let (code, report) = verify_live(dir.path(), &target.url());
    assert_eq!(code, Some(1), "a false claim fails CI");
    let rate = item(&report, "API rate limiting");
    assert_eq!(rate["verdict"], "claimed_but_failing", "{rate:#}");
    let evidence = rate["evidence"].as_array().unwrap();
    assert!(!evidence.is_empty());
    assert!(
        evidence.iter().all(|e| e["control"] == "HTTP017"),
        "{rate:#}"
    );
    // The other claims are still true of this service.
    assert_eq!(item(&report, "p99 latency")["verdict"], "done");
    assert_eq!(report["summary"]["claimed_but_failing"], 1, "{report:#}");
}

#[test]
fn a_slow_tail_fails_the_p99_claim_with_the_measured_value() {
    let target = vouch_testtarget::spawn(Mode::SlowP99).unwrap();
    let dir = checklist_repo();
    let (code, report) = verify_live(dir.path(), &target.url());
    assert_eq!(code, Some(1));
    let p99 = item(&report, "p99 latency");
    assert_eq!(p99["verdict"], "claimed_but_failing", "{p99:#}");
    let message = messages(p99)[0];
    assert!(message.ends_with(" ms > target 250 ms"), "{message}");
    // One request in twenty waits 750 ms.
    assert!(measured_value(message) >= 700.0, "{message}");
    assert_eq!(p99["measured"][0]["met"], false);
    assert_eq!(p99["evidence"][0]["path"], target.url().as_str());
    assert_schema_valid(&report);
}

#[test]
fn an_unreachable_service_leaves_live_claims_unknown_never_done() {
    // A port that was just free: nothing listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let dir = checklist_repo();
    let (code, report) = verify_live(dir.path(), &url);
    assert_eq!(code, Some(0), "unknown is not a failed claim: {report:#}");
    for text in ["API rate limiting", "p95 latency", "Error rate", "/metrics"] {
        let it = item(&report, text);
        assert_eq!(it["verdict"], "unknown", "{it:#}");
        assert!(!it["reason"].as_str().unwrap().is_empty());
    }
    let reason = item(&report, "p95 latency")["reason"].as_str().unwrap();
    assert!(
        reason.contains("no request got an HTTP response"),
        "{reason}"
    );
    assert_schema_valid(&report);
}

#[test]
fn without_url_live_claims_are_never_done() {
    let dir = checklist_repo();
    let out = vouch(
        &["checklist", "verify", "READINESS.md", "--format", "json"],
        dir.path(),
    );
    let report = json(&out);
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    let p95 = item(&report, "p95 latency");
    assert_eq!(p95["verdict"], "manual");
    assert!(p95["reason"].as_str().unwrap().contains("--url"));
    assert_eq!(p95["live_not_checked"][0], "LOAD001");
    let rate = item(&report, "API rate limiting");
    assert_ne!(rate["verdict"], "done", "{rate:#}");
    let live: Vec<&str> = rate["live_not_checked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(live.contains(&"HTTP017"), "{rate:#}");
    assert!(report.get("load").is_none());
    assert_schema_valid(&report);
}
