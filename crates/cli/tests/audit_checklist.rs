//! `vouch audit --checklist FILE.md`: the team's checklist judged on the audit's own results,
//! in the Markdown and HTML reports.

mod support;

use support::{vouch, write};

const CHECKLIST: &str = "# Readiness\n\n## Container\n\n- [x] Containers run as non-root\n- [ ] Dockerfile has a HEALTHCHECK\n";

#[test]
fn markdown_and_html_reports_carry_the_checklist_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    support::root_dockerfile_repo(dir.path());
    write(dir.path(), "READINESS.md", CHECKLIST);

    let out = vouch(
        &[
            "audit",
            ".",
            "--no-progress",
            "--format",
            "markdown",
            "--checklist",
            "READINESS.md",
            "--html",
            "report.html",
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let markdown = String::from_utf8_lossy(&out.stdout);
    // The ticked claim fails on this repository (its Dockerfile runs as root): the headline.
    let failing = markdown
        .find("Claimed done, but failing")
        .unwrap_or_else(|| panic!("no failing-claims section:\n{markdown}"));
    let item = markdown[failing..]
        .find("Containers run as non-root")
        .expect("the ticked item under it");
    assert!(item > 0);
    assert!(markdown.contains("DKR001"), "{markdown}");
    // The unticked item is not done, and is not reported as a failed claim.
    let not_done = markdown.find("Not done").expect("a not-done section");
    assert!(markdown[not_done..].contains("HEALTHCHECK"), "{markdown}");

    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(
        html.contains("id=\"checklist\""),
        "HTML has the checklist section"
    );
    assert!(html.contains("Containers run as non-root"));
    assert!(html.contains("READINESS.md"));
}

#[test]
fn without_the_option_reports_have_no_checklist_section() {
    let dir = tempfile::tempdir().unwrap();
    support::root_dockerfile_repo(dir.path());
    write(dir.path(), "READINESS.md", CHECKLIST);
    let out = vouch(
        &["audit", ".", "--no-progress", "--format", "markdown"],
        dir.path(),
    );
    let markdown = String::from_utf8_lossy(&out.stdout);
    assert!(
        !markdown.contains("Claimed done, but failing"),
        "{markdown}"
    );
    assert!(markdown.contains("DKR001"));
}

#[test]
fn a_missing_checklist_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    support::root_dockerfile_repo(dir.path());
    let out = vouch(
        &["audit", ".", "--no-progress", "--checklist", "NOPE.md"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("NOPE.md"), "{err}");
}
