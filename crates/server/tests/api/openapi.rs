//! `/api/openapi.json`: public, OpenAPI 3.1, and in step with the router: every route of the
//! RBAC table (the one list of routes) is documented with its method, its security and its
//! problem responses, and nothing else is. `vouch probe` reads it and finds the write
//! endpoints its auth probe calls.

use crate::both_backends;
use crate::rbac_matrix::ROUTES;
use crate::support::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;
use vouch_core::{Config, OutcomeKind};
use vouch_probes::{RunOptions, Target, TargetOptions};

both_backends!(
    the_document_describes_every_route_and_only_those,
    vouch_probe_reads_the_document_and_finds_the_write_endpoints,
);

const WRITES: [&str; 4] = ["POST", "PUT", "PATCH", "DELETE"];

async fn served_document(s: &TestServer) -> Value {
    // Public: no credentials.
    let response = s
        .request(reqwest::Method::GET, "/api/openapi.json", None)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    response.json().await.expect("the document is JSON")
}

/// The dashboard's HTML pages (session cookie, forms): not part of the JSON API the document
/// describes.
const DASHBOARD_PAGES: &[&str] = &[
    "/",
    "/login",
    "/logout",
    "/projects/{name}",
    "/projects/{name}/signoffs",
    "/runs/{id}",
    "/jobs",
    "/assets/{file}",
];

/// The API's routes: every route of the router but the dashboard's pages.
fn api_routes() -> impl Iterator<Item = &'static (&'static str, &'static str, [u16; 9])> {
    ROUTES
        .iter()
        .filter(|(_, path, _)| !DASHBOARD_PAGES.contains(path))
}

/// What each route's operation lacks; empty when the document matches the router.
fn mismatches(doc: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let mut routed = BTreeSet::new();
    for (method, path, statuses) in api_routes() {
        let route = format!("{method} {path}");
        routed.insert((method.to_lowercase(), path.to_string()));
        let Some(op) = doc["paths"][path].get(method.to_lowercase()) else {
            problems.push(format!(
                "{route}: not in the document; put #[utoipa::path({}, path = \"{path}\", ...)] \
                 on its handler and list the handler in its module's `Api` (crate::openapi \
                 merges the modules' `Api`s)",
                method.to_lowercase()
            ));
            continue;
        };
        let responses = op["responses"].as_object().cloned().unwrap_or_default();
        if !responses.keys().any(|k| k.starts_with('2')) {
            problems.push(format!("{route}: no 2xx response documented"));
        }
        // The no-token column says whether the route is public.
        let public = statuses[5] != 401;
        let declared_public = op["security"]
            .as_array()
            .is_some_and(|list| list.iter().any(|r| r == &Value::Object(Default::default())));
        if public != declared_public {
            problems.push(format!(
                "{route}: the route is {} but the document says {}; {}",
                if public { "public" } else { "authenticated" },
                if declared_public { "public" } else { "bearer" },
                if public {
                    "add `security(())` to its #[utoipa::path]"
                } else {
                    "remove `security(())` from its #[utoipa::path]"
                }
            ));
        }
        let mut wanted = vec!["429", "500"];
        if !public {
            wanted.extend(["401", "403"]);
        }
        if path.contains('{') {
            wanted.push("404");
        }
        for status in wanted {
            let problem_json = responses
                .get(status)
                .and_then(|r| r["content"].get("application/problem+json"))
                .is_some();
            if !problem_json {
                problems.push(format!(
                    "{route}: no {status} application/problem+json response"
                ));
            }
        }
        if WRITES.contains(method) && op.get("requestBody").is_some() {
            for status in ["400", "415", "422"] {
                if !responses.contains_key(status) {
                    problems.push(format!("{route}: takes a body but documents no {status}"));
                }
            }
        }
    }
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in item.as_object().into_iter().flatten().map(|(m, _)| m) {
            if !routed.contains(&(method.clone(), path.clone())) {
                problems.push(format!(
                    "{} {path}: documented but not in the RBAC table's ROUTES (not routed?)",
                    method.to_uppercase()
                ));
            }
        }
    }
    problems
}

async fn the_document_describes_every_route_and_only_those(backend: Backend) {
    let s = start(backend).await;
    let doc = served_document(&s).await;
    let version = doc["openapi"].as_str().unwrap();
    assert!(version.starts_with("3.1."), "{version}");
    assert_eq!(doc["info"]["title"], "vouch serve");
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"],
        serde_json::json!({"type": "http", "scheme": "bearer",
            "description": "An API key (`vk_...`), an access token from /api/v1/auth/login, or a token of the configured OIDC issuer"})
    );
    assert_eq!(doc["security"], serde_json::json!([{"bearer": []}]));
    for schema in [
        "Problem",
        "FieldError",
        "ProjectView",
        "CreatedKey",
        "RunView",
    ] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "no {schema} schema"
        );
    }
    assert_eq!(
        doc["components"]["schemas"]["Problem"]["properties"]["type"]["type"],
        "string"
    );
    let problems = mismatches(&doc);
    assert!(
        problems.is_empty(),
        "the OpenAPI document and the router disagree ({}):\n{}",
        problems.len(),
        problems.join("\n")
    );
    // The request body of a create names its schema.
    assert_eq!(
        doc["paths"]["/api/v1/projects"]["post"]["requestBody"]["content"]["application/json"]["schema"]
            ["$ref"],
        "#/components/schemas/CreateProject"
    );
}

async fn vouch_probe_reads_the_document_and_finds_the_write_endpoints(backend: Backend) {
    let s = start(backend).await;
    let url = s.running.url();
    let source = format!("{url}/api/openapi.json");
    let target = Target::connect(
        &url,
        TargetOptions {
            openapi: Some(source.clone()),
            rate: 200.0,
            timeout: Duration::from_secs(10),
            ..TargetOptions::default()
        },
    )
    .await
    .expect("the probes accept the server's OpenAPI document");
    assert_eq!(
        target.operations.openapi_source.as_deref(),
        Some(source.as_str())
    );
    assert_eq!(target.operations.openapi_missing, None);
    let found: BTreeSet<(String, String)> = target
        .operations
        .list
        .iter()
        .filter(|o| o.is_write())
        .map(|o| (o.method.clone(), o.path.clone()))
        .collect();
    let writes: BTreeSet<(String, String)> = api_routes()
        .filter(|(method, _, _)| WRITES.contains(method))
        .map(|(method, path, _)| (method.to_string(), path.to_string()))
        .collect();
    let missing: Vec<_> = writes.difference(&found).collect();
    let extra: Vec<_> = found.difference(&writes).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "write routes the probes did not find in the document: {missing:?}; \
         write operations found that the router does not have: {extra:?}"
    );
    let create = target
        .operations
        .list
        .iter()
        .find(|o| o.method == "POST" && o.path == "/api/v1/projects")
        .unwrap();
    assert!(create.json_body);

    // HTTP018 calls those write endpoints without valid credentials: all must refuse.
    let config = Config::default();
    let options = RunOptions {
        config: &config,
        today: time::OffsetDateTime::now_utc().date(),
        concurrency: 4,
        probe_deadline: Duration::from_secs(60),
    };
    let probe: Vec<_> = vouch_probes::all_probes()
        .into_iter()
        .filter(|p| p.meta().id == "HTTP018")
        .collect();
    let results = vouch_probes::run(Arc::new(target), &probe, &options).await;
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0].outcome,
        OutcomeKind::Pass,
        "{:?} {:?}",
        results[0].reason,
        results[0]
            .findings
            .iter()
            .map(|f| &f.message)
            .collect::<Vec<_>>()
    );
}
