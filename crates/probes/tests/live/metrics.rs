use crate::support::*;
use vouch_core::OutcomeKind;
use vouch_probes::TargetOptions;
use vouch_testtarget::Mode;

#[tokio::test]
async fn protected_metrics_parse_with_the_token() {
    let r = probe(Mode::Good, "HTTP003").await;
    assert_pass(&r);
    let e = &r.evidence[0];
    assert_eq!(e.location.path, "/metrics");
    assert!(
        e.message.contains("parse as Prometheus text"),
        "{}",
        e.message
    );
    assert!(
        e.snippet
            .as_deref()
            .unwrap()
            .contains("(with credentials) → 200 text/plain")
    );
}

#[tokio::test]
async fn protected_metrics_without_token_are_unknown() {
    let r = probe_with(
        Mode::Good,
        "HTTP003",
        TargetOptions {
            token: None,
            ..options()
        },
    )
    .await;
    assert_eq!(r.outcome, OutcomeKind::Unknown);
}

#[tokio::test]
async fn malformed_metrics_report_each_line() {
    let r = probe(Mode::MalformedMetrics, "HTTP003").await;
    assert_fail(&r);
    let lines: Vec<(u32, &str, &str)> = r
        .findings
        .iter()
        .filter_map(|f| Some((f.location.line?, f.message.as_str(), snippet(f))))
        .collect();
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert_eq!(lines[0].0, 4);
    assert!(lines[0].1.contains("closing quote"));
    assert_eq!(
        lines[1],
        (
            5,
            "malformed exposition line: expected a space before the value",
            "process_start_time_seconds"
        )
    );
    assert_eq!(lines[2].0, 6);
    assert!(lines[2].1.contains("unknown metric type `sometype`"));
    // The broken process line leaves no process series: said once, without a line.
    let series: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.location.line.is_none())
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(series.len(), 1);
    assert!(series[0].starts_with("no process series"));
}

#[tokio::test]
async fn missing_metrics_fail() {
    let r = probe(Mode::NoMetrics, "HTTP003").await;
    let f = assert_fail(&r);
    assert!(
        f.message.starts_with("no metrics endpoint"),
        "{}",
        f.message
    );
    let public = probe(Mode::NoMetrics, "HTTP004").await;
    assert_eq!(public.outcome, OutcomeKind::NotApplicable);
}

#[tokio::test]
async fn metrics_behind_auth_pass_and_public_metrics_fail() {
    let r = probe(Mode::Good, "HTTP004").await;
    assert_pass(&r);
    assert!(r.evidence[0].message.contains("401 without credentials"));
    let r = probe(Mode::PublicMetrics, "HTTP004").await;
    let f = assert_fail(&r);
    assert!(
        f.message.contains("served to anonymous clients"),
        "{}",
        f.message
    );
    assert!(snippet(f).starts_with("GET /metrics → 200 text/plain: # HELP"));
    // The same public exposition is valid for HTTP003.
    assert_pass(&probe(Mode::PublicMetrics, "HTTP003").await);
}
