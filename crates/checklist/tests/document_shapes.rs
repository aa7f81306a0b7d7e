//! Checklist shapes beyond the shared examples: issue templates, exports, nested priorities,
//! SRE launch lists, BOM/CRLF, UTF-16, status keys, code fences, status tables, numbered IDs,
//! vouch comments and README intros. Each asserts its parse and a byte-exact round trip.

mod support;

use support::{None_, fixture, parse, row};
use vouch_checklist::document::{Document, TextEncoding};
use vouch_checklist::model::Priority::{Critical, High, Low, Medium};
use vouch_checklist::model::Status::{Blocked, Done, InProgress, NotApplicable, Open};
use vouch_checklist::model::{Comparison, ItemKind};

fn shape(name: &str) -> (Vec<u8>, Document) {
    let bytes = fixture(&format!("shapes/{name}"));
    let doc = parse(&bytes);
    assert_eq!(doc.render(), bytes, "{name} round trip");
    (bytes, doc)
}

fn texts(doc: &Document) -> Vec<&str> {
    doc.items().iter().map(|i| i.text.as_str()).collect()
}

#[test]
fn github_issue_template_with_front_matter_and_mixed_bullets() {
    let (_, doc) = shape("github-issue-template.md");
    support::assert_rows(
        &doc,
        &[
            row(17, "", Open, None),
            row(18, "", Done, None),
            row(19, "", Open, None),
            row(22, "", Open, None),
            row(23, "", Done, None),
        ],
    );
    assert_eq!(
        doc.items()[2].text,
        "Graceful shutdown drains in-flight requests"
    );
    assert_eq!(doc.items()[3].section, ["Checklist", "Security"]);
    // The owner paragraph belongs to the "Service" section, not to the checklist's.
    assert!(doc.items().iter().all(|i| i.owner.is_none()));
}

#[test]
fn confluence_export_with_ballot_boxes() {
    let (_, doc) = shape("confluence-export.md");
    support::assert_rows(
        &doc,
        &[
            row(7, "CO-1", Done, None),
            row(8, "CO-2", Open, None),
            row(9, "CO-3", Done, None),
            row(13, "", Open, None),
            row(14, "", Done, None),
        ],
    );
    let items = doc.items();
    assert_eq!(items[0].kind, ItemKind::TableRow);
    assert_eq!(items[0].text, "Runbook for payment provider outage");
    assert_eq!(items[1].owner.as_deref(), Some("Analytics"));
    assert_eq!(items[3].kind, ItemKind::Task);
    assert_eq!(items[3].text, "Rotate the staging API keys");
}

#[test]
fn nested_list_with_bracketed_priorities() {
    let (_, doc) = shape("nested-priorities.md");
    support::assert_rows(
        &doc,
        &[
            row(5, "", Open, Some(Critical)),
            row(6, "", Open, Some(High)),
            // No priority of its own: inherits the parent's [P0].
            row(7, "", Done, Some(Critical)),
            row(8, "", Open, Some(Critical)),
            row(9, "", Open, Some(Medium)),
            row(10, "", Open, Some(Low)),
        ],
    );
    let depths: Vec<usize> = doc.items().iter().map(|i| i.depth).collect();
    assert_eq!(depths, [0, 1, 1, 2, 0, 0]);
    assert_eq!(
        texts(&doc),
        [
            "Enable etcd encryption at rest",
            "Rotate the encryption key quarterly",
            "Back up etcd nightly",
            "Restore drill in staging",
            "NetworkPolicies default-deny per namespace",
            "Node auto-upgrades",
        ]
    );
}

