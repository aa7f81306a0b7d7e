use crate::both_backends;
use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

both_backends!(runs_round_trip, bad_uploads_are_problems);

async fn runs_round_trip(backend: Backend) {
    let s = start(backend).await;
    s.create_project("api").await;
    let ci = s.key(&["runs:write", "read"]).await;

    let mut ids = Vec::new();
    for (overall, security) in [(40, 30), (70, 65)] {
        let report = audit_report(overall, security);
        let response = s.post("/api/v1/projects/api/runs", &ci, &report).await;
        assert_eq!(response.status(), 201);
        let location = response.headers()["location"].to_str().unwrap().to_string();
        let run: Value = response.json().await.unwrap();
        assert_eq!(location, format!("/api/v1/runs/{}", run["id"]));
        assert_eq!(run["kind"], "audit");
        assert_eq!(run["score"], overall);
        assert_eq!(run["areas"]["security"], security);
        assert_eq!(run["areas"]["testing"], Value::Null);
        assert_eq!(run["gate_failed"], overall < 50);
        assert_eq!(run["counts"]["fail"], 2);
        assert_eq!(run["commit"], "0123456789abcdef0123456789abcdef01234567");
        ids.push(run["id"].as_i64().unwrap());
    }
    let checklist = s
        .post("/api/v1/projects/api/runs", &ci, &checklist_report())
        .await;
    assert_eq!(checklist.status(), 201);
    let checklist: Value = checklist.json().await.unwrap();
    assert_eq!(checklist["kind"], "checklist");
    assert_eq!(checklist["score"], Value::Null);
    assert_eq!(checklist["counts"]["done"], 3);

    // Newest first, with scores for trends; paginated by run id.
    let page: Value = s
        .get("/api/v1/projects/api/runs?limit=2", &ci)
        .await
        .json()
        .await
        .unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["kind"], "checklist");
    assert_eq!(items[1]["score"], 70);
    assert_eq!(items[1]["areas"]["deployment"], 80);
    let next = page["next"].as_str().unwrap();
    let rest: Value = s
        .get(
            &format!("/api/v1/projects/api/runs?limit=2&after={next}"),
            &ci,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rest["items"][0]["score"], 40);
    assert_eq!(rest["items"][0]["areas"]["security"], 30);
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);

    // One run, and its report byte for byte as uploaded.
    let run: Value = s
        .get(&format!("/api/v1/runs/{}", ids[0]), &ci)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(run["project"], "api");
    assert_eq!(run["score"], 40);
    let uploaded = serde_json::to_vec(&audit_report(40, 30)).unwrap();
    let download = s.get(run["report_url"].as_str().unwrap(), &ci).await;
    assert_eq!(download.status(), 200);
    assert_eq!(
        download.bytes().await.unwrap().as_ref(),
        uploaded.as_slice()
    );
    assert_eq!(run["report_bytes"], uploaded.len());

    // Immutable: no method changes a run.
    for method in [Method::PUT, Method::PATCH, Method::DELETE] {
        let response = s
            .request(method, &format!("/api/v1/runs/{}", ids[0]), Some(&s.admin))
            .send()
            .await
            .unwrap();
        problem(response, 405).await;
    }
}

async fn bad_uploads_are_problems(backend: Backend) {
    let s = start(backend).await;
    s.create_project("api").await;
    let wrong_schema = s
        .post(
            "/api/v1/projects/api/runs",
            &s.admin,
            &json!({"schema": "other/v1"}),
        )
        .await;
    let body = problem(wrong_schema, 422).await;
    assert_eq!(body["errors"][0]["field"], "schema");

    let mut bad = audit_report(50, 50);
    bad["score"]["overall"] = json!(101);
    let body = problem(
        s.post("/api/v1/projects/api/runs", &s.admin, &bad).await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "score.overall");

    let unknown_project = s
        .post("/api/v1/projects/ghost/runs", &s.admin, &audit_report(1, 1))
        .await;
    problem(unknown_project, 404).await;

    let not_json = s
        .request(Method::POST, "/api/v1/projects/api/runs", Some(&s.admin))
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    problem(not_json, 415).await;

    problem(s.get("/api/v1/runs/999999", &s.admin).await, 404).await;
    problem(s.get("/api/v1/runs/abc", &s.admin).await, 400).await;

    let runs: Value = s
        .get("/api/v1/projects/api/runs", &s.admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(runs["items"], json!([]), "rejected uploads store nothing");
}
