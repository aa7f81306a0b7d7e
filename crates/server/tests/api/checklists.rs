//! Probe and load runs, checklist item history, and sign-offs (uploaded and verified, or made
//! by the server) judged against the latest checklist run, end to end on both databases.

use crate::both_backends;
use crate::receiver::Receiver;
use crate::support::*;
use ed25519_dalek::SigningKey;
use serde_json::{Value, json};
use vouch_checklist::signoff::{SignedItem, SignoffPayload, sign};
use vouch_server::auth::keys;

both_backends!(
    probe_and_load_reports_are_stored_with_their_numbers,
    checklist_item_history_spans_every_upload,
    uploaded_signoffs_are_verified_and_stored_once,
    only_trusted_signers_are_accepted_when_a_list_is_set,
    a_server_signoff_goes_stale_when_the_checklist_changes,
    an_item_id_with_a_slash_has_a_history,
);

/// A `vouch.checklist/v1` report of `launch.md`: (id, section, verdict, ticked).
fn checklist(items: &[(&str, &[&str], &str, bool)]) -> Value {
    let mut report = checklist_report();
    report["checklist"] = json!("./launch.md");
    report["items"] = items
        .iter()
        .enumerate()
        .map(|(i, (id, section, verdict, ticked))| {
            json!({"line": i + 3, "id": id, "text": format!("claim {id}"), "section": section,
                   "status_in_doc": if *ticked { "done" } else { "open" }, "verdict": verdict,
                   "confidence": 1.0, "mapping": "explicit", "controls": [], "evidence": []})
        })
        .collect();
    report
}

const SECURITY: &[&str] = &["Launch", "Security"];
const DOCS: &[&str] = &["Launch", "Docs"];

fn launch(l1: &str) -> Value {
    checklist(&[
        ("L-1", SECURITY, l1, true),
        ("L-2", SECURITY, "manual", false),
        ("L-3", DOCS, "not_done", false),
    ])
}

async fn upload_run(s: &TestServer, project: &str, report: &Value) -> Value {
    let response = s
        .post(
            &format!("/api/v1/projects/{project}/runs"),
            &s.admin,
            report,
        )
        .await;
    assert_eq!(response.status(), 201, "{:?}", response.text().await);
    response.json().await.unwrap()
}

fn random_key() -> SigningKey {
    SigningKey::from_bytes(&keys::random::<32>().unwrap())
}

/// A `vouch.signoffs/v1` document: `name` signs the Security section as the CLI would.
fn signed_doc(key: &SigningKey, name: &str, verdict: &str) -> Value {
    let payload = SignoffPayload {
        version: 1,
        checklist: "launch.md".into(),
        section: vec!["Launch".into(), "Security".into()],
        name: name.into(),
        signed_at: "2026-11-22T20:00:00Z".into(),
        commit: None,
        items: ["L-1", "L-2"]
            .iter()
            .map(|id| SignedItem {
                id: id.to_string(),
                text: format!("claim {id}"),
                verdict: if *id == "L-1" { verdict } else { "manual" }.into(),
                evidence: "5f0c2a".into(),
            })
            .collect(),
    };
    json!({"schema": "vouch.signoffs/v1", "signoffs": [sign(payload, key)]})
}

