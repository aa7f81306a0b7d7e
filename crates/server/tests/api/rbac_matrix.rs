//! Every route × every kind of caller, with the exact status each must get. The table below is
//! the one list of routes: `the_table_lists_every_route_of_the_router` reads the router's
//! source and fails when a route is added, renamed or removed without updating the table.

use crate::both_backends;
use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use vouch_server::auth::jwt::{self, Audience, Claims};
use vouch_server::auth::keys::{self, hex};
use vouch_server::auth::signing::{kid_of, parse_signing_key};

both_backends!(every_route_answers_every_caller_exactly);

/// The callers, in the column order of the table: the three roles (users with access
/// tokens), two API keys (to show scopes go through the same check), and the bad tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    Viewer,
    Engineer,
    Admin,
    ReadKey,
    CiKey,
    NoToken,
    ExpiredToken,
    WrongSignature,
    AlgNone,
}

const CALLERS: [Caller; 9] = [
    Caller::Viewer,
    Caller::Engineer,
    Caller::Admin,
    Caller::ReadKey,
    Caller::CiKey,
    Caller::NoToken,
    Caller::ExpiredToken,
    Caller::WrongSignature,
    Caller::AlgNone,
];

/// Shorthands for the rows (columns: viewer, engineer, admin, `read` key, `runs:write` key,
/// no token, expired, wrong signature, alg none).
const PUBLIC: [u16; 9] = [200; 9];
const READ: [u16; 9] = [200, 200, 200, 200, 403, 401, 401, 401, 401];
const ADMIN_200: [u16; 9] = [403, 403, 200, 403, 403, 401, 401, 401, 401];
const ADMIN_201: [u16; 9] = [403, 403, 201, 403, 403, 401, 401, 401, 401];
const ADMIN_204: [u16; 9] = [403, 403, 204, 403, 403, 401, 401, 401, 401];
const ENGINEER_201: [u16; 9] = [403, 201, 201, 403, 201, 401, 401, 401, 401];
const ENGINEER_202: [u16; 9] = [403, 202, 202, 403, 202, 401, 401, 401, 401];
/// Dashboard pages: a bearer token or API key is not a dashboard credential (the session
/// cookie is), so every caller here is sent to the login page: 303 to `/login` (dashboard.rs
/// checks the Location and what a session cookie gets instead).
const SEE_OTHER: [u16; 9] = [303; 9];
/// `checklists:write`: engineers and admins, not the CI key.
const CHECKLISTS_201: [u16; 9] = [403, 201, 201, 403, 403, 401, 401, 401, 401];

/// (method, path as routed, status for each caller in `CALLERS` order).
pub const ROUTES: &[(&str, &str, [u16; 9])] = &[
    ("GET", "/healthz", PUBLIC),
    ("GET", "/readyz", PUBLIC),
    ("GET", "/.well-known/jwks.json", PUBLIC),
    ("GET", "/api/openapi.json", PUBLIC),
    // The credential is in the body: the Authorization header plays no part.
    ("POST", "/api/v1/auth/login", PUBLIC),
    ("POST", "/api/v1/auth/refresh", PUBLIC),
    ("POST", "/api/v1/auth/logout", [204; 9]),
    ("GET", "/metrics", ADMIN_200),
    ("POST", "/api/v1/projects", ADMIN_201),
    ("GET", "/api/v1/projects", READ),
    ("GET", "/api/v1/projects/{name}", READ),
    ("PATCH", "/api/v1/projects/{name}", ADMIN_200),
    ("GET", "/api/v1/projects/{name}/runs", READ),
    ("POST", "/api/v1/projects/{name}/runs", ENGINEER_201),
    ("GET", "/api/v1/runs/{id}", READ),
    ("GET", "/api/v1/runs/{id}/report", READ),
    ("POST", "/api/v1/api-keys", ADMIN_201),
    ("GET", "/api/v1/api-keys", ADMIN_200),
    ("DELETE", "/api/v1/api-keys/{id}", ADMIN_204),
    ("POST", "/api/v1/api-keys/{id}/rotate", ADMIN_200),
    ("POST", "/api/v1/users", ADMIN_201),
    ("GET", "/api/v1/users", ADMIN_200),
    ("PATCH", "/api/v1/users/{id}", ADMIN_200),
    ("GET", "/api/v1/projects/{name}/jobs", READ),
    ("POST", "/api/v1/projects/{name}/jobs", ENGINEER_202),
    ("GET", "/api/v1/jobs/{id}", READ),
    ("POST", "/api/v1/webhooks", ADMIN_201),
    ("GET", "/api/v1/webhooks", ADMIN_200),
    ("GET", "/api/v1/webhooks/{id}", ADMIN_200),
    ("DELETE", "/api/v1/webhooks/{id}", ADMIN_204),
    ("GET", "/api/v1/webhooks/{id}/deliveries", ADMIN_200),
    ("GET", "/api/v1/audit-log", ADMIN_200),
    ("GET", "/api/v1/audit-log/verify", ADMIN_200),
    ("GET", "/", SEE_OTHER),
    ("GET", "/login", PUBLIC),
    // The form's password is the credential: a correct one logs in (303 to `/`) whatever the
    // Authorization header says.
    ("POST", "/login", SEE_OTHER),
    ("POST", "/logout", SEE_OTHER),
    ("GET", "/projects/{name}", SEE_OTHER),
    ("GET", "/projects/{name}/signoffs", SEE_OTHER),
    ("POST", "/projects/{name}/signoffs", SEE_OTHER),
    ("GET", "/runs/{id}", SEE_OTHER),
    ("GET", "/jobs", SEE_OTHER),
    ("GET", "/assets/{file}", PUBLIC),
    ("GET", "/api/v1/projects/{name}/checklist", READ),
    (
        "GET",
        "/api/v1/projects/{name}/checklist/items/{id}/history",
        READ,
    ),
    ("GET", "/api/v1/projects/{name}/signoffs", READ),
    ("POST", "/api/v1/projects/{name}/signoffs", ENGINEER_201),
    (
        "POST",
        "/api/v1/projects/{name}/checklist/signoffs",
        CHECKLISTS_201,
    ),
];

