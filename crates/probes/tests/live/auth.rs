//! Write operations without valid credentials.

use crate::support::*;
use vouch_core::Outcome;
use vouch_probes::{Target, TargetOptions};
use vouch_testtarget::Mode;

#[tokio::test]
async fn every_declared_write_refuses_missing_invalid_and_expired_credentials() {
    let r = probe(Mode::Good, "HTTP018").await;
    assert_pass(&r);
    // POST /api/items, PUT and DELETE /api/items/{id}, three credential variants each.
    assert_eq!(r.evidence.len(), 9, "{:#?}", r.evidence);
    assert!(
        r.evidence
            .iter()
            .all(|e| e.message.ends_with("refused with 401")),
        "{:#?}",
        r.evidence
    );
    assert!(
        r.evidence
            .iter()
            .any(|e| e.message == "DELETE /api/items/0 with an expired JWT refused with 401")
    );
}

#[tokio::test]
async fn an_unprotected_delete_is_a_finding_per_credential_variant() {
    let r = probe(Mode::WritesWithoutAuth, "HTTP018").await;
    assert_fail(&r);
    let messages: Vec<&str> = r.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        vec![
            "DELETE /api/items/0 with no credentials answered 204: the write is not protected",
            "DELETE /api/items/0 with an invalid token answered 204: the write is not protected",
            "DELETE /api/items/0 with an expired JWT answered 204: the write is not protected",
        ]
    );
    assert_eq!(r.findings[0].location.path, "/api/items/0");
    assert_eq!(
        snippet(&r.findings[0]),
        "DELETE /api/items/0 → 204 no content type"
    );
}

#[tokio::test]
async fn without_declared_operations_the_answer_is_unknown() {
    // Target::new skips OpenAPI discovery: nothing is declared.
    let t = Target::new("http://127.0.0.1:9", &TargetOptions::default()).unwrap();
    let probe = vouch_probes::find("HTTP018").unwrap();
    match probe.run(&t).await.unwrap() {
        Outcome::Unknown { reason } => assert!(reason.contains("--openapi"), "{reason}"),
        other => panic!("expected Unknown, got {other:?}"),
    }
    assert_eq!(t.budget().used(), 0, "no request without operations");
}
