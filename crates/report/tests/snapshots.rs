//! Every format rendered from the one shared sample report, snapshotted.

mod sample;

use sample::{catalog, sample_report};
use vouch_report::{
    BaselineDiff, ChecklistVerdicts, ClaimControl, ClaimEvidence, ClaimRow, ClaimVerdict,
    HtmlOptions, MarkdownOptions, TableOptions,
};

const DOCS: &str = "https://example.org/vouch/docs/controls";

pub fn sample_checklist() -> ChecklistVerdicts {
    ChecklistVerdicts {
        source: "READINESS.md".into(),
        items: vec![
            ClaimRow {
                line: 5,
                id: Some("SEC-1".into()),
                text: "Containers run as non-root".into(),
                section: vec!["Security".into()],
                verdict: ClaimVerdict::ClaimedButFailing,
                controls: vec![ClaimControl {
                    id: "DKR001".into(),
                    outcome: "fail".into(),
                }],
                evidence: vec![ClaimEvidence {
                    path: "Dockerfile".into(),
                    line: Some(1),
                    message: "final stage has no USER instruction".into(),
                }],
            },
            ClaimRow {
                line: 9,
                id: None,
                text: "On-call rota agreed".into(),
                section: vec![],
                verdict: ClaimVerdict::Manual,
                controls: vec![],
                evidence: vec![],
            },
            ClaimRow {
                line: 7,
                id: None,
                text: "CI actions pinned".into(),
                section: vec![],
                verdict: ClaimVerdict::Done,
                controls: vec![ClaimControl {
                    id: "CI001".into(),
                    outcome: "pass".into(),
                }],
                evidence: vec![],
            },
        ],
    }
}

#[test]
fn table() {
    let text = vouch_report::render_table(
        &sample_report(),
        &TableOptions {
            color: false,
            verbose: true,
            baseline: None,
        },
    );
    insta::assert_snapshot!(text);
}

#[test]
fn json() {
    insta::assert_snapshot!(vouch_report::render_json(&sample_report()));
}

#[test]
fn sarif() {
    insta::assert_snapshot!(vouch_report::render_sarif(
        &sample_report(),
        &catalog(),
        DOCS
    ));
}

#[test]
fn junit() {
    insta::assert_snapshot!(vouch_report::render_junit(&sample_report()));
}

#[test]
fn markdown() {
    let report = sample_report();
    let mut old = report.clone();
    // The baseline knew the Dockerfile finding only: the rest is new.
    old.results.retain(|r| r.control.id == "DKR001");
    let diff = BaselineDiff::compare(&old, &report, "baseline.json");
    let checklist = sample_checklist();
    insta::assert_snapshot!(vouch_report::render_markdown(
        &report,
        &MarkdownOptions {
            docs_url: DOCS,
            baseline: Some(&diff),
            checklist: Some(&checklist),
        }
    ));
}

#[test]
fn html() {
    let checklist = sample_checklist();
    insta::assert_snapshot!(vouch_report::render_html(
        &sample_report(),
        &HtmlOptions {
            docs_url: DOCS,
            baseline: None,
            checklist: Some(&checklist),
        }
    ));
}

#[test]
fn checklist_markdown() {
    insta::assert_snapshot!(vouch_report::render_checklist_markdown(
        &sample_checklist(),
        "##",
        DOCS
    ));
}