/// Where each file's routes are mounted (see app.rs); any other file's under `/api/v1`.
const MOUNTS: &[(&str, &str)] = &[
    ("app.rs", ""),
    ("auth/session.rs", "/api/v1/auth"),
    ("dashboard/mod.rs", ""),
];

struct Fixture {
    read_key: String,
    ci_key: String,
    viewer: String,
    engineer: String,
    admin: String,
    expired: String,
    wrong_signature: String,
    alg_none: String,
    project: String,
    run_id: i64,
    user_id: i64,
    job_id: i64,
    webhook_id: i64,
}

fn claims(sub: i64, role: &str, iat: i64, exp: i64) -> Claims {
    Claims {
        sub: sub.to_string(),
        role: role.into(),
        iat,
        exp,
        iss: "vouch".into(),
        aud: Audience::One("vouch-api".into()),
        jti: hex(&keys::random::<16>().unwrap()),
    }
}

fn b64(value: &Value) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::encode_string(value.to_string().as_bytes())
}

async fn fixture(s: &TestServer, seed: &str) -> Fixture {
    let viewer = s.user("matrix-viewer", "viewer").await;
    let engineer = s.user("matrix-engineer", "engineer").await;
    let admin = s.user("matrix-admin", "admin").await;
    let project = "matrix".to_string();
    s.create_project(&project).await;
    let run = s
        .post(
            &format!("/api/v1/projects/{project}/runs"),
            &s.admin,
            &audit_report(70, 70),
        )
        .await;
    let run_id = run.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let mut checklist = checklist_report();
    checklist["items"] = json!([{"id": "M-1", "text": "Runs as non-root", "section": ["Launch"],
                                 "status_in_doc": "done", "verdict": "done"}]);
    let stored = s
        .post(
            &format!("/api/v1/projects/{project}/runs"),
            &s.admin,
            &checklist,
        )
        .await;
    assert_eq!(stored.status(), 201);
    let job = s
        .post(
            &format!("/api/v1/projects/{project}/jobs"),
            &s.admin,
            &json!({"kind": "audit", "repository": "/nonexistent/matrix"}),
        )
        .await;
    assert_eq!(job.status(), 202);
    let job_id = job.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let webhook_id = create_webhook(s).await;

    // Forged tokens for the admin: only the token's defect may cause the refusal.
    let key = parse_signing_key(seed).unwrap();
    let kid = kid_of(&key.verifying_key());
    let now = vouch_server::clock::now_ms() / 1000;
    let expired = jwt::sign_with(
        &key,
        &kid,
        &claims(admin.id, "admin", now - 3600, now - 1800),
    );
    let stranger = parse_signing_key(&hex(&keys::random::<32>().unwrap())).unwrap();
    let valid = claims(admin.id, "admin", now, now + 600);
    let wrong_signature = jwt::sign_with(&stranger, &kid, &valid);
    let alg_none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT", "kid": kid})),
        b64(&serde_json::to_value(&valid).unwrap())
    );
    Fixture {
        read_key: s.key(&["read"]).await,
        ci_key: s.key(&["runs:write"]).await,
        viewer: viewer.access_token,
        engineer: engineer.access_token,
        admin: admin.access_token,
        expired,
        wrong_signature,
        alg_none,
        project,
        run_id,
        user_id: viewer.id,
        job_id,
        webhook_id,
    }
}

