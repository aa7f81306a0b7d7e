//! The Markdown summary stays a valid, bounded pull-request comment.

mod sample;

use vouch_core::{Finding, Location, fingerprint};
use vouch_report::MarkdownOptions;

fn options() -> MarkdownOptions<'static> {
    MarkdownOptions {
        docs_url: "https://example.org/docs/controls/",
        baseline: None,
        checklist: None,
    }
}

#[test]
fn long_finding_lists_are_cut_and_counted() {
    let mut report = sample::sample_report();
    let dkr = &mut report.results[3];
    assert_eq!(dkr.control.id, "DKR001");
    for i in 0..24 {
        let path = format!("services/s{i}/Dockerfile");
        let mut f = Finding::new(Location::at(&path, 1, 1), "runs as root").with_snippet("FROM x");
        f.fingerprint = fingerprint("DKR001", &path, "FROM x");
        dkr.findings.push(f);
    }
    let md = vouch_report::render_markdown(&report, &options());
    assert!(md.contains("— 25 finding(s)</summary>"), "{md}");
    // 10 shown: the original finding (its message also says "runs as root") and 9 added.
    assert_eq!(md.matches("runs as root").count(), 10);
    assert!(md.contains("- … and 15 more"), "{md}");
    // A trailing slash in the docs URL does not double up.
    assert!(
        md.contains("](https://example.org/docs/controls/DKR001.md)"),
        "{md}"
    );
}

#[test]
fn markup_in_findings_cannot_break_out_of_the_comment_structure() {
    let mut report = sample::sample_report();
    report.results[3].findings[0].message = "evil </details> | `code` <img src=x>".into();
    report.results[3].findings[0].snippet = Some("```\n</details>".into());
    let md = vouch_report::render_markdown(&report, &options());
    // Only vouch's own <details> blocks open and close.
    assert_eq!(
        md.matches("<details>").count(),
        md.matches("</details>").count() - 1
    );
    assert!(
        md.contains("evil &lt;/details&gt; \\| `code` &lt;img src=x&gt;"),
        "{md}"
    );
    // The snippet sits in a fence longer than its own backticks.
    assert!(md.contains("  ````\n  ```\n  </details>\n  ````"), "{md}");
}