async fn probe_and_load_reports_are_stored_with_their_numbers(backend: Backend) {
    let s = start(backend).await;
    s.create_project("api").await;
    let ci = s.key(&["runs:write", "read"]).await;

    let mut probe = audit_report(90, 85);
    probe["target"] = json!({"path": "https://api.example.test"});
    probe["results"] = json!([
        {"control": {"id": "HTTP001", "slug": "tls", "title": "TLS", "area": "security",
                     "severity": "high"}, "outcome": "pass", "findings": []},
        {"control": {"id": "HTTP007", "slug": "headers", "title": "Headers", "area": "security",
                     "severity": "medium"}, "outcome": "fail", "findings": []}
    ]);
    let response = s.post("/api/v1/projects/api/runs", &ci, &probe).await;
    assert_eq!(response.status(), 201);
    let run: Value = response.json().await.unwrap();
    assert_eq!(run["kind"], "probe");
    assert_eq!(run["schema"], "vouch.report/v1");
    assert_eq!(run["score"], 90);
    assert_eq!(run["areas"]["security"], 85);
    assert_eq!(run["counts"]["fail"], 2);

    let load = json!({
        "schema": "vouch.load/v1",
        "tool": {"name": "vouch", "version": "0.1.0"},
        "target": "http://127.0.0.1:8080/",
        "config": {"model": "open", "rate": 200.0, "connections": 8, "duration_s": 5.0,
                   "warmup_s": 1.0, "timeout_s": 5.0},
        "measured_s": 5.0,
        "requests": {"total": 1000, "responses": 998, "http_errors": 3, "transport_errors": 2,
                     "late": 0, "missed": 0},
        "throughput_rps": 199.6,
        "error_rate_percent": 0.5,
        "latency_ms": {"min": 0.2, "mean": 1.1, "p50": 0.9, "p90": 2.0, "p95": 2.5,
                       "p99": 7.25, "p99_9": 9.0, "max": 12.0, "stdev": 0.8},
        "status_codes": {"200": 995, "503": 3},
        "transport_errors": {"timeout": 2},
        "endpoints": [],
        "bytes_received": 1000,
        "thresholds": [
            {"expression": "p(99)<10ms", "observed": 7.25, "unit": "ms", "passed": true},
            {"expression": "errors<0.1%", "observed": 0.5, "unit": "%", "passed": false}
        ],
        "passed": false,
        "results": []
    });
    let response = s.post("/api/v1/projects/api/runs", &ci, &load).await;
    assert_eq!(response.status(), 201);
    let run: Value = response.json().await.unwrap();
    assert_eq!(run["kind"], "load");
    assert_eq!(run["score"], Value::Null);
    assert_eq!(run["gate_failed"], true);
    assert_eq!(
        run["counts"],
        json!({"p50_ms": 0.9, "p95_ms": 2.5, "p99_ms": 7.25, "rps": 199.6,
               "error_rate_percent": 0.5, "requests": 1000, "http_errors": 3,
               "transport_errors": 2, "thresholds": 2, "thresholds_failed": 1})
    );
    // The report comes back exactly as uploaded.
    let original = s
        .get(&format!("/api/v1/runs/{}/report", run["id"]), &ci)
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(original, load);

    let page = s.get_json("/api/v1/projects/api/runs").await;
    let kinds: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["load", "probe"]);

    let mut bad = load.clone();
    bad["passed"] = json!("maybe");
    let body = problem(s.post("/api/v1/projects/api/runs", &ci, &bad).await, 422).await;
    assert_eq!(error_fields(&body), ["passed"]);
}

