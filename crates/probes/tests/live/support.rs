//! Starts a test target and runs probes against it.

use std::sync::Arc;
use vouch_core::{Config, ControlResult, Finding, OutcomeKind};
use vouch_probes::{RunOptions, Target, TargetOptions};
use vouch_testtarget::{Behaviour, Mode, Running, TOKEN};

/// Options a test uses: the target's token, a pace well under its rate limit.
pub fn options() -> TargetOptions {
    TargetOptions {
        token: Some(TOKEN.to_string()),
        rate: 100.0,
        timeout: std::time::Duration::from_secs(5),
        ..TargetOptions::default()
    }
}

pub async fn target(behaviour: impl Into<Behaviour>) -> Running {
    vouch_testtarget::start(behaviour)
        .await
        .expect("target starts")
}

/// Runs the probe `id` against a fresh target in `mode`.
pub async fn probe(mode: Mode, id: &str) -> ControlResult {
    probe_with(mode, id, options()).await
}

pub async fn probe_with(
    behaviour: impl Into<Behaviour>,
    id: &str,
    options: TargetOptions,
) -> ControlResult {
    let running = target(behaviour).await;
    run_on(&running.url(), id, options).await
}

pub async fn run_on(url: &str, id: &str, options: TargetOptions) -> ControlResult {
    let target = Target::connect(url, options).await.expect("connects");
    let probe = vouch_probes::find(id).unwrap_or_else(|| panic!("no probe {id}"));
    let config = Config::default();
    let run = RunOptions {
        config: &config,
        today: time::OffsetDateTime::now_utc().date(),
        concurrency: 4,
        probe_deadline: std::time::Duration::from_secs(60),
    };
    let mut results = vouch_probes::run(Arc::new(target), &[probe], &run).await;
    assert_eq!(results.len(), 1);
    results.remove(0)
}

pub fn assert_pass(r: &ControlResult) {
    assert_eq!(
        r.outcome,
        OutcomeKind::Pass,
        "{} should pass: {:?} {:#?}",
        r.control.id,
        r.reason,
        r.findings
    );
    assert!(
        !r.evidence.is_empty(),
        "{}: a pass shows evidence",
        r.control.id
    );
}

/// Asserts a failure and returns its only finding... or the first.
pub fn assert_fail(r: &ControlResult) -> &Finding {
    assert_eq!(
        r.outcome,
        OutcomeKind::Fail,
        "{} should fail: {:?} {:#?}",
        r.control.id,
        r.reason,
        r.evidence
    );
    assert!(!r.findings[0].fingerprint.is_empty());
    &r.findings[0]
}

/// The finding's snippet (request line, status, excerpt).
pub fn snippet(f: &Finding) -> &str {
    f.snippet.as_deref().unwrap_or("")
}
