//! Webhooks end to end: endpoints through the API, regressions detected on upload, delivered
//! to a real receiver with retries, backoff, a circuit breaker, and across a restart.

use crate::both_backends;
use crate::receiver::{Received, Receiver};
use crate::support::*;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::time::{Duration, Instant};
use vouch_server::Config;
use vouch_server::db::{Db, PoolSettings};

both_backends!(
    endpoints_are_managed_by_admins_and_secrets_stay_hidden,
    each_regression_is_delivered_signed_in_both_formats,
    failures_are_retried_with_backoff_until_delivered_or_dead,
    the_breaker_opens_and_deliveries_resume_none_lost_none_duplicated,
    pending_deliveries_survive_a_restart_and_a_dead_claim,
    a_stop_during_a_probe_gives_it_back_at_once,
    two_replicas_share_the_outbox_and_send_each_delivery_once,
    a_failing_delivery_past_its_max_age_is_dead,
    a_run_made_by_a_job_notifies_like_an_upload,
);

const SECRET: &str = "a-shared-secret-of-some-length";

/// Quick retries so the tests finish in seconds; a breaker that does not open unless asked.
fn fast(config: &mut Config) {
    config.webhook_backoff_initial_ms = 100;
    config.webhook_backoff_max_ms = 1_000;
    config.webhook_poll_ms = 20;
    config.webhook_timeout_ms = 3_000;
    config.webhook_breaker_failures = 100;
    config.webhook_breaker_cooldown_ms = 500;
}

/// A server whose breakers open after `failures` and probe after `cooldown_ms`.
async fn with_breaker(backend: Backend, failures: u32, cooldown_ms: u64) -> TestServer {
    start_with(backend, |c| {
        fast(c);
        c.webhook_backoff_initial_ms = 50;
        c.webhook_breaker_failures = failures;
        c.webhook_breaker_cooldown_ms = cooldown_ms;
    })
    .await
}

/// A receiver that fails every request, and one `score_drop` delivery on its way to it.
async fn one_failing_delivery(s: &TestServer) -> (Receiver, Value) {
    s.create_project("api").await;
    let receiver = Receiver::start(0).await;
    receiver.set_failing(true);
    let hook = add_endpoint(s, json!({"url": receiver.url, "events": ["score_drop"]})).await;
    upload(s, "api", &audit(90, &[])).await;
    upload(s, "api", &audit(80, &[])).await;
    (receiver, hook)
}

async fn add_endpoint(s: &TestServer, body: Value) -> Value {
    let response = s.post("/api/v1/webhooks", &s.admin, &body).await;
    assert_eq!(response.status(), 201, "{:?}", response.text().await);
    response.json().await.unwrap()
}

async fn upload(s: &TestServer, project: &str, report: &Value) -> i64 {
    let response = s
        .post(
            &format!("/api/v1/projects/{project}/runs"),
            &s.admin,
            report,
        )
        .await;
    assert_eq!(response.status(), 201, "{:?}", response.text().await);
    let run: Value = response.json().await.unwrap();
    run["id"].as_i64().unwrap()
}

async fn json_of(s: &TestServer, path: &str) -> Value {
    let response = s.get(path, &s.admin).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// The endpoint's deliveries once none is pending. A receiver has a delivery before the sender
/// has recorded the answer, so the outbox is read only after it caught up.
async fn settled_deliveries(s: &TestServer, endpoint: &Value) -> Vec<Value> {
    let path = format!("/api/v1/webhooks/{}/deliveries", endpoint["id"]);
    let page = wait_until(s, &path, Duration::from_secs(20), |page| {
        page["items"]
            .as_array()
            .is_some_and(|rows| rows.iter().all(|d| d["state"] != "pending"))
    })
    .await;
    page["items"].as_array().unwrap().clone()
}

/// An audit whose critical control SEC001 fails once per fingerprint.
fn audit(overall: i64, critical: &[&str]) -> Value {
    let mut report = audit_report(overall, 50);
    let findings: Vec<Value> = critical
        .iter()
        .map(|fp| {
            json!({"path": ".env", "line": 3, "column": 1, "message": format!("a live key ({fp})"),
                   "snippet": "KEY=[redacted]", "fingerprint": fp})
        })
        .collect();
    report["results"] = json!([{
        "control": {"id": "SEC001", "slug": "no_secrets", "title": "No secrets in the repository",
                    "area": "security", "severity": "critical"},
        "outcome": if critical.is_empty() { "pass" } else { "fail" },
        "findings": findings,
    }]);
    report
}

/// A checklist with item LA-1 at `verdict` and Ada's sign-off, `stale` or not.
fn checklist(verdict: &str, stale: bool) -> Value {
    let mut report = checklist_report();
    report["items"] = json!([{
        "line": 3, "id": "LA-1", "text": "Containers run as a non-root user",
        "section": ["Launch"], "status_in_doc": "done", "verdict": verdict, "confidence": 1.0,
        "mapping": "explicit", "controls": [], "evidence": []
    }]);
    report["signoffs"] = json!([{
        "section": "Launch", "name": "Ada", "signed_at": "2026-11-22T06:00:00Z",
        "commit": "0123456789abcdef0123456789abcdef01234567", "key": "9a1f03c2d4e5b6a7",
        "valid": true, "stale": stale, "problems": []
    }]);
    report
}

fn by_event<'a>(got: &'a [Received], event: &str) -> &'a Received {
    let matching: Vec<&Received> = got.iter().filter(|r| r.event == event).collect();
    assert_eq!(matching.len(), 1, "one {event}: {got:#?}");
    matching[0]
}

