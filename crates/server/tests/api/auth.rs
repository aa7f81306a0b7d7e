use crate::both_backends;
use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

both_backends!(key_scopes_are_enforced, keys_are_shown_once_and_revocable);

async fn key_scopes_are_enforced(backend: Backend) {
    let s = start(backend).await;
    s.create_project("api").await;

    let missing = s
        .request(Method::GET, "/api/v1/projects", None)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.headers()["www-authenticate"], "Bearer");
    problem(missing, 401).await;

    let garbage = s
        .request(Method::GET, "/api/v1/projects", Some("vk_not-a-key"))
        .send()
        .await
        .unwrap();
    problem(garbage, 401).await;
    let unknown = s
        .request(
            Method::GET,
            "/api/v1/projects",
            Some(&format!("vk_{}", "0".repeat(64))),
        )
        .send()
        .await
        .unwrap();
    problem(unknown, 401).await;

    let expired = s.expired_key().await;
    let body = problem(s.get("/api/v1/projects", &expired).await, 401).await;
    assert!(
        body["detail"].as_str().unwrap().contains("expired"),
        "{body}"
    );

    let reader = s.key(&["read"]).await;
    assert_eq!(s.get("/api/v1/projects", &reader).await.status(), 200);
    let body = problem(
        s.post("/api/v1/projects/api/runs", &reader, &audit_report(1, 1))
            .await,
        403,
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().contains("runs:write"),
        "{body}"
    );

    let ci = s.key(&["runs:write"]).await;
    let uploaded = s
        .post("/api/v1/projects/api/runs", &ci, &audit_report(1, 1))
        .await;
    assert_eq!(uploaded.status(), 201);
    problem(
        s.post(
            "/api/v1/projects",
            &ci,
            &json!({"name": "x", "owner_team": "t", "tier": "standard"}),
        )
        .await,
        403,
    )
    .await;
    problem(s.get("/api/v1/projects", &ci).await, 403).await;
    problem(s.get("/api/v1/api-keys", &ci).await, 403).await;
    problem(s.get("/metrics", &ci).await, 403).await;
}

async fn keys_are_shown_once_and_revocable(backend: Backend) {
    let s = start(backend).await;
    let created = s
        .post(
            "/api/v1/api-keys",
            &s.admin,
            &json!({"name": "ci", "scopes": ["read"], "expires_at": "2999-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let secret = created["key"].as_str().unwrap();
    assert!(secret.starts_with("vk_") && secret.len() == 67, "{secret}");
    assert_eq!(created["expires_at"], "2999-01-01T00:00:00Z");
    assert!(secret.starts_with(created["prefix"].as_str().unwrap()));

    let listed = s
        .get("/api/v1/api-keys", &s.admin)
        .await
        .text()
        .await
        .unwrap();
    assert!(!listed.contains(secret), "the secret is never listed");
    assert!(listed.contains("\"ci\""));

    let invalid = s
        .post(
            "/api/v1/api-keys",
            &s.admin,
            &json!({"name": "", "scopes": ["root"], "expires_at": "2000-01-01T00:00:00Z"}),
        )
        .await;
    let body = problem(invalid, 422).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "scopes[0]", "expires_at"]);

    let id = created["id"].as_i64().unwrap();
    let revoked = s
        .request(
            Method::DELETE,
            &format!("/api/v1/api-keys/{id}"),
            Some(&s.admin),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    let body = problem(s.get("/api/v1/projects", secret).await, 401).await;
    assert!(
        body["detail"].as_str().unwrap().contains("revoked"),
        "{body}"
    );
}
