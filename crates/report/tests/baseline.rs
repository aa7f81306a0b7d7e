//! Baseline comparison by fingerprint.

mod sample;

use sample::sample_report;
use vouch_core::{Finding, Location, OutcomeKind, Severity};
use vouch_report::{BaselineDiff, FindingStatus};

#[test]
fn same_report_is_all_unchanged() {
    let report = sample_report();
    let diff = BaselineDiff::compare(&report, &report, "same.json");
    assert_eq!(diff.counts.new, 0);
    assert_eq!(diff.counts.fixed, 0);
    // DKR001, CMP002 (active one), SEC001; the suppressed finding is outside the comparison.
    assert_eq!(diff.counts.unchanged, 3);
    assert!(!diff.new_findings_fail(&report, None));
}

#[test]
fn moved_lines_stay_unchanged_new_snippets_are_new_gone_ones_fixed() {
    let old = sample_report();
    let mut current = old.clone();
    // DKR001's finding moved down two lines: same fingerprint.
    current.results[3].findings[0].location.line = Some(3);
    // SEC001 is gone: fixed (SEC001 still evaluated, now passing).
    current.results[5].outcome = OutcomeKind::Pass;
    current.results[5].findings.clear();
    // A second compose service without a healthcheck: new.
    let mut extra = Finding::new(
        Location::at("compose.yml", 9, 3),
        "service `db` has no healthcheck",
    )
    .with_snippet("db:");
    extra.fingerprint = vouch_core::fingerprint("CMP002", "compose.yml", "db:");
    current.results[1].findings.push(extra);

    let diff = BaselineDiff::compare(&old, &current, "old.json");
    assert_eq!(diff.counts.new, 1);
    assert_eq!(diff.new[0].message, "service `db` has no healthcheck");
    assert_eq!(diff.counts.fixed, 1);
    assert_eq!(diff.fixed[0].control, "SEC001");
    assert_eq!(diff.counts.unchanged, 2);
    assert_eq!(diff.status(3, 0), Some(FindingStatus::Unchanged));
    assert_eq!(diff.status(1, 2), Some(FindingStatus::New));
    assert_eq!(diff.status(1, 1), None, "suppressed finding has no status");

    // The new finding is on a medium control: it fails a `--fail-on-new` gate at medium,
    // not one at high.
    assert!(diff.new_findings_fail(&current, None));
    assert!(diff.new_findings_fail(&current, Some(Severity::Medium)));
    assert!(!diff.new_findings_fail(&current, Some(Severity::High)));
}

#[test]
fn a_duplicate_of_a_known_finding_is_new() {
    let old = sample_report();
    let mut current = old.clone();
    let copy = current.results[3].findings[0].clone();
    current.results[3].findings.push(copy);
    let diff = BaselineDiff::compare(&old, &current, "old.json");
    assert_eq!(diff.counts.new, 1);
    assert_eq!(diff.status(3, 0), Some(FindingStatus::Unchanged));
    assert_eq!(diff.status(3, 1), Some(FindingStatus::New));
}

#[test]
fn findings_of_controls_not_decided_now_are_not_called_fixed() {
    let old = sample_report();
    let mut current = old.clone();
    // SEC001 not selected this time; DKR001 could not be decided.
    current.results.retain(|r| r.control.id != "SEC001");
    let dkr = current
        .results
        .iter_mut()
        .find(|r| r.control.id == "DKR001")
        .unwrap();
    dkr.outcome = OutcomeKind::Unknown;
    dkr.findings.clear();
    let diff = BaselineDiff::compare(&old, &current, "old.json");
    assert_eq!(diff.counts.fixed, 0);
    assert_eq!(diff.counts.not_rechecked, 2);
}

#[test]
fn json_carries_the_comparison() {
    let report = sample_report();
    let diff = BaselineDiff::compare(&report, &report, "same.json");
    let value: serde_json::Value = serde_json::from_str(&vouch_report::render_json_with_baseline(
        &report,
        Some(&diff),
    ))
    .unwrap();
    assert_eq!(value["baseline"]["source"], "same.json");
    assert_eq!(value["baseline"]["counts"]["unchanged"], 3);
    assert_eq!(value["baseline"]["unchanged"][0]["control"], "CMP002");
    assert!(
        serde_json::from_str::<serde_json::Value>(&vouch_report::render_json(&report)).unwrap()
            ["baseline"]
            .is_null()
    );
}
