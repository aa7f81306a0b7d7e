use crate::both_backends;
use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

both_backends!(same_key_same_body_replays_and_different_body_is_422);

async fn same_key_same_body_replays_and_different_body_is_422(backend: Backend) {
    let s = start(backend).await;
    s.create_project("api").await;
    let send = |key: &'static str, body: Value, api_key: String| {
        let request = s
            .request(Method::POST, "/api/v1/projects/api/runs", Some(&api_key))
            .header("idempotency-key", key)
            .json(&body);
        async move { request.send().await.unwrap() }
    };
    let first = send("upload-1", audit_report(60, 60), s.admin.clone()).await;
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first_location = first.headers()["location"].clone();
    let first: Value = first.json().await.unwrap();

    let retry = send("upload-1", audit_report(60, 60), s.admin.clone()).await;
    assert_eq!(retry.status(), 201);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    assert_eq!(retry.headers()["location"], first_location);
    assert_eq!(retry.headers()["content-type"], "application/json");
    let retry: Value = retry.json().await.unwrap();
    assert_eq!(retry, first);

    let runs: Value = s
        .get("/api/v1/projects/api/runs", &s.admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(runs["items"].as_array().unwrap().len(), 1, "created once");

    let reused = send("upload-1", audit_report(61, 60), s.admin.clone()).await;
    let body = problem(reused, 422).await;
    assert!(
        body["detail"].as_str().unwrap().contains("Idempotency-Key"),
        "{body}"
    );

    // Keys belong to the API key that sent them: another client's "upload-1" is its own.
    let other = s.key(&["runs:write"]).await;
    let theirs = send("upload-1", audit_report(61, 60), other).await;
    assert_eq!(theirs.status(), 201);
    assert!(theirs.headers().get("idempotent-replayed").is_none());

    // A failed request's key (4xx) is kept: the same request gets the same answer.
    let bad = json!({"schema": "nope"});
    let a = send("bad-1", bad.clone(), s.admin.clone()).await;
    let b = send("bad-1", bad, s.admin.clone()).await;
    assert_eq!(a.status(), 422);
    assert_eq!(b.status(), 422);
    assert_eq!(b.headers()["idempotent-replayed"], "true");
    assert_eq!(b.headers()["content-type"], "application/problem+json");

    // Projects honour it too.
    let project = json!({"name": "once", "owner_team": "t", "tier": "standard"});
    for _ in 0..2 {
        let response = s
            .request(Method::POST, "/api/v1/projects", Some(&s.admin))
            .header("idempotency-key", "project-once")
            .json(&project)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "a replay is not a 409 conflict");
    }
}