#[test]
fn sre_launch_checklist_with_p0_p1_and_targets() {
    let (_, doc) = shape("sre-launch-checklist.md");
    support::assert_rows(
        &doc,
        &[
            row(5, "", Done, Some(Critical)),
            row(6, "", Open, Some(Critical)),
            row(7, "", Open, Some(Critical)),
            row(8, "", Open, Some(Critical)),
            row(12, "", Open, Some(High)),
            row(13, "", Open, Some(High)),
        ],
    );
    let items = doc.items();
    let summary = |i: usize| -> Vec<(String, Comparison, f64)> {
        items[i]
            .targets
            .iter()
            .map(|t| (t.metric.clone(), t.comparison, t.value))
            .collect()
    };
    assert_eq!(
        summary(0),
        [
            ("latency_p99".into(), Comparison::Lt, 250.0),
            ("throughput".into(), Comparison::Ge, 1500.0)
        ]
    );
    assert_eq!(summary(1), [("availability".into(), Comparison::Ge, 99.95)]);
    assert_eq!(
        summary(2),
        [
            ("rto".into(), Comparison::Le, 4.0 * 3_600_000.0),
            ("rpo".into(), Comparison::Le, 15.0 * 60_000.0)
        ]
    );
    assert_eq!(summary(3), [("error_rate".into(), Comparison::Lt, 0.1)]);
    assert_eq!(summary(4), [("coverage".into(), Comparison::Ge, 80.0)]);
    // An alert threshold says when to page, not what the service must achieve.
    assert!(summary(5).is_empty());
    assert_eq!(items[0].owner.as_deref(), Some("SRE"));
    assert_eq!(items[0].text, "p99 latency under 250ms at 1500 rps");
    assert_eq!(items[4].effort.as_deref(), Some("3 days"));
    assert_eq!(
        items[4].text,
        "Test coverage >= 80% on the delivery workers"
    );
}

#[test]
fn bom_and_crlf() {
    let (bytes, doc) = shape("bom-crlf.md");
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    assert!(doc.has_bom());
    assert_eq!(doc.encoding(), TextEncoding::Utf8);
    support::assert_rows(
        &doc,
        &[
            row(5, "", Done, None),
            row(6, "", Open, None),
            row(7, "", Done, None),
        ],
    );
    assert_eq!(
        doc.items()[0].text,
        "TLS 1.2+ only on the public load balancer"
    );
    assert!(doc.items().iter().all(|i| !i.text.contains('\r')));
}

#[test]
fn utf16_both_byte_orders() {
    for (name, encoding) in [
        ("utf16le.md", TextEncoding::Utf16Le),
        ("utf16be.md", TextEncoding::Utf16Be),
    ] {
        let (_, doc) = shape(name);
        assert_eq!(doc.encoding(), encoding);
        support::assert_rows(
            &doc,
            &[
                row(5, "", Open, None),
                row(6, "", Done, None),
                row(7, "", Open, None),
            ],
        );
        assert_eq!(
            doc.items()[1].section,
            ["Édition — Launch Checklist", "Sécurité"]
        );
        // A ✅ inside the words is not a marker.
        assert_eq!(doc.items()[0].text, "Chiffrement des sauvegardes ✅ prévu");
    }
}

#[test]
fn inline_status_legend_defines_markers() {
    let (_, doc) = shape("legend-custom.md");
    support::assert_rows(
        &doc,
        &[
            row(6, "", Done, None),
            row(7, "", InProgress, None),
            row(8, "", NotApplicable, None),
            row(9, "", Open, None),
        ],
    );
}

#[test]
fn mojibake_emoji_markers_and_headings_are_repaired_for_reading() {
    let (_, doc) = shape("mojibake-emoji-markers.md");
    assert!(doc.is_mojibake());
    support::assert_rows(
        &doc,
        &[
            row(7, "", Done, Some(Critical)),
            row(8, "", Open, Some(Critical)),
        ],
    );
    assert_eq!(
        doc.items()[0].section,
        ["🚀 Launch Checklist", "🔴 Critical"]
    );
    assert_eq!(doc.items()[0].text, "Backups encrypted — verified");
}

#[test]
fn items_in_code_blocks_and_comments_are_not_items() {
    let (_, doc) = shape("code-fences.md");
    support::assert_rows(&doc, &[row(16, "", Open, None), row(17, "", Open, None)]);
    let (_, template) = shape("github-issue-template.md");
    assert!(template.items().iter().all(|i| !i.text.contains("comment")));
}