/// A `vouch.signoffs/v1` document with one entry no other call signed.
fn signoff_doc(n: usize) -> Value {
    use vouch_checklist::signoff::{SignoffPayload, sign};
    let payload = SignoffPayload {
        version: 1,
        checklist: "launch.md".into(),
        section: vec!["Launch".into()],
        name: format!("signer {n}"),
        signed_at: "2026-11-22T20:00:00Z".into(),
        commit: None,
        items: Vec::new(),
    };
    let key = ed25519_dalek::SigningKey::from_bytes(&keys::random::<32>().unwrap());
    json!({"schema": "vouch.signoffs/v1", "signoffs": [sign(payload, &key)]})
}

fn webhook_body() -> Value {
    json!({"url": "http://127.0.0.1:9/hook", "events": ["score_drop"]})
}

async fn create_webhook(s: &TestServer) -> i64 {
    let made = s.post("/api/v1/webhooks", &s.admin, &webhook_body()).await;
    assert_eq!(made.status(), 201);
    made.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// The concrete path and body of one call; `n` makes created names unique.
async fn call(
    s: &TestServer,
    f: &Fixture,
    method: &str,
    route: &str,
    n: usize,
) -> (String, Option<Value>) {
    let asset = vouch_server::dashboard::assets::css_url();
    let path = route
        .replace("/assets/{file}", &asset)
        .replace("{name}", &f.project)
        .replace("/runs/{id}", &format!("/runs/{}", f.run_id))
        .replace("/users/{id}", &format!("/users/{}", f.user_id))
        .replace("/jobs/{id}", &format!("/jobs/{}", f.job_id))
        .replace("/webhooks/{id}", &format!("/webhooks/{}", f.webhook_id))
        .replace("/items/{id}", "/items/M-1");
    let body = match (method, route) {
        ("POST", "/api/v1/auth/login") => {
            Some(json!({"username": "matrix-viewer", "password": PASSWORD}))
        }
        ("POST", "/api/v1/auth/refresh" | "/api/v1/auth/logout") => {
            let tokens = s.login("matrix-viewer", PASSWORD).await;
            Some(json!({"refresh_token": tokens["refresh_token"]}))
        }
        ("POST", "/api/v1/projects") => {
            Some(json!({"name": format!("made-{n}"), "owner_team": "platform", "tier": "standard"}))
        }
        ("PATCH", "/api/v1/projects/{name}") => Some(json!({"owner_team": "sre"})),
        ("POST", "/api/v1/projects/{name}/runs") => Some(audit_report(80, 80)),
        ("POST", "/api/v1/api-keys") => Some(json!({"name": format!("k{n}"), "scopes": ["read"]})),
        ("DELETE", "/api/v1/api-keys/{id}") => {
            // A fresh key each time, so an allowed call has something to revoke.
            let id = fresh_key_id(s).await;
            return (format!("/api/v1/api-keys/{id}"), None);
        }
        ("POST", "/api/v1/api-keys/{id}/rotate") => {
            let id = fresh_key_id(s).await;
            return (
                format!("/api/v1/api-keys/{id}/rotate"),
                Some(json!({"grace_seconds": 0})),
            );
        }
        ("POST", "/api/v1/users") => {
            Some(json!({"username": format!("made-{n}"), "role": "viewer", "password": PASSWORD}))
        }
        ("PATCH", "/api/v1/users/{id}") => Some(json!({"display_name": "Matrix Viewer"})),
        ("POST", "/api/v1/webhooks") => Some(webhook_body()),
        ("DELETE", "/api/v1/webhooks/{id}") => {
            // A fresh endpoint each time, so an allowed call has something to delete.
            let id = create_webhook(s).await;
            return (format!("/api/v1/webhooks/{id}"), None);
        }
        ("POST", "/api/v1/projects/{name}/checklist/signoffs") => {
            Some(json!({"section": ["Launch"]}))
        }
        ("POST", "/api/v1/projects/{name}/signoffs") => Some(signoff_doc(n)),
        ("POST", "/api/v1/projects/{name}/jobs") => {
            Some(json!({"kind": "audit", "repository": "/nonexistent/matrix"}))
        }
        _ => None,
    };
    (path, body)
}

/// The id of a new `read` key made for one call.
async fn fresh_key_id(s: &TestServer) -> Value {
    let secret = s.key(&["read"]).await;
    s.key_id(&secret).await
}

/// The form body of a dashboard POST (the dashboard takes forms, not JSON).
fn dashboard_form(method: &str, route: &str) -> Option<String> {
    match (method, route) {
        ("POST", "/login") => Some(format!(
            "username=matrix-viewer&password={}",
            PASSWORD.replace(' ', "+")
        )),
        ("POST", "/logout" | "/projects/{name}/signoffs") => Some("csrf=x&section=x".into()),
        _ => None,
    }
}

async fn every_route_answers_every_caller_exactly(backend: Backend) {
    let seed = hex(&keys::random::<32>().unwrap());
    let s = start_with(backend, |c| {
        c.signing_key = Some(seed.clone());
        c.rate_limit_ip_per_sec = 0;
        c.rate_limit_key_per_sec = 0;
    })
    .await;
    let f = fixture(&s, &seed).await;
    let mut failures = Vec::new();
    let mut n = 0;
    for (method, route, expected) in ROUTES {
        for (caller, want) in CALLERS.iter().zip(expected) {
            n += 1;
            let (path, body) = call(&s, &f, method, route, n).await;
            let token = match caller {
                Caller::Viewer => Some(&f.viewer),
                Caller::Engineer => Some(&f.engineer),
                Caller::Admin => Some(&f.admin),
                Caller::ReadKey => Some(&f.read_key),
                Caller::CiKey => Some(&f.ci_key),
                Caller::NoToken => None,
                Caller::ExpiredToken => Some(&f.expired),
                Caller::WrongSignature => Some(&f.wrong_signature),
                Caller::AlgNone => Some(&f.alg_none),
            };
            let mut request = s.request(
                method.parse::<Method>().unwrap(),
                &path,
                token.map(|t| t.as_str()),
            );
            if let Some(body) = body {
                request = request.json(&body);
            }
            if let Some(form) = dashboard_form(method, route) {
                request = request
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(form);
            }
            let response = request.send().await.unwrap();
            let got = response.status().as_u16();
            if got == 401 {
                let challenge = response
                    .headers()
                    .get("www-authenticate")
                    .map(|v| v.to_str().unwrap().to_string());
                let want_challenge = if token.is_some() {
                    "Bearer error=\"invalid_token\""
                } else {
                    "Bearer"
                };
                if challenge.as_deref() != Some(want_challenge) {
                    failures.push(format!(
                        "{method} {route} as {caller:?}: WWW-Authenticate {challenge:?}"
                    ));
                }
            }
            if got != *want {
                let text = response.text().await.unwrap_or_default();
                failures.push(format!(
                    "{method} {route} as {caller:?}: {got}, expected {want}: {text}"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// (method, full path) of every `.route(...)` in the server's source.
fn routes_in_source() -> BTreeSet<(String, String)> {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = BTreeSet::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let mount = MOUNTS
                .iter()
                .find(|(file, _)| *file == relative)
                .map_or("/api/v1", |(_, mount)| mount);
            let text = std::fs::read_to_string(&path).unwrap();
            for (route, handlers) in route_calls(&text) {
                for method in [
                    "get", "post", "put", "patch", "delete", "head", "options", "any",
                ] {
                    let used = handlers.match_indices(&format!("{method}(")).any(|(i, _)| {
                        i == 0
                            || !handlers[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
                    });
                    if used {
                        found.insert((method.to_uppercase(), format!("{mount}{route}")));
                    }
                }
            }
        }
    }
    found
}

/// `.route("PATH", HANDLERS)` calls: the path and the text of the method router.
fn route_calls(text: &str) -> Vec<(String, String)> {
    let mut calls = Vec::new();
    for (start, _) in text.match_indices(".route(") {
        let rest = &text[start + ".route(".len()..];
        let Some(rest) = rest.trim_start().strip_prefix('"') else {
            continue;
        };
        let Some(end) = rest.find('"') else { continue };
        let path = rest[..end].to_string();
        let mut depth = 1;
        let after = &rest[end + 1..];
        let close = after
            .char_indices()
            .find(|(_, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map_or(after.len(), |(i, _)| i);
        calls.push((path, after[..close].to_string()));
    }
    calls
}

#[test]
fn the_table_lists_every_route_of_the_router() {
    let in_source = routes_in_source();
    let in_table: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    assert!(
        in_source.len() >= 20,
        "the source scan found too little: {in_source:?}"
    );
    let unlisted: Vec<_> = in_source.difference(&in_table).collect();
    let stale: Vec<_> = in_table.difference(&in_source).collect();
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "routes in the router but not in the RBAC table: {unlisted:?}; \
         in the table but gone from the router: {stale:?}"
    );
    assert_eq!(in_table.len(), ROUTES.len(), "a route is listed twice");
}