fn expected_signature(timestamp: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// Polls the endpoint until `check` holds for it (at most 20 s).
async fn wait_endpoint(s: &TestServer, endpoint: &Value, check: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = json_of(s, &format!("/api/v1/webhooks/{}", endpoint["id"])).await;
        if check(&now) {
            return now;
        }
        assert!(
            Instant::now() < deadline,
            "endpoint never reached the state: {now}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn metrics(s: &TestServer) -> String {
    let response = s.get("/metrics", &s.admin).await;
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

async fn endpoints_are_managed_by_admins_and_secrets_stay_hidden(backend: Backend) {
    let s = start(backend).await;
    s.create_project("api").await;
    let created = s
        .post(
            "/api/v1/webhooks",
            &s.admin,
            &json!({"url": "https://hooks.example.test/x", "format": "slack", "project": "api",
                    "events": ["score_drop", "claim_failing", "score_drop"], "secret": SECRET}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let id = {
        let location = created.headers()["location"].to_str().unwrap().to_string();
        let body: Value = created.json().await.unwrap();
        assert_eq!(location, format!("/api/v1/webhooks/{}", body["id"]));
        assert_eq!(body["format"], "slack");
        assert_eq!(body["project"], "api");
        assert_eq!(body["events"], json!(["score_drop", "claim_failing"]));
        assert_eq!(body["has_secret"], true);
        assert_eq!(body["enabled"], true);
        assert_eq!(body["breaker"]["state"], "closed");
        assert!(body.get("secret").is_none(), "{body}");
        body["id"].as_i64().unwrap()
    };
    let list = json_of(&s, "/api/v1/webhooks").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(
        !list.to_string().contains(SECRET),
        "the secret never comes back"
    );
    let one = json_of(&s, &format!("/api/v1/webhooks/{id}")).await;
    assert!(!one.to_string().contains(SECRET));

    let bad = s
        .post(
            "/api/v1/webhooks",
            &s.admin,
            &json!({"url": "ftp://x", "format": "xml", "events": ["nope"], "secret": "short",
                    "project": "ghost"}),
        )
        .await;
    let body = problem(bad, 422).await;
    assert_eq!(
        error_fields(&body),
        ["url", "format", "events[0]", "secret", "project"]
    );
    let none = s
        .post(
            "/api/v1/webhooks",
            &s.admin,
            &json!({"url": "http://x.test/", "events": []}),
        )
        .await;
    assert_eq!(problem(none, 422).await["errors"][0]["field"], "events");

    let engineer = s.key(&["read", "runs:write", "projects:write"]).await;
    let denied = s
        .post(
            "/api/v1/webhooks",
            &engineer,
            &json!({"url": "http://x.test/", "events": ["score_drop"]}),
        )
        .await;
    problem(denied, 403).await;
    problem(s.get("/api/v1/webhooks", &engineer).await, 403).await;
    problem(
        s.get(&format!("/api/v1/webhooks/{id}/deliveries"), &engineer)
            .await,
        403,
    )
    .await;

    let delete = |key: String| {
        s.request(
            reqwest::Method::DELETE,
            &format!("/api/v1/webhooks/{id}"),
            Some(&key),
        )
        .send()
    };
    problem(delete(engineer.clone()).await.unwrap(), 403).await;
    assert_eq!(delete(s.admin.clone()).await.unwrap().status(), 204);
    problem(delete(s.admin.clone()).await.unwrap(), 404).await;
    problem(
        s.get(&format!("/api/v1/webhooks/{id}"), &s.admin).await,
        404,
    )
    .await;
    assert_eq!(json_of(&s, "/api/v1/webhooks").await, json!([]));
}

async fn each_regression_is_delivered_signed_in_both_formats(backend: Backend) {
    let s = start_with(backend, fast).await;
    s.create_project("api").await;
    s.create_project("other").await;
    let generic = Receiver::start(0).await;
    let slack = Receiver::start(0).await;
    let narrow = Receiver::start(0).await;
    let all = json!([
        "score_drop",
        "new_critical_finding",
        "claim_failing",
        "signoff_stale"
    ]);
    let generic_hook = add_endpoint(
        &s,
        json!({"url": generic.url, "events": all, "secret": SECRET}),
    )
    .await;
    let slack_hook = add_endpoint(
        &s,
        json!({"url": slack.url, "format": "slack", "events": all, "project": "api"}),
    )
    .await;
    // Another project's endpoint hears nothing; a narrow subscription only its event.
    add_endpoint(
        &s,
        json!({"url": narrow.url, "events": all, "project": "other"}),
    )
    .await;
    add_endpoint(
        &s,
        json!({"url": narrow.url, "events": ["signoff_stale"], "project": "api"}),
    )
    .await;

    let first_audit = upload(&s, "api", &audit(80, &["aaaa"])).await;
    let second_audit = upload(&s, "api", &audit(70, &["aaaa", "bbbb"])).await;
    upload(&s, "api", &checklist("done", false)).await;
    let second_checklist = upload(&s, "api", &checklist("claimed_but_failing", true)).await;
    let got = generic.wait_delivered(4).await;
    let slack_got = slack.wait_delivered(4).await;
    let narrow_got = narrow.wait_delivered(1).await;

    let score = by_event(&got, "score_drop");
    assert_eq!(
        score.body["summary"],
        "api: score dropped from 80 to 70 (-10)"
    );
    assert_eq!(score.body["event"], "score_drop");
    assert_eq!(score.body["project"]["name"], "api");
    assert_eq!(score.body["run"]["id"], second_audit);
    assert_eq!(score.body["run"]["kind"], "audit");
    assert_eq!(
        score.body["run"]["url"],
        format!("/api/v1/runs/{second_audit}")
    );
    assert_eq!(score.body["previous_run"]["id"], first_audit);
    assert_eq!(
        score.body["details"],
        json!({"previous_score": 80, "score": 70, "drop": 10})
    );

    let critical = by_event(&got, "new_critical_finding");
    assert_eq!(
        critical.body["details"]["findings"],
        json!([{"fingerprint": "bbbb", "control": "SEC001", "title": "No secrets in the repository",
                "path": ".env", "line": 3, "message": "a live key (bbbb)"}])
    );
    let claim = by_event(&got, "claim_failing");
    assert_eq!(claim.body["run"]["id"], second_checklist);
    assert_eq!(
        claim.body["details"]["claims"],
        json!([{"id": "LA-1", "text": "Containers run as a non-root user", "section": ["Launch"],
                "previous_verdict": "done", "verdict": "claimed_but_failing"}])
    );
    let stale = by_event(&got, "signoff_stale");
    assert_eq!(
        stale.body["details"]["signoffs"],
        json!([{"section": "Launch", "name": "Ada", "signed_at": "2026-11-22T06:00:00Z"}])
    );

    // Every generic delivery is signed over `timestamp.body`, with a current timestamp.
    let now = vouch_server::clock::now_ms() / 1000;
    for r in &got {
        let ts: i64 = r.timestamp.parse().unwrap();
        assert!((now - 60..=now).contains(&ts), "{ts} vs {now}");
        assert_eq!(
            r.signature.as_deref(),
            Some(expected_signature(&r.timestamp, &r.raw).as_str())
        );
        assert_eq!(r.body["event"], r.event.as_str());
    }

    let slack_score = by_event(&slack_got, "score_drop");
    assert_eq!(slack_score.signature, None, "no secret, no signature");
    assert_eq!(
        slack_score.body["text"],
        "api: score dropped from 80 to 70 (-10)"
    );
    assert_eq!(
        slack_score.body["blocks"][0],
        json!({"type": "section", "text": {"type": "mrkdwn", "text": "*api: score dropped from 80 to 70 (-10)*"}})
    );
    let slack_critical = by_event(&slack_got, "new_critical_finding");
    assert_eq!(
        slack_critical.body["blocks"][0]["text"]["text"],
        "*api: 1 new critical finding(s)*\n• SEC001 .env:3: a live key (bbbb)"
    );
    assert_eq!(
        slack_critical.body["blocks"][1]["elements"][0]["text"],
        format!("new_critical_finding · run {second_audit} · commit 0123456789ab")
    );
    by_event(&slack_got, "claim_failing");
    by_event(&slack_got, "signoff_stale");
    assert_eq!(narrow_got.len(), 1);
    assert_eq!(narrow_got[0].event, "signoff_stale");

    // Exactly once each: the outbox says delivered, and nothing more arrived.
    for (hook, receiver) in [(&generic_hook, &generic), (&slack_hook, &slack)] {
        let rows = settled_deliveries(&s, hook).await;
        assert_eq!(rows.len(), 4);
        assert!(
            rows.iter()
                .all(|d| d["state"] == "delivered" && d["attempts"] == 1),
            "{rows:?}"
        );
        assert_eq!(receiver.all().len(), 4);
    }
    assert_eq!(narrow.all().len(), 1);
}

async fn failures_are_retried_with_backoff_until_delivered_or_dead(backend: Backend) {
    let s = start_with(backend, |c| {
        fast(c);
        c.webhook_max_attempts = 4;
        c.webhook_backoff_initial_ms = 200;
    })
    .await;
    s.create_project("api").await;
    let flaky = Receiver::start(3).await;
    let down = Receiver::start(0).await;
    down.set_failing(true);
    let flaky_hook = add_endpoint(&s, json!({"url": flaky.url, "events": ["score_drop"]})).await;
    let down_hook = add_endpoint(&s, json!({"url": down.url, "events": ["score_drop"]})).await;
    upload(&s, "api", &audit(90, &[])).await;
    upload(&s, "api", &audit(80, &[])).await;

    let got = flaky.wait_delivered(1).await;
    let all = flaky.all();
    assert_eq!(
        all.iter().map(|r| r.status).collect::<Vec<_>>(),
        [500, 500, 500, 200]
    );
    assert!(
        all.iter().all(|r| r.delivery == got[0].delivery),
        "one delivery, retried"
    );
    // Backoff: each wait at least half of 200 ms doubled per attempt (the jitter's floor).
    for (i, pair) in all.windows(2).enumerate() {
        let waited = pair[1].at - pair[0].at;
        let floor = Duration::from_millis(100 << i);
        assert!(
            waited >= floor,
            "retry {} after {waited:?}, expected >= {floor:?}",
            i + 1
        );
    }
    let rows = settled_deliveries(&s, &flaky_hook).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["state"], "delivered");
    assert_eq!(rows[0]["attempts"], 4);
    assert_eq!(rows[0]["last_status"], 200);
    assert_eq!(rows[0]["last_error"], Value::Null);

    // Always failing: given up after 4 attempts, kept as dead with the last answer.
    let rows = settled_deliveries(&s, &down_hook).await;
    assert_eq!(rows[0]["state"], "dead");
    assert_eq!(rows[0]["attempts"], 4);
    assert_eq!(rows[0]["last_status"], 500);
    assert_eq!(rows[0]["last_error"], "HTTP 500 Internal Server Error");
    assert_eq!(rows[0]["payload"]["event"], "score_drop");
    assert_eq!(down.all().len(), 4);

    let text = metrics(&s).await;
    for line in [
        format!(
            "vouch_webhook_delivery_failures_total{{endpoint=\"{}\"}} 3",
            flaky_hook["id"]
        ),
        format!(
            "vouch_webhook_delivery_failures_total{{endpoint=\"{}\"}} 4",
            down_hook["id"]
        ),
        "vouch_webhook_outbox_backlog 0".to_string(),
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
    }
}

async fn the_breaker_opens_and_deliveries_resume_none_lost_none_duplicated(backend: Backend) {
    let cooldown = Duration::from_millis(1_500);
    let s = with_breaker(backend, 3, 1_500).await;
    s.create_project("api").await;
    let receiver = Receiver::start(3).await;
    let hook = add_endpoint(&s, json!({"url": receiver.url, "events": ["score_drop"]})).await;
    for score in [90, 80, 70, 60] {
        upload(&s, "api", &audit(score, &[])).await;
    }

    // Three failures in a row open the breaker; the gauge says so.
    let open = wait_endpoint(&s, &hook, |e| e["breaker"]["state"] == "open").await;
    assert_eq!(open["breaker"]["consecutive_failures"], 3);
    let gauge = format!("vouch_webhook_breaker_state{{endpoint=\"{}\"}}", hook["id"]);
    let text = metrics(&s).await;
    assert!(
        text.lines().any(|l| l == format!("{gauge} 2"))
            || text.lines().any(|l| l == format!("{gauge} 1")),
        "open (or already probing):\n{text}"
    );

    let got = receiver.wait_delivered(3).await;
    let all = receiver.all();
    assert_eq!(
        all.len(),
        6,
        "3 failures, then each delivery once: {all:#?}"
    );
    assert!(all[..3].iter().all(|r| r.status == 500));
    // While open nothing was sent: the next request waited for the cool-down.
    let waited = all[3].at - all[2].at;
    assert!(
        waited >= cooldown - Duration::from_millis(100),
        "probe after {waited:?}"
    );

    let mut delivered: Vec<i64> = got.iter().map(|r| r.delivery).collect();
    delivered.sort_unstable();
    let rows = settled_deliveries(&s, &hook).await;
    let mut ids: Vec<i64> = rows.iter().map(|d| d["id"].as_i64().unwrap()).collect();
    ids.sort_unstable();
    assert_eq!(delivered, ids, "every delivery arrived exactly once");
    assert!(rows.iter().all(|d| d["state"] == "delivered"), "{rows:?}");
    let drops: Vec<i64> = got
        .iter()
        .map(|r| r.body["details"]["drop"].as_i64().unwrap())
        .collect();
    assert_eq!(drops, [10, 10, 10]);

    let closed = wait_endpoint(&s, &hook, |e| e["breaker"]["state"] == "closed").await;
    assert_eq!(closed["breaker"]["consecutive_failures"], 0);
    let text = metrics(&s).await;
    assert!(text.lines().any(|l| l == format!("{gauge} 0")), "{text}");
    assert!(
        text.lines().any(|l| l == "vouch_webhook_outbox_backlog 0"),
        "{text}"
    );
}

async fn pending_deliveries_survive_a_restart_and_a_dead_claim(backend: Backend) {
    let s = start_with(backend, |c| {
        fast(c);
        c.webhook_backoff_initial_ms = 300;
    })
    .await;
    let (receiver, hook) = one_failing_delivery(&s).await;
    let first = receiver.wait_requests(1).await;
    assert_eq!(first[0].status, 500);

    let stopped = s.stop().await;
    let failed = receiver.all().len();
    // A replica claimed the delivery and died: nobody may send it until its claim expires.
    let db = Db::connect(
        &stopped.database_url,
        PoolSettings {
            max_connections: 1,
            acquire_timeout: Duration::from_secs(3),
        },
    )
    .await
    .unwrap();
    let claim_expires = Instant::now() + Duration::from_millis(1_500);
    let until = vouch_server::clock::now_ms() + 1_500;
    let claimed = sqlx::query(
        "UPDATE webhook_deliveries SET claim_token = 'crashed', claimed_until = $1, \
         next_attempt_at = 0 WHERE state = 'pending'",
    )
    .bind(until)
    .execute(&db.pool)
    .await
    .unwrap();
    assert_eq!(claimed.rows_affected(), 1, "still pending after the stop");
    db.pool.close().await;
    receiver.set_failing(false);

    let s = stopped.start(fast).await;
    let got = receiver.wait_delivered(1).await;
    assert!(
        got[0].at >= claim_expires - Duration::from_millis(50),
        "sent before the claim expired"
    );
    assert_eq!(got[0].delivery, first[0].delivery);
    assert_eq!(
        receiver.all().len(),
        failed + 1,
        "the failures, then one delivery"
    );
    let rows = settled_deliveries(&s, &hook).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["state"], "delivered");
    assert_eq!(rows[0]["attempts"], failed + 1);
}

/// A probe still waiting for its answer when the server stops is cut short and given back:
/// the next server probes at once instead of waiting for the claim (here 60 s) to lapse.
async fn a_stop_during_a_probe_gives_it_back_at_once(backend: Backend) {
    let s = with_breaker(backend, 1, 300).await;
    s.create_project("api").await;
    let receiver = Receiver::start(1).await;
    let hook = add_endpoint(&s, json!({"url": receiver.url, "events": ["score_drop"]})).await;
    upload(&s, "api", &audit(90, &[])).await;
    upload(&s, "api", &audit(80, &[])).await;
    receiver.wait_requests(1).await;
    receiver.set_hanging(true);
    let probing = receiver.wait_requests(2).await;
    assert_eq!(probing[1].status, 0, "the probe is waiting for its answer");
    let half_open = json_of(&s, &format!("/api/v1/webhooks/{}", hook["id"])).await;
    assert_eq!(half_open["breaker"]["state"], "half_open");

    let stopping = Instant::now();
    let stopped = s.stop().await;
    assert!(
        stopping.elapsed() < Duration::from_secs(3),
        "the attempt in flight was cut short"
    );
    receiver.set_hanging(false);
    let restarted = Instant::now();
    let s = stopped.start(fast).await;
    let got = receiver.wait_delivered(1).await;
    assert!(
        restarted.elapsed() < Duration::from_secs(15),
        "probed at once"
    );
    assert_eq!(got[0].delivery, probing[0].delivery);
    assert_eq!(
        receiver.all().len(),
        3,
        "failure, cut-short probe, delivery"
    );
    let rows = settled_deliveries(&s, &hook).await;
    assert_eq!(rows[0]["state"], "delivered");
    assert_eq!(
        rows[0]["attempts"], 2,
        "the cut-short probe is not an attempt"
    );
    let closed = wait_endpoint(&s, &hook, |e| e["breaker"]["state"] == "closed").await;
    assert_eq!(closed["breaker"]["consecutive_failures"], 0);
}

async fn two_replicas_share_the_outbox_and_send_each_delivery_once(backend: Backend) {
    let s = start_with(backend, fast).await;
    let replica = s.replica(fast).await;
    s.create_project("api").await;
    let receiver = Receiver::start(0).await;
    let hook = add_endpoint(&s, json!({"url": receiver.url, "events": ["score_drop"]})).await;
    upload(&s, "api", &audit(90, &[])).await;
    for _ in 0..10 {
        upload(&s, "api", &audit(80, &[])).await;
        upload(&s, "api", &audit(90, &[])).await;
    }
    let got = receiver.wait_delivered(10).await;
    let mut ids: Vec<i64> = got.iter().map(|r| r.delivery).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 10, "each delivery once: {got:#?}");
    let rows = settled_deliveries(&s, &hook).await;
    assert_eq!(rows.len(), 10);
    assert!(
        rows.iter()
            .all(|d| d["state"] == "delivered" && d["attempts"] == 1),
        "{rows:?}"
    );
    assert_eq!(receiver.all().len(), 10);
    replica.shutdown().await.expect("the replica stops cleanly");
}

async fn a_failing_delivery_past_its_max_age_is_dead(backend: Backend) {
    let s = start_with(backend, |c| {
        fast(c);
        c.webhook_max_age_secs = 0;
    })
    .await;
    let (receiver, hook) = one_failing_delivery(&s).await;
    receiver.wait_requests(1).await;
    let rows = settled_deliveries(&s, &hook).await;
    assert_eq!(rows[0]["state"], "dead");
    assert_eq!(rows[0]["attempts"], 1, "too old to retry");
    assert_eq!(rows[0]["next_attempt_at"], Value::Null);
    assert_eq!(receiver.all().len(), 1);
}

/// A run a worker stores (an audit job) is compared with the previous run like an upload.
async fn a_run_made_by_a_job_notifies_like_an_upload(backend: Backend) {
    let s = start_with(backend, |c| {
        fast(c);
        c.job_poll_ms = 50;
    })
    .await;
    s.create_project("api").await;
    let receiver = Receiver::start(0).await;
    add_endpoint(&s, json!({"url": receiver.url, "events": ["score_drop"]})).await;
    // A perfect score to fall from: the audited fixture (a Dockerfile running as root) scores less.
    upload(&s, "api", &audit(100, &[])).await;
    let repo = fixture_repo();
    let job = s
        .post(
            "/api/v1/projects/api/jobs",
            &s.admin,
            &json!({"kind": "audit", "repository": repo.path().display().to_string()}),
        )
        .await;
    assert_eq!(job.status(), 202);
    let job: Value = job.json().await.unwrap();
    let done = wait_until(
        &s,
        &format!("/api/v1/jobs/{}", job["id"]),
        Duration::from_secs(60),
        |j| j["state"] == "succeeded" || j["state"] == "failed",
    )
    .await;
    assert_eq!(done["state"], "succeeded", "{done}");
    let got = receiver.wait_delivered(1).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].body["event"], "score_drop");
    assert_eq!(got[0].body["run"]["id"], done["run_id"]);
    assert_eq!(got[0].body["details"]["previous_score"], 100);
}
