//! GraphQL introspection: found by `{__typename}`, judged by `{__schema{types{name}}}`.

use crate::support::*;
use vouch_core::OutcomeKind;
use vouch_testtarget::Mode;

#[tokio::test]
async fn introspection_refused_passes() {
    let r = probe(Mode::Good, "HTTP030").await;
    assert_pass(&r);
    let e = &r.evidence[0];
    assert_eq!(e.location.path, "/graphql");
    assert_eq!(
        e.message,
        "GraphQL endpoint found; introspection refused with 400: GraphQL introspection is not allowed"
    );
}

#[tokio::test]
async fn introspection_answered_fails_with_the_type_names() {
    let r = probe(Mode::GraphqlIntrospectionOn, "HTTP030").await;
    let f = assert_fail(&r);
    assert_eq!(f.location.path, "/graphql");
    assert!(
        f.message.starts_with(
            "introspection is enabled: {__schema{types{name}}} lists 8 types (Query, Item,"
        ),
        "{}",
        f.message
    );
    assert!(
        snippet(f).starts_with("POST /graphql → 200 application/json"),
        "{}",
        snippet(f)
    );
}

#[tokio::test]
async fn no_graphql_endpoint_is_not_applicable() {
    let r = probe(Mode::NoGraphql, "HTTP030").await;
    assert_eq!(r.outcome, OutcomeKind::NotApplicable);
    assert_eq!(
        r.reason.as_deref(),
        Some("no GraphQL endpoint: {__typename} got no GraphQL answer at /graphql, /api/graphql")
    );
}
