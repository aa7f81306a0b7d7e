//! The shared example checklists: every item, status, ID, priority, section, target and
//! sign-off, counted by hand from the files, and a byte-exact round trip.

mod support;

use support::{None_, Row, fixture, parse, row};
use vouch_checklist::model::Priority::{Critical, High, Low, Medium};
use vouch_checklist::model::Status::{Blocked, Done, InProgress, Open};
use vouch_checklist::model::{Comparison, ItemKind};

#[test]
fn ledger_api_launch() {
    let doc = parse(&fixture("shared/ledger-api-launch.md"));
    let expected = [
        row(7, "LA-001", Open, Some(Critical)),
        row(8, "LA-002", Open, Some(Critical)),
        row(9, "LA-003", Done, Some(Critical)),
        row(14, "LA-010", Open, Some(High)),
        row(15, "LA-011", Open, Some(High)),
        row(16, "LA-012", Open, Some(High)),
        row(17, "LA-013", Open, Some(High)),
        row(20, "LA-020", Open, Some(High)),
        row(21, "LA-021", Open, Some(High)),
        row(22, "LA-022", Open, Some(High)),
        row(26, "LA-030", Open, Some(Medium)),
        row(27, "LA-031", Open, Some(Medium)),
        row(28, "LA-032", Open, Some(Medium)),
        row(29, "LA-033", Open, Some(Medium)),
        row(33, "LA-040", Open, Some(Low)),
    ];
    support::assert_rows(&doc, &expected);
    let items = doc.items();
    assert!(
        items
            .iter()
            .all(|i| i.id_in_doc && i.kind == ItemKind::Task)
    );
    assert_eq!(
        items[3].section,
        [
            "Ledger API — Launch Readiness Tracker",
            "🟠 High",
            "Access control"
        ]
    );
    assert_eq!(items[0].section[1], "🔴 Blockers");
    assert_eq!(
        items[1].text,
        "Remove the hardcoded Postgres password from `deploy/compose.yaml`"
    );
    // "100 req/min per key" is a rate limit to configure, not a throughput target.
    assert!(items[5].targets.is_empty());
    assert_eq!(items[11].targets.len(), 1);
    assert_eq!(items[11].targets[0].metric, "retention");
    assert_eq!(items[11].targets[0].value, 14.0 * 86_400_000.0);
    assert!(doc.signoffs().is_empty());
}

#[test]
fn ledger_api_launch_mojibake_crlf_reads_like_the_clean_file() {
    let bytes = fixture("shared/ledger-api-launch.mojibake-crlf.md");
    let garbled = parse(&bytes);
    let clean = parse(&fixture("shared/ledger-api-launch.md"));
    assert!(garbled.is_mojibake());
    assert!(!clean.is_mojibake());
    assert_eq!(garbled.items(), clean.items());
    assert_eq!(garbled.render(), bytes);
}

#[test]
fn payments_prr_with_status_key_signoffs_and_targets() {
    let doc = parse(&fixture("shared/payments-prr.md"));
    let expected: Vec<Row> = [
        (16, Done),
        (17, InProgress),
        (18, Open),
        (19, Blocked),
        (20, Open),
        (29, Open),
        (30, Open),
        (31, Open),
        (34, Open),
        (35, Open),
        (36, Open),
        (37, Open),
        (45, Open),
        (46, Open),
        (47, Open),
        (48, Open),
        (56, Open),
        (57, Open),
        (58, Open),
        (64, Done),
        (65, Done),
        (66, Done),
        (67, Done),
    ]
    .into_iter()
    .map(|(line, status)| row(line, "", status, None))
    .collect();
    support::assert_rows(&doc, &expected);
    let items = doc.items();
    // The status key (lines 6-9) defines markers; it is not work.
    assert!(items.iter().all(|i| i.line > 9 && !i.id_in_doc));
    assert_eq!(
        items[0].section,
        [
            "Payments Gateway — Production Readiness Review",
            "Stage 1: Build & Supply Chain",
            "Pipeline"
        ]
    );
    assert_eq!(items[19].section[1], "Final Gates");
    assert_eq!(
        items[3].text,
        "Dependency vulnerability scan (blocked: scanner licence pending)"
    );

    let coverage = &items[2].targets;
    assert_eq!(coverage.len(), 1);
    assert_eq!(
        (
            coverage[0].metric.as_str(),
            coverage[0].comparison,
            coverage[0].value
        ),
        ("coverage", Comparison::Ge, 85.0)
    );
    let certificate = &items[14].targets;
    assert_eq!(certificate[0].metric, "certificate_validity");
    assert_eq!(certificate[0].comparison, Comparison::Gt);
    assert_eq!(certificate[0].value, 30.0 * 86_400_000.0);
    let latency = &items[16].targets;
    assert_eq!(latency.len(), 2);
    assert_eq!(
        (
            latency[0].metric.as_str(),
            latency[0].comparison,
            latency[0].value,
            latency[0].unit.as_str()
        ),
        ("latency_p95", Comparison::Lt, 80.0, "ms")
    );
    assert_eq!(
        (
            latency[1].metric.as_str(),
            latency[1].comparison,
            latency[1].value
        ),
        ("throughput", Comparison::Ge, 800.0)
    );
    let errors = &items[17].targets;
    assert_eq!(
        (
            errors[0].metric.as_str(),
            errors[0].comparison,
            errors[0].value
        ),
        ("error_rate", Comparison::Lt, 0.5)
    );
    let with_targets = items.iter().filter(|i| !i.targets.is_empty()).count();
    assert_eq!(with_targets, 4);

    let signoffs = doc.signoffs();
    assert_eq!(
        signoffs.iter().map(|s| s.line).collect::<Vec<_>>(),
        [22, 39, 50]
    );
    assert!(
        signoffs
            .iter()
            .all(|s| s.name.is_none() && s.date.is_none())
    );
    assert_eq!(signoffs[1].section[1], "Stage 2: Runtime Hardening");
    assert_eq!(signoffs[1].section.len(), 2);
}

