use crate::support::*;
use std::sync::Arc;
use std::time::Duration;
use vouch_core::{Config, OutcomeKind};
use vouch_probes::{RunOptions, Target, TargetError, TargetOptions};
use vouch_testtarget::Mode;

#[tokio::test]
async fn unreachable_target_is_a_clear_error() {
    // Bind then drop a listener: nothing serves on that port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = Target::connect(&format!("http://127.0.0.1:{port}"), options())
        .await
        .err()
        .expect("connection refused");
    assert!(matches!(err, TargetError::Unreachable { .. }), "{err}");
    assert!(err.to_string().contains("cannot reach"), "{err}");
}

#[tokio::test]
async fn a_hanging_target_times_out_within_the_timeout() {
    let running = target(Mode::Hang).await;
    let started = std::time::Instant::now();
    let err = Target::connect(
        &running.url(),
        TargetOptions {
            timeout: Duration::from_millis(300),
            ..options()
        },
    )
    .await
    .err()
    .expect("times out");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(err.to_string().contains("no answer within 0.3s"), "{err}");
}

#[tokio::test]
async fn the_budget_caps_requests_and_turns_into_unknown() {
    let running = target(Mode::Good).await;
    let t = Target::connect(
        &running.url(),
        TargetOptions {
            max_requests: 8,
            ..options()
        },
    )
    .await
    .unwrap();
    let t = Arc::new(t);
    let config = Config::default();
    let run = RunOptions {
        config: &config,
        today: time::OffsetDateTime::now_utc().date(),
        concurrency: 4,
        probe_deadline: Duration::from_secs(30),
    };
    let results = vouch_probes::run(t.clone(), &vouch_probes::all_probes(), &run).await;
    assert_eq!(t.budget().used(), 8, "never more than --max-requests");
    let unknown: Vec<_> = results
        .iter()
        .filter(|r| r.outcome == OutcomeKind::Unknown)
        .collect();
    assert!(!unknown.is_empty());
    assert!(
        unknown
            .iter()
            .all(|r| r.reason.as_deref().unwrap().contains("--max-requests")),
        "{unknown:#?}"
    );
}

#[tokio::test]
async fn suppressions_and_selection_apply_like_static_controls() {
    let running = target(Mode::PlainErrors).await;
    let config = Config::parse(
        "select = [\"HTTP005\"]\n[[suppress]]\nid = \"HTTP005\"\nreason = \"legacy gateway\"\n",
        "vouch.toml",
    )
    .unwrap();
    let t = Target::connect(&running.url(), options()).await.unwrap();
    let run = RunOptions {
        config: &config,
        today: time::OffsetDateTime::now_utc().date(),
        concurrency: 4,
        probe_deadline: Duration::from_secs(30),
    };
    let results = vouch_probes::run(Arc::new(t), &vouch_probes::all_probes(), &run).await;
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].outcome, OutcomeKind::Pass);
    assert_eq!(
        results[0].reason.as_deref(),
        Some("all findings are suppressed")
    );
    assert_eq!(
        results[0].findings[0].suppressed.as_ref().unwrap().reason,
        "legacy gateway"
    );
}

#[tokio::test]
async fn the_good_target_passes_every_probe() {
    // Over HTTPS, so the transport probes judge something too.
    let running = vouch_testtarget::start_tls(Mode::Good, vouch_testtarget::TlsOptions::default())
        .await
        .unwrap();
    let tls = TargetOptions {
        ca_cert_pem: Some(running.ca_pem.clone().into_bytes()),
        http_port: running.http_addr.map(|a| a.port()),
        ..options()
    };
    let t = Target::connect(&running.url(), tls).await.unwrap();
    assert_eq!(
        t.operations.openapi_source.as_deref(),
        Some("/openapi.json")
    );
    let config = Config::default();
    let run = RunOptions {
        config: &config,
        today: time::OffsetDateTime::now_utc().date(),
        concurrency: 4,
        probe_deadline: Duration::from_secs(60),
    };
    let results = vouch_probes::run(Arc::new(t), &vouch_probes::all_probes(), &run).await;
    assert_eq!(results.len(), vouch_probes::all_probes().len());
    for r in &results {
        assert_pass(r);
    }
}
