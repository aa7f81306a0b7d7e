//! vouch's own live probes against vouch serve: the server must pass what it checks others for.

use crate::both_backends;
use crate::support::*;
use std::sync::Arc;
use std::time::Duration;
use vouch_core::{Config, OutcomeKind};
use vouch_probes::{RunOptions, Target, TargetOptions};

both_backends!(vouch_probes_pass_against_the_server);

/// Probes the server must pass (HTTP017 with the default per-address rate limit), including
/// HTTP011-HTTP013, which judge HTML pages: the dashboard's.
const MUST_PASS: [&str; 21] = [
    "HTTP001", "HTTP002", "HTTP003", "HTTP004", "HTTP005", "HTTP006", "HTTP007", "HTTP008",
    "HTTP009", "HTTP010", "HTTP011", "HTTP012", "HTTP013", "HTTP014", "HTTP015", "HTTP016",
    "HTTP017", "HTTP018", "HTTP019", "HTTP028", "HTTP029",
];

async fn vouch_probes_pass_against_the_server(backend: Backend) {
    // The per-address limit HTTP017 must trip whatever the machine's speed: a burst that holds
    // every other probe's requests, refilled slower than the probe sends.
    let s = start_with(backend, |c| {
        c.rate_limit_ip_per_sec = 10;
        c.rate_limit_ip_burst = 150;
    })
    .await;
    s.create_project("api").await;
    let target = Target::connect(
        &s.running.url(),
        TargetOptions {
            token: Some(s.admin.clone()),
            rate: 200.0,
            timeout: Duration::from_secs(10),
            // The route inventory comes from the server's own code.
            repo: Some(env!("CARGO_MANIFEST_DIR").into()),
            ..TargetOptions::default()
        },
    )
    .await
    .expect("probes connect");
    let config = Config::default();
    let options = RunOptions {
        config: &config,
        today: time::OffsetDateTime::now_utc().date(),
        concurrency: 4,
        probe_deadline: Duration::from_secs(90),
    };
    let results = vouch_probes::run(Arc::new(target), &vouch_probes::all_probes(), &options).await;
    let summary: Vec<String> = results
        .iter()
        .map(|r| {
            format!(
                "{} {:?} {:?} {:?}",
                r.control.id,
                r.outcome,
                r.reason,
                r.findings.iter().map(|f| &f.message).collect::<Vec<_>>()
            )
        })
        .collect();
    for id in MUST_PASS {
        let result = results
            .iter()
            .find(|r| r.control.id == id)
            .unwrap_or_else(|| panic!("{id} did not run"));
        assert_eq!(
            result.outcome,
            OutcomeKind::Pass,
            "{id} should pass:\n{}",
            summary.join("\n")
        );
    }
}