#[test]
fn status_table_with_words_ids_and_priorities() {
    let (_, doc) = shape("status-table.md");
    support::assert_rows(
        &doc,
        &[
            row(5, "SR-01", Done, Some(High)),
            row(6, "SR-02", InProgress, Some(Critical)),
            row(7, "SR-03", Blocked, Some(Medium)),
            row(8, "SR-04", Open, Some(Low)),
            row(9, "SR-05", NotApplicable, Some(Low)),
        ],
    );
    assert_eq!(doc.items()[0].text, "SAST in CI with blocking findings");
}

#[test]
fn numbered_dotted_ids() {
    let (_, doc) = shape("numbered-ids.md");
    support::assert_rows(
        &doc,
        &[
            row(5, "1.1", Open, None),
            row(6, "1.2", Done, None),
            row(10, "2.1", Open, None),
            row(11, "2.2", Open, None),
        ],
    );
    assert_eq!(
        texts(&doc),
        [
            "RED metrics for every HTTP route",
            "Saturation metrics for the worker pool",
            "Trace context propagated through the queue",
            "Sampling at 10% in production",
        ]
    );
}

#[test]
fn vouch_comments_and_filled_signoffs() {
    let (_, doc) = shape("vouch-comments.md");
    support::assert_rows(
        &doc,
        &[
            row(3, "", Done, None),
            row(4, "", Open, None),
            row(5, "sec-001", Open, None),
        ],
    );
    let items = doc.items();
    assert_eq!(items[0].explicit_controls, ["K8S010", "DKR002"]);
    assert!(items[1].explicit_controls.is_empty());
    assert_eq!(items[2].explicit_controls, ["SEC020"]);
    assert_eq!(items[0].text, "Containers run as a non-root user");
    let signoffs = doc.signoffs();
    assert_eq!(signoffs.len(), 2);
    assert_eq!(signoffs[0].name.as_deref(), Some("Dana Reyes"));
    assert_eq!(signoffs[0].date.as_deref(), Some("2026-03-04"));
    assert_eq!(signoffs[1].line, 8);
    assert!(signoffs[1].name.is_none());
}

#[test]
fn readme_intro_and_toc_bullets_are_not_items() {
    let (_, doc) = shape("readme-intro.md");
    support::assert_rows(
        &doc,
        &[
            row(18, "", None_, None),
            row(19, "", None_, None),
            row(20, "", None_, None),
        ],
    );
    assert!(doc.items().iter().all(|i| i.kind == ItemKind::Bullet));
    assert_eq!(
        doc.items()[0].section,
        ["Billing Service", "Launch checklist"]
    );
}

#[test]
fn every_shape_round_trips() {
    let names = support::fixture_names("shapes");
    assert!(names.len() >= 14);
    for name in names {
        let bytes = fixture(&name);
        assert_eq!(parse(&bytes).render(), bytes, "{name}");
    }
}

#[test]
fn same_text_in_same_section_keeps_its_id_and_duplicates_are_told_apart() {
    let a = parse(b"# Launch checklist\n\n- [ ] Backups tested\n- [ ] Alerts routed\n");
    let b = parse(b"# Launch checklist\n\n- [ ] Alerts routed\n- [x] Backups tested\n");
    assert_eq!(a.items()[0].id, b.items()[1].id);
    assert_eq!(a.items()[1].id, b.items()[0].id);
    let dup = parse(b"# Launch checklist\n\n- [ ] Backups tested\n- [ ] Backups tested\n");
    assert_ne!(dup.items()[0].id, dup.items()[1].id);
    assert_eq!(dup.items()[1].id, format!("{}-2", dup.items()[0].id));
    let other_section = parse(b"# Launch checklist\n\n## Data\n\n- [ ] Backups tested\n");
    assert_ne!(other_section.items()[0].id, a.items()[0].id);
}
