//! `POST /api/v1/api-keys/{id}/rotate`: the new secret works at once, the old one for the
//! grace period only, and rotation of what cannot be rotated is a problem, not a new secret.

use crate::both_backends;
use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

both_backends!(
    the_old_secret_works_during_the_grace_period_only,
    revoked_unknown_and_overlong_rotations_are_refused,
);

async fn create_key(s: &TestServer, name: &str) -> (i64, String) {
    let response = s
        .post(
            "/api/v1/api-keys",
            &s.admin,
            &json!({"name": name, "scopes": ["read"]}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    (
        body["id"].as_i64().unwrap(),
        body["key"].as_str().unwrap().to_string(),
    )
}

async fn rotate(s: &TestServer, id: i64, body: Value) -> reqwest::Response {
    s.post(&format!("/api/v1/api-keys/{id}/rotate"), &s.admin, &body)
        .await
}

/// The objects of a JSON array whose `field` is `value`.
fn entries_where<'a>(list: &'a Value, field: &str, value: &str) -> Vec<&'a Value> {
    let all = list.as_array().expect("a JSON array");
    all.iter().filter(|e| e[field] == value).collect()
}

async fn status_with(s: &TestServer, secret: &str) -> u16 {
    s.get("/api/v1/projects", secret).await.status().as_u16()
}

async fn the_old_secret_works_during_the_grace_period_only(backend: Backend) {
    let s = start(backend).await;
    let (id, first) = create_key(&s, "ci").await;

    // Default grace (a day): both secrets work.
    let response = rotate(&s, id, json!({})).await;
    assert_eq!(response.status(), 200);
    let rotated: Value = response.json().await.unwrap();
    let second = rotated["key"].as_str().unwrap().to_string();
    assert_ne!(second, first);
    assert!(second.starts_with(rotated["prefix"].as_str().unwrap()));
    assert_eq!(rotated["id"], id);
    assert_eq!(rotated["name"], "ci");
    assert_eq!(rotated["scopes"], json!(["read"]));
    assert!(rotated["rotated_at"].is_string(), "{rotated}");
    let until = vouch_server::clock::parse_rfc3339(
        rotated["previous_secret_valid_until"].as_str().unwrap(),
    )
    .unwrap();
    let day_ms = 86_400_000;
    let now = vouch_server::clock::now_ms();
    assert!(
        until > now + day_ms - 60_000 && until <= now + day_ms,
        "{rotated}"
    );
    assert_eq!(status_with(&s, &first).await, 200);
    assert_eq!(status_with(&s, &second).await, 200);

    // Grace 0: the secret it replaces stops at once, and the one before that is gone too.
    let third = rotate(&s, id, json!({"grace_seconds": 0})).await;
    assert_eq!(third.status(), 200);
    let third = third.json::<Value>().await.unwrap()["key"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(status_with(&s, &third).await, 200);
    for old in [&first, &second] {
        let body = problem(s.get("/api/v1/projects", old).await, 401).await;
        assert_eq!(body["detail"], "the API key is not valid");
    }

    // A short grace: the old secret works, then stops (polled, with a deadline).
    let fourth = rotate(&s, id, json!({"grace_seconds": 3})).await;
    let fourth = fourth.json::<Value>().await.unwrap()["key"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(status_with(&s, &third).await, 200);
    let deadline = Instant::now() + Duration::from_secs(15);
    while status_with(&s, &third).await == 200 {
        assert!(
            Instant::now() < deadline,
            "the old secret outlived its grace"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status_with(&s, &third).await, 401);
    assert_eq!(status_with(&s, &fourth).await, 200);

    // One key throughout: the list shows it once, and each rotation is in the audit log.
    let keys = s.get_json("/api/v1/api-keys").await;
    let listed = entries_where(&keys, "name", "ci");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], id);
    let log = s.get_json("/api/v1/audit-log").await;
    let rotations = entries_where(&log["items"], "kind", "api_key.rotated");
    assert_eq!(rotations.len(), 3);
    assert_eq!(rotations[0]["subject"], format!("api-key:{id}"));
    assert_eq!(rotations[0]["actor"], "api-key:1");
    assert_eq!(
        rotations[0]["detail"],
        json!({"name": "ci", "grace_seconds": 86400})
    );
    assert_eq!(rotations[1]["detail"]["grace_seconds"], 0);
    assert_eq!(rotations[2]["detail"]["grace_seconds"], 3);

    // Revoking the key ends the old secret's grace as well as the new secret.
    let (other, old) = create_key(&s, "other").await;
    let response = rotate(&s, other, json!({"grace_seconds": 3600})).await;
    let new = response.json::<Value>().await.unwrap()["key"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(s.revoke_key(&json!(other)).await.status(), 204);
    for secret in [&old, &new] {
        let body = problem(s.get("/api/v1/projects", secret).await, 401).await;
        assert_eq!(body["detail"], "the API key was revoked");
    }
}

async fn revoked_unknown_and_overlong_rotations_are_refused(backend: Backend) {
    let s = start(backend).await;
    let body = problem(rotate(&s, 999_999, json!({})).await, 404).await;
    assert_eq!(body["detail"], "no API key with id 999999");

    let (id, secret) = create_key(&s, "ci").await;
    let body = problem(
        rotate(&s, id, json!({"grace_seconds": 31 * 24 * 3600})).await,
        422,
    )
    .await;
    assert_eq!(error_fields(&body), ["grace_seconds"]);
    let body = problem(rotate(&s, id, json!({"grace": 5})).await, 422).await;
    assert!(body["detail"].as_str().unwrap().contains("grace"), "{body}");
    // Refused rotations changed nothing.
    assert_eq!(status_with(&s, &secret).await, 200);

    assert_eq!(s.revoke_key(&json!(id)).await.status(), 204);
    let body = problem(rotate(&s, id, json!({})).await, 409).await;
    assert_eq!(
        body["detail"],
        format!("API key {id} is revoked: create a new key")
    );
    // Only an admin rotates (the RBAC matrix covers every caller).
    let reader = s.key(&["read"]).await;
    let response = s
        .request(
            Method::POST,
            &format!("/api/v1/api-keys/{id}/rotate"),
            Some(&reader),
        )
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    problem(response, 403).await;
}
