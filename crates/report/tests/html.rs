//! The HTML report from the sample: self-contained, and every report string escaped.

mod sample;

use sample::sample_report;
use vouch_report::{BaselineDiff, HtmlOptions};

fn html() -> String {
    vouch_report::render_html(
        &sample_report(),
        &HtmlOptions {
            docs_url: "docs/controls",
            baseline: None,
            checklist: None,
        },
    )
}

#[test]
fn a_script_in_a_snippet_renders_as_text() {
    let page = html();
    assert!(
        page.contains("&lt;script&gt;alert(&#39;token=sk_live_****&#39;)&lt;/script&gt;"),
        "snippet escaped"
    );
    assert!(
        !page.contains("<script>alert"),
        "no live script from a finding"
    );
    assert!(page.contains("an API token is committed; &lt;b&gt;rotate&lt;/b&gt; it"));
    // Exactly one script element: vouch's own.
    assert_eq!(page.matches("<script").count(), 1);
}

#[test]
fn nothing_is_loaded_from_the_network() {
    let page = html();
    assert!(page.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    for needle in ["src=", "@import", "url(", "<link", "@font-face"] {
        assert!(!page.contains(needle), "found {needle}");
    }
}

#[test]
fn every_finding_is_a_row_with_its_evidence_line_highlighted() {
    let report = sample_report();
    let page = html();
    let findings: usize = report.results.iter().map(|r| r.findings.len()).sum();
    assert_eq!(page.matches("<tr class=\"finding").count(), findings);
    assert!(page.contains(
        "<span class=\"row hl\"><span class=\"ln\">1</span>FROM python:3.12-slim</span>"
    ));
    assert_eq!(page.matches("data-suppressed=\"1\"").count(), 1);
    assert!(page.contains("aria-label=\"overall score "));
}

#[test]
fn baseline_status_is_shown_per_finding() {
    let report = sample_report();
    let mut old = report.clone();
    old.results.retain(|r| r.control.id == "DKR001");
    let diff = BaselineDiff::compare(&old, &report, "old.json");
    let page = vouch_report::render_html(
        &report,
        &HtmlOptions {
            docs_url: "docs/controls",
            baseline: Some(&diff),
            checklist: None,
        },
    );
    // CMP002 (active) and SEC001 are new; DKR001 unchanged; the suppressed one has no status.
    assert_eq!(
        page.matches("<span class=\"status-new\">new</span>")
            .count(),
        2
    );
    assert_eq!(page.matches("<td>unchanged</td>").count(), 1);
}
