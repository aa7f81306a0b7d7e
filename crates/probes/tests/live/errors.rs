use crate::support::*;
use vouch_core::OutcomeKind;
use vouch_testtarget::Mode;

#[tokio::test]
async fn unknown_route_gets_problem_json_on_the_good_target() {
    let r = probe(Mode::Good, "HTTP005").await;
    assert_pass(&r);
    assert!(r.evidence[0].message.contains("RFC 7807"));
}

#[tokio::test]
async fn unknown_route_with_plain_text_fails_with_the_response() {
    let r = probe(Mode::PlainErrors, "HTTP005").await;
    let f = assert_fail(&r);
    assert_eq!(f.location.path, "/vouch-probe-no-such-route-7d41c2");
    assert!(f.message.contains("text/plain"), "{}", f.message);
    assert_eq!(
        snippet(f),
        "GET /vouch-probe-no-such-route-7d41c2 → 404 text/plain: Not Found"
    );
}

#[tokio::test]
async fn spa_catch_all_is_judged_under_the_api_prefix() {
    let r = probe(Mode::SpaCatchAll, "HTTP005").await;
    assert_eq!(r.outcome, OutcomeKind::Pass, "{:?}", r.reason);
    assert_eq!(
        r.evidence[0].location.path,
        "/api/vouch-probe-no-such-route-7d41c2"
    );
}

#[tokio::test]
async fn wrong_method_gets_structured_405() {
    let r = probe(Mode::Good, "HTTP006").await;
    assert_pass(&r);
    assert_eq!(r.evidence[0].location.path, "/healthz");
    assert!(
        r.evidence[0]
            .snippet
            .as_deref()
            .unwrap()
            .starts_with("DELETE /healthz → 405")
    );
}

#[tokio::test]
async fn wrong_method_with_plain_text_fails() {
    let r = probe(Mode::PlainErrors, "HTTP006").await;
    let f = assert_fail(&r);
    assert!(
        f.message.contains("405 with a `text/plain` body"),
        "{}",
        f.message
    );
    assert_eq!(
        snippet(f),
        "DELETE /healthz → 405 text/plain: Method Not Allowed"
    );
}

#[tokio::test]
async fn malformed_json_gets_structured_400() {
    let r = probe(Mode::Good, "HTTP007").await;
    assert_pass(&r);
    let s = r.evidence[0].snippet.as_deref().unwrap();
    assert!(
        s.starts_with("POST /api/items (with credentials) → 400 application/problem+json"),
        "{s}"
    );
}

#[tokio::test]
async fn malformed_json_without_token_is_unknown_not_a_failure() {
    let r = probe_with(
        Mode::Good,
        "HTTP007",
        vouch_probes::TargetOptions {
            token: None,
            ..options()
        },
    )
    .await;
    assert_eq!(r.outcome, OutcomeKind::Unknown);
    assert!(r.reason.unwrap().contains("pass --token"));
}

#[tokio::test]
async fn malformed_json_crashing_the_handler_fails() {
    let r = probe(Mode::LeaksStackTraces, "HTTP007").await;
    let f = assert_fail(&r);
    assert!(f.message.contains("server error (500)"), "{}", f.message);
}

#[tokio::test]
async fn error_internals_pass_on_the_good_target() {
    let r = probe(Mode::Good, "HTTP008").await;
    assert_pass(&r);
    // Unknown route, unknown API route, wrong method, malformed JSON, hostile parameter.
    assert_eq!(r.evidence.len(), 5, "{:#?}", r.evidence);
}

#[tokio::test]
async fn stack_traces_and_sql_in_errors_fail_with_the_excerpt() {
    let r = probe(Mode::LeaksStackTraces, "HTTP008").await;
    assert_fail(&r);
    let malformed = r
        .findings
        .iter()
        .find(|f| f.message.starts_with("POST /api/items answered 500"))
        .expect("the malformed JSON answer leaks");
    assert!(
        malformed.message.ends_with("a Python traceback"),
        "{}",
        malformed.message
    );
    assert!(snippet(malformed).contains("Traceback (most recent call last)"));
    assert!(
        r.findings
            .iter()
            .any(|f| f.location.path == "/vouch-probe-no-such-route-7d41c2"),
        "{:#?}",
        r.findings
    );
}

#[tokio::test]
async fn trace_is_refused_on_the_good_target() {
    let r = probe(Mode::Good, "HTTP016").await;
    assert_pass(&r);
    assert!(r.evidence[0].message.contains("refused with 405"));
}

#[tokio::test]
async fn trace_echo_fails() {
    let r = probe(Mode::TraceEnabled, "HTTP016").await;
    let f = assert_fail(&r);
    assert!(
        snippet(f).starts_with("TRACE / → 200 message/http: TRACE / HTTP/1.1"),
        "{}",
        snippet(f)
    );
    assert!(snippet(f).contains("vouch-trace-probe-51c3"));
}
