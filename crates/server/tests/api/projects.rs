use crate::both_backends;
use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

both_backends!(
    projects_round_trip,
    invalid_and_duplicate_projects_are_problems
);

async fn projects_round_trip(backend: Backend) {
    let s = start(backend).await;
    let created = s
        .post(
            "/api/v1/projects",
            &s.admin,
            &json!({
                "name": "checkout-api",
                "owner_team": "payments",
                "tier": "critical",
                "repository": "git@example.com:shop/checkout.git",
                "service_url": "https://checkout.example.com",
                "labels": {"region": "eu", "lang": "rust"}
            }),
        )
        .await;
    assert_eq!(created.status(), 201);
    assert_eq!(
        created.headers()["location"],
        "/api/v1/projects/checkout-api"
    );
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["labels"]["region"], "eu");

    let got: Value = s
        .get("/api/v1/projects/checkout-api", &s.admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got, created);

    for name in ["billing", "auth", "zeta"] {
        s.create_project(name).await;
    }
    let page: Value = s
        .get("/api/v1/projects?limit=2", &s.admin)
        .await
        .json()
        .await
        .unwrap();
    let names = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&page), ["auth", "billing"]);
    let next = page["next"].as_str().unwrap();
    let rest: Value = s
        .get(&format!("/api/v1/projects?limit=2&after={next}"), &s.admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(names(&rest), ["checkout-api", "zeta"]);
    assert!(rest.get("next").is_none(), "{rest}");

    let updated = s
        .request(
            Method::PATCH,
            "/api/v1/projects/checkout-api",
            Some(&s.admin),
        )
        .json(&json!({"tier": "standard", "service_url": null, "labels": {"region": "us"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), 200);
    let updated: Value = updated.json().await.unwrap();
    assert_eq!(updated["tier"], "standard");
    assert_eq!(updated["service_url"], Value::Null);
    assert_eq!(updated["owner_team"], "payments", "absent fields are kept");
    assert_eq!(updated["labels"], json!({"region": "us"}));

    let missing = s.get("/api/v1/projects/nope", &s.admin).await;
    let body = problem(missing, 404).await;
    assert!(body["detail"].as_str().unwrap().contains("nope"));
}

async fn invalid_and_duplicate_projects_are_problems(backend: Backend) {
    let s = start(backend).await;
    let invalid = s
        .post(
            "/api/v1/projects",
            &s.admin,
            &json!({"name": "Not Valid", "owner_team": "", "tier": "gold"}),
        )
        .await;
    let body = problem(invalid, 422).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "owner_team", "tier"]);

    s.create_project("dup").await;
    let again = s
        .post(
            "/api/v1/projects",
            &s.admin,
            &json!({"name": "dup", "owner_team": "x", "tier": "standard"}),
        )
        .await;
    problem(again, 409).await;

    let unknown_field = s
        .post(
            "/api/v1/projects",
            &s.admin,
            &json!({"name": "a", "owner_team": "x", "tier": "standard", "colour": "red"}),
        )
        .await;
    problem(unknown_field, 422).await;

    let malformed = s
        .request(Method::POST, "/api/v1/projects", Some(&s.admin))
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    problem(malformed, 400).await;
}
