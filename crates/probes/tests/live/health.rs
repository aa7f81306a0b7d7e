use crate::support::*;
use vouch_core::OutcomeKind;
use vouch_testtarget::Mode;

#[tokio::test]
async fn liveness_passes_on_the_good_target_with_timings() {
    let r = probe(Mode::Good, "HTTP001").await;
    assert_pass(&r);
    let e = &r.evidence[0];
    assert_eq!(e.location.path, "/healthz");
    assert!(
        e.message.contains("median") && e.message.contains(" ms"),
        "{}",
        e.message
    );
    assert!(
        e.snippet
            .as_deref()
            .unwrap()
            .starts_with("GET /healthz → 200 application/json")
    );
}

#[tokio::test]
async fn liveness_fails_when_slow() {
    let r = probe(Mode::SlowHealth, "HTTP001").await;
    let f = assert_fail(&r);
    assert_eq!(f.location.path, "/healthz");
    assert!(
        f.message.contains("slow") && f.message.contains("limit 1000 ms"),
        "{}",
        f.message
    );
}

#[tokio::test]
async fn readiness_passes_and_is_distinct() {
    let r = probe(Mode::Good, "HTTP002").await;
    assert_pass(&r);
    assert_eq!(r.evidence[0].location.path, "/readyz");
}

#[tokio::test]
async fn readiness_fails_when_missing() {
    let r = probe(Mode::NoReadiness, "HTTP002").await;
    let f = assert_fail(&r);
    assert!(f.message.contains("no readiness endpoint"), "{}", f.message);
    assert!(
        f.message.contains("only the liveness endpoint /healthz"),
        "{}",
        f.message
    );
}

#[tokio::test]
async fn health_endpoints_behind_a_catch_all_are_not_mistaken_for_real_ones() {
    // The SPA shell answers /ready, /health, ... with 200: only the real routes count.
    let r = probe(Mode::SpaCatchAll, "HTTP002").await;
    assert_eq!(r.outcome, OutcomeKind::Pass);
    assert_eq!(r.evidence[0].location.path, "/readyz");
}