async fn checklist_item_history_spans_every_upload(backend: Backend) {
    let s = start(backend).await;
    s.create_project("api").await;
    let viewer = s.key(&["read"]).await;
    let missing = s.get("/api/v1/projects/api/checklist", &viewer).await;
    problem(missing, 404).await;

    let mut runs = Vec::new();
    for verdict in ["done", "claimed_but_failing", "done"] {
        runs.push(upload_run(&s, "api", &launch(verdict)).await["id"].clone());
    }
    // An audit in between is not part of any item's history.
    upload_run(&s, "api", &audit_report(70, 70)).await;

    let latest: Value = s
        .get("/api/v1/projects/api/checklist", &viewer)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(latest["checklist"], "launch.md");
    assert_eq!(latest["run"]["id"], runs[2]);
    assert_eq!(latest["run"]["kind"], "checklist");
    assert_eq!(
        latest["items"][0],
        json!({"id": "L-1", "section": ["Launch", "Security"], "text": "claim L-1",
               "verdict": "done", "claimed": true})
    );
    assert_eq!(latest["items"].as_array().unwrap().len(), 3);
    assert_eq!(
        latest["sections"],
        json!([
            {"path": ["Launch"], "items": 3, "verdicts": {"done": 1, "manual": 1, "not_done": 1}},
            {"path": ["Launch", "Security"], "items": 2, "verdicts": {"done": 1, "manual": 1}},
            {"path": ["Launch", "Docs"], "items": 1, "verdicts": {"not_done": 1}}
        ])
    );
    assert_eq!(latest["signoffs"], json!([]));

    let history = |query: &str| {
        let path = format!("/api/v1/projects/api/checklist/items/L-1/history{query}");
        let s = &s;
        let viewer = viewer.clone();
        async move {
            let response = s.get(&path, &viewer).await;
            assert_eq!(response.status(), 200);
            response.json::<Value>().await.unwrap()
        }
    };
    let first = history("?limit=2").await;
    let verdicts = |page: &Value| -> Vec<(Value, String)> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["run_id"].clone(),
                    e["verdict"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        verdicts(&first),
        [
            (runs[2].clone(), "done".to_string()),
            (runs[1].clone(), "claimed_but_failing".to_string())
        ]
    );
    assert_eq!(first["items"][0]["claimed"], true);
    assert_eq!(first["items"][0]["section"], json!(["Launch", "Security"]));
    assert_eq!(first["items"][0]["checklist"], "launch.md");
    assert!(first["items"][0]["created_at"].is_string());
    let next = first["next"].as_str().unwrap();
    let rest = history(&format!("?limit=2&after={next}")).await;
    assert_eq!(verdicts(&rest), [(runs[0].clone(), "done".to_string())]);
    assert_eq!(rest.get("next"), None);

    let unknown = s
        .get("/api/v1/projects/api/checklist/items/NOPE/history", &viewer)
        .await;
    assert_eq!(unknown.status(), 200);
    assert_eq!(unknown.json::<Value>().await.unwrap()["items"], json!([]));
    problem(
        s.get("/api/v1/projects/nope/checklist/items/L-1/history", &viewer)
            .await,
        404,
    )
    .await;
}

/// Item ids are the checklist's own (`security/auth-1` is common): percent-encoded, a slash
/// stays part of the id instead of splitting the path.
async fn an_item_id_with_a_slash_has_a_history(backend: Backend) {
    let s = start(backend).await;
    s.create_project("api").await;
    for verdict in ["not_done", "done"] {
        upload_run(
            &s,
            "api",
            &checklist(&[("security/auth-1", SECURITY, verdict, true)]),
        )
        .await;
    }
    let history = s
        .get_json("/api/v1/projects/api/checklist/items/security%2Fauth-1/history")
        .await;
    let verdicts: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, ["done", "not_done"]);
    let unencoded = s
        .get(
            "/api/v1/projects/api/checklist/items/security/auth-1/history",
            &s.admin,
        )
        .await;
    assert_eq!(
        unencoded.status(),
        404,
        "an unencoded slash is another path"
    );
}

async fn signoffs_of(s: &TestServer) -> Vec<Value> {
    s.get_json("/api/v1/projects/api/checklist").await["signoffs"]
        .as_array()
        .unwrap()
        .clone()
}

