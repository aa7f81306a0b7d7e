//! CORS policy seen from a foreign origin.

use crate::support::*;
use vouch_testtarget::Mode;

#[tokio::test]
async fn a_foreign_origin_gets_no_cors_grant_on_the_good_target() {
    let r = probe(Mode::Good, "HTTP019").await;
    assert_pass(&r);
    let messages: Vec<&str> = r.evidence.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        vec![
            "GET / (Origin: https://vouch-probe.invalid): the foreign origin is not allowed",
            "OPTIONS /api/items (Origin: https://vouch-probe.invalid): the foreign origin is not allowed",
            "the preflight does not approve DELETE on /api/items",
        ]
    );
}

#[tokio::test]
async fn wildcard_with_credentials_and_any_method_fail() {
    let r = probe(Mode::WildcardCorsWithCredentials, "HTTP019").await;
    assert_fail(&r);
    assert_eq!(r.findings.len(), 3, "{:#?}", r.findings);
    assert_eq!(r.findings[0].location.path, "/");
    assert!(
        r.findings[0]
            .message
            .ends_with("`Access-Control-Allow-Origin: *` with credentials allowed"),
        "{}",
        r.findings[0].message
    );
    assert!(
        r.findings.iter().any(|f| f.message.starts_with(
            "the preflight from a foreign origin approves DELETE on /api/items (allow-methods: GET, POST, PUT, PATCH, DELETE), which declares only GET, POST"
        )),
        "{:#?}",
        r.findings
    );
}
