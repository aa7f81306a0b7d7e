//! Abuse controls: rate limiting, body size, long headers and URLs.

use crate::support::*;
use vouch_core::OutcomeKind;
use vouch_probes::TargetOptions;
use vouch_testtarget::Mode;

#[tokio::test]
async fn a_burst_is_answered_with_429_and_retry_after() {
    let r = probe(Mode::Good, "HTTP017").await;
    assert_pass(&r);
    let e = &r.evidence[0];
    assert_eq!(e.location.path, "/api/items");
    // The connection check and OpenAPI discovery count in the window too.
    assert!(
        e.message.starts_with("request 14") && e.message.contains("retry-after: "),
        "{}",
        e.message
    );
    assert!(snippet(e).starts_with("GET /api/items → 429 application/problem+json"));
}

#[tokio::test]
async fn no_rate_limit_fails_with_the_count_of_served_requests() {
    let r = probe(Mode::NoRateLimit, "HTTP017").await;
    let f = assert_fail(&r);
    assert_eq!(f.location.path, "/api/items");
    assert!(
        f.message.starts_with("200 requests to GET /api/items in ")
            && f.message.ends_with(": 200 answered 2xx, none 429"),
        "{}",
        f.message
    );
}

#[tokio::test]
async fn a_small_budget_leaves_the_rate_limit_unknown() {
    let r = probe_with(
        Mode::NoRateLimit,
        "HTTP017",
        TargetOptions {
            max_requests: 40,
            ..options()
        },
    )
    .await;
    assert_eq!(r.outcome, OutcomeKind::Unknown);
    assert!(r.reason.unwrap().contains("at least 50"));
}