async fn uploaded_signoffs_are_verified_and_stored_once(backend: Backend) {
    let s = start(backend).await;
    s.create_project("api").await;
    upload_run(&s, "api", &launch("done")).await;
    let ci = s.key(&["runs:write"]).await;
    let ada = random_key();

    let doc = signed_doc(&ada, "Ada", "done");
    let response = s.post("/api/v1/projects/api/signoffs", &ci, &doc).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        (&body["stored"], &body["already_stored"]),
        (&json!(1), &json!(0))
    );
    let stored = &body["signoffs"][0];
    assert_eq!(stored["name"], "Ada");
    assert_eq!(stored["source"], "upload");
    assert_eq!(stored["section"], json!(["Launch", "Security"]));
    assert_eq!(
        (&stored["valid"], &stored["trusted"], &stored["stale"]),
        (&json!(true), &json!(true), &json!(false))
    );
    assert_eq!(
        stored["public_key"],
        keys::hex(ada.verifying_key().as_bytes())
    );

    // The same entry again stores nothing new.
    let again = s.post("/api/v1/projects/api/signoffs", &ci, &doc).await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!(
        (&again["stored"], &again["already_stored"]),
        (&json!(0), &json!(1))
    );
    assert_eq!(again["signoffs"][0]["id"], stored["id"]);

    // The project's sign-off list holds it once, judged like the checklist view does.
    let listed = s.get_json("/api/v1/projects/api/signoffs").await;
    assert_eq!(listed["project"], "api");
    assert_eq!(listed["signoffs"].as_array().map(Vec::len), Some(1));
    assert_eq!(listed["signoffs"][0]["id"], stored["id"]);
    assert_eq!(listed["signoffs"][0]["stale"], false);
    assert_eq!(listed["signoffs"], json!(signoffs_of(&s).await));

    // A tampered payload, or a signature under another key, refuses the whole upload.
    let grace = signed_doc(&random_key(), "Grace", "done");
    let mut tampered = signed_doc(&ada, "Ada", "done");
    tampered["signoffs"][0]["payload"]["items"][0]["verdict"] = json!("not_done");
    let mut wrong_key = signed_doc(&ada, "Ada", "claimed_but_failing");
    wrong_key["signoffs"][0]["public_key"] =
        json!(keys::hex(random_key().verifying_key().as_bytes()));
    let mixed = json!({"schema": "vouch.signoffs/v1", "signoffs": [
        grace["signoffs"][0], tampered["signoffs"][0], wrong_key["signoffs"][0]
    ]});
    let body = problem(
        s.post("/api/v1/projects/api/signoffs", &ci, &mixed).await,
        422,
    )
    .await;
    assert_eq!(error_fields(&body), ["signoffs[1]", "signoffs[2]"]);
    for error in body["errors"].as_array().unwrap() {
        assert_eq!(
            error["message"],
            "the signature does not match the signed content"
        );
    }
    let names: Vec<Value> = signoffs_of(&s)
        .await
        .iter()
        .map(|s| s["name"].clone())
        .collect();
    assert_eq!(
        names,
        [json!("Ada")],
        "nothing of the refused upload was stored"
    );

    // A stored row altered in the database no longer verifies when shown.
    let mut conn = raw_connection(&s.database_url).await;
    let entry: String = sqlx::query_scalar("SELECT entry FROM signoffs")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    sqlx::query("UPDATE signoffs SET entry = $1")
        .bind(entry.replace("\"done\"", "\"not_done\""))
        .execute(&mut conn)
        .await
        .unwrap();
    let shown = &signoffs_of(&s).await[0];
    assert_eq!(shown["valid"], false);
    assert_eq!(
        shown["problems"],
        json!(["the signature does not match the signed content"])
    );
    sqlx::query("UPDATE signoffs SET entry = $1")
        .bind(&entry)
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(signoffs_of(&s).await[0]["valid"], true);

    let body = problem(
        s.post(
            "/api/v1/projects/api/signoffs",
            &ci,
            &json!({"schema": "vouch.signoffs/v9", "signoffs": []}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&body), ["schema", "signoffs"]);
    problem(
        s.post("/api/v1/projects/api/signoffs", &ci, &json!({"schema": 1}))
            .await,
        422,
    )
    .await;
    let reader = s.key(&["read"]).await;
    problem(
        s.post("/api/v1/projects/api/signoffs", &reader, &doc).await,
        403,
    )
    .await;

    // Both the stored sign-off and the refusal are in the audit log.
    let log = s.get_json("/api/v1/audit-log?limit=500").await;
    let kinds: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .filter(|k| k.starts_with("signoff."))
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "signoff.uploaded").count(),
        1
    );
    assert_eq!(
        kinds.iter().filter(|k| **k == "signoff.rejected").count(),
        2
    );
    let verified = s.get_json("/api/v1/audit-log/verify").await;
    assert_eq!(verified["broken"], Value::Null, "{verified}");
}

