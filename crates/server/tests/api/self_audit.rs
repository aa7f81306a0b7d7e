//! The server audits its own code with vouch's code controls (the engine a job runs, as
//! `vouch audit crates/server --select CODE` does). Every control must pass or not apply,
//! except the ones listed in `NOT_YET` with the reason; the list is exact, so a control that
//! starts failing fails this test, and so does one that starts passing (remove it then).
//! No database is involved: this test runs once.

use serde_json::Value;
use std::collections::BTreeMap;
use vouch_server::jobs::audit;
use vouch_server::jobs::types::AuditOptions;

/// Controls the server's code does not pass yet, and why. Empty: it passes every one.
const NOT_YET: &[(&str, &str)] = &[];

#[test]
fn the_servers_own_code_passes_the_code_controls() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let options = AuditOptions {
        select: vec!["CODE".into()],
        ..AuditOptions::default()
    };
    let json = audit::run(root, "crates/server", &options).expect("the audit runs");
    let report: Value = serde_json::from_str(&json).unwrap();
    let results = report["results"].as_array().unwrap();
    assert!(
        results.len() > 30,
        "the code controls ran: {}",
        results.len()
    );
    let mut failing = BTreeMap::new();
    for result in results {
        let id = result["control"]["id"].as_str().unwrap();
        assert!(id.starts_with("CODE"), "{id}");
        let outcome = result["outcome"].as_str().unwrap();
        if !matches!(outcome, "pass" | "not_applicable") {
            failing.insert(id.to_string(), result.to_string());
        }
    }
    let expected: Vec<&str> = NOT_YET.iter().map(|(id, _)| *id).collect();
    let got: Vec<&str> = failing.keys().map(String::as_str).collect();
    assert_eq!(
        got,
        expected,
        "code controls not passing, with their results:\n{}",
        failing.values().cloned().collect::<Vec<_>>().join("\n")
    );
    // Among them: SQL never built from input, no credential in code, rate limits, timeouts,
    // problem documents, panic recovery, request IDs and traces.
    for id in [
        "CODE001", "CODE003", "CODE020", "CODE022", "CODE025", "CODE034", "CODE045", "CODE046",
    ] {
        let result = results
            .iter()
            .find(|r| r["control"]["id"] == id)
            .unwrap_or_else(|| panic!("{id} did not run"));
        assert_eq!(result["outcome"], "pass", "{result}");
    }
}