#[test]
fn ingest_worker_prose_guide_with_done_table() {
    let doc = parse(&fixture("shared/ingest-worker-hardening.md"));
    let mut expected = Vec::new();
    for line in [9, 10, 12, 13, 14] {
        expected.push(row(line, "", None_, None));
    }
    for line in [18, 19, 20] {
        expected.push(row(line, "", None_, None));
    }
    for (line, status) in [(26, Open), (27, Open), (28, Open), (29, Done)] {
        expected.push(row(line, "", status, None));
    }
    for line in [33, 34, 38, 39] {
        expected.push(row(line, "", None_, None));
    }
    support::assert_rows(&doc, &expected);
    let items = doc.items();
    let kinds: Vec<ItemKind> = items.iter().map(|i| i.kind).collect();
    assert_eq!(&kinds[..5], [ItemKind::Bullet; 5]);
    assert_eq!(&kinds[5..8], [ItemKind::Numbered; 3]);
    assert_eq!(&kinds[8..12], [ItemKind::TableRow; 4]);
    // "**Tokens:**" and "**Roles:**" group their sub-items; they are not items themselves.
    assert_eq!(items[0].depth, 1);
    assert_eq!(
        items[0].section,
        ["Ingest Worker Hardening Guide", "1. Identity", "Tokens"]
    );
    assert_eq!(items[2].section[2], "Roles");
    assert_eq!(items[2].text, "`viewer` → dashboards only.");
    assert_eq!(
        items[8].text,
        "Prometheus metrics: queue depth, files processed, failures"
    );
    assert_eq!(items[8].owner.as_deref(), Some("Platform"));
    assert_eq!(items[10].owner.as_deref(), Some("SRE"));
    // An alert threshold is not a service target.
    assert!(items[10].targets.is_empty());
    assert_eq!(items[12].targets[0].metric, "retention");
    assert_eq!(items[12].targets[0].value, 30.0 * 86_400_000.0);
    assert!(items.iter().all(|i| !i.id_in_doc && i.priority.is_none()));
}

#[test]
fn search_service_sections_with_effort_owner_and_trailing_ids() {
    let doc = parse(&fixture("shared/search-service-remaining.md"));
    let mut expected = Vec::new();
    for line in [16, 17, 18, 19, 25, 26] {
        expected.push(row(line, "", Open, Some(High)));
    }
    for line in [36, 37, 38] {
        expected.push(row(line, "", Open, Some(Medium)));
    }
    for (n, line) in [44, 45, 46, 47, 48].into_iter().enumerate() {
        expected.push(Row {
            id: format!("RR-00{}", n + 1),
            ..row(line, "", Done, None)
        });
    }
    support::assert_rows(&doc, &expected);
    let items = doc.items();
    assert_eq!(items[0].effort.as_deref(), Some("16-24 hours"));
    assert_eq!(items[0].owner.as_deref(), Some("SRE"));
    assert_eq!(items[4].effort.as_deref(), Some("8-16 hours"));
    assert_eq!(items[4].owner.as_deref(), Some("QA"));
    assert_eq!(items[6].effort.as_deref(), Some("24 hours"));
    assert_eq!(items[6].owner.as_deref(), Some("Platform"));
    assert!(items[9].effort.is_none() && items[9].owner.is_none());
    assert_eq!(items[11].text, "Versioned migrations");
    assert_eq!(
        items[4].section,
        [
            "Search Service — Open Work",
            "1. Resilience (HIGH Priority)",
            "1.2 Load Regression"
        ]
    );
    assert!(items.iter().all(|i| i.targets.is_empty()));
}

#[test]
fn every_shared_fixture_round_trips_byte_for_byte() {
    for name in support::fixture_names("shared") {
        let bytes = fixture(&name);
        let doc = parse(&bytes);
        assert_eq!(doc.render(), bytes, "{name}");
        assert!(!doc.is_modified());
        assert_eq!(doc.diff(), "");
    }
}

#[test]
fn derived_ids_are_stable_across_runs_and_unique() {
    for name in support::fixture_names("shared") {
        let first = parse(&fixture(&name));
        let second = parse(&fixture(&name));
        let ids: Vec<&str> = first.items().iter().map(|i| i.id.as_str()).collect();
        let again: Vec<&str> = second.items().iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, again);
        let unique: std::collections::HashSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "{name}");
    }
}