async fn only_trusted_signers_are_accepted_when_a_list_is_set(backend: Backend) {
    let trusted = random_key();
    let trusted_hex = keys::hex(trusted.verifying_key().as_bytes());
    let s = start_with(backend, |c| {
        c.signoff_trusted_keys = vec![trusted_hex.clone()]
    })
    .await;
    s.create_project("api").await;
    let stranger = signed_doc(&random_key(), "Mallory", "done");
    let body = problem(
        s.post("/api/v1/projects/api/signoffs", &s.admin, &stranger)
            .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&body), ["signoffs[0].public_key"]);
    assert_eq!(
        body["errors"][0]["message"],
        "not a trusted signer key of this server"
    );
    let response = s
        .post(
            "/api/v1/projects/api/signoffs",
            &s.admin,
            &signed_doc(&trusted, "Ada", "done"),
        )
        .await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["signoffs"][0]["trusted"], true);
    // Without a checklist run there is nothing to be stale against.
    assert_eq!(body["signoffs"][0]["stale"], false);
}

async fn a_server_signoff_goes_stale_when_the_checklist_changes(backend: Backend) {
    let s = start_with(backend, |c| c.webhook_poll_ms = 20).await;
    s.create_project("api").await;
    let receiver = Receiver::start(0).await;
    let hook = s
        .post(
            "/api/v1/webhooks",
            &s.admin,
            &json!({"url": receiver.url, "events": ["signoff_stale"]}),
        )
        .await;
    assert_eq!(hook.status(), 201);
    let engineer = s.user("erin", "engineer").await.access_token;
    let viewer = s.user("vic", "viewer").await.access_token;
    let section = json!({"section": ["Launch", "Security"]});
    let path = "/api/v1/projects/api/checklist/signoffs";

    let none_yet = s.post(path, &engineer, &section).await;
    problem(none_yet, 409).await;
    let run = upload_run(&s, "api", &launch("done")).await;
    problem(s.post(path, &viewer, &section).await, 403).await;
    let body = problem(
        s.post(path, &engineer, &json!({"section": ["Launch", "Nope"]}))
            .await,
        422,
    )
    .await;
    assert_eq!(error_fields(&body), ["section"]);
    let body = problem(s.post(path, &engineer, &json!({"section": []})).await, 422).await;
    assert_eq!(error_fields(&body), ["section"]);

    let response = s.post(path, &engineer, &section).await;
    assert_eq!(response.status(), 201);
    let signed: Value = response.json().await.unwrap();
    assert_eq!(signed["name"], "erin");
    assert_eq!(signed["source"], "server");
    assert_eq!(signed["run_id"], run["id"]);
    assert_eq!(signed["checklist"], "launch.md");
    assert_eq!(
        (&signed["valid"], &signed["trusted"], &signed["stale"]),
        (&json!(true), &json!(true), &json!(false))
    );
    let ids: Vec<&str> = signed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["L-1", "L-2"]);
    assert_eq!(signed["items"][0]["verdict"], "done");
    // A CLI sign-off of the same section sits beside it.
    let cli = s
        .post(
            "/api/v1/projects/api/signoffs",
            &s.admin,
            &signed_doc(&random_key(), "Ada", "done"),
        )
        .await;
    assert_eq!(cli.status(), 201);
    let fresh = signoffs_of(&s).await;
    assert_eq!(fresh.len(), 2);
    assert!(fresh.iter().all(|s| s["stale"] == false), "{fresh:?}");

    // The claim starts failing: both sign-offs of the section are stale, and the webhook says so.
    upload_run(&s, "api", &launch("claimed_but_failing")).await;
    let stale = signoffs_of(&s).await;
    for signoff in &stale {
        assert_eq!(signoff["stale"], true, "{signoff}");
        assert_eq!(signoff["valid"], true);
        assert_eq!(
            signoff["problems"],
            json!(["item L-1 verdict changed from done to claimed_but_failing"])
        );
    }
    let got = receiver.wait_delivered(1).await;
    assert_eq!(got[0].event, "signoff_stale");
    let mut names: Vec<&str> = got[0].body["details"]["signoffs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["Ada", "erin"]);
    assert_eq!(got[0].body["details"]["signoffs"][0]["section"], "Security");

    // The audit log records the server sign-off with its actor.
    let log = s.get_json("/api/v1/audit-log?limit=500").await;
    let signed_event = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "signoff.signed")
        .unwrap()
        .clone();
    assert!(signed_event["actor"].as_str().unwrap().starts_with("user:"));
    assert_eq!(signed_event["subject"], "project:api");
}
