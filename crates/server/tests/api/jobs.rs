//! Jobs through the API and the real workers: an audit runs and its run is stored like an
//! upload; permanent errors fail at once, transient ones are retried; a timed-out attempt, a
//! dead worker's lease and a graceful shutdown each leave the job where the next worker can
//! take it; two replicas on one database run each job once.

use crate::both_backends;
use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;
use vouch_server::Config;

both_backends!(
    an_audit_job_runs_and_stores_its_run,
    a_git_url_is_cloned_and_audited,
    bad_jobs_are_problems,
    a_retried_post_with_the_same_key_returns_the_same_job,
    a_missing_path_fails_at_once,
    transient_failures_are_retried_until_attempts_run_out,
    an_attempt_over_the_timeout_fails,
    a_dead_workers_job_is_recovered_by_another_server,
    shutdown_returns_the_running_job_to_the_queue,
    two_replicas_run_each_job_exactly_once,
);

const LONG: Duration = Duration::from_secs(60);

/// Fast polling, and retries in milliseconds rather than seconds.
fn quick(config: &mut Config) {
    config.job_poll_ms = 50;
    config.job_retry_base_ms = 100;
    config.job_retry_cap_ms = 400;
}

async fn create_job(s: &TestServer, project: &str, body: Value) -> Value {
    let response = s
        .post(&format!("/api/v1/projects/{project}/jobs"), &s.admin, &body)
        .await;
    assert_eq!(response.status(), 202, "{:?}", response.text().await);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let job: Value = response.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/jobs/{}", job["id"]));
    job
}

fn job_path(job: &Value) -> String {
    format!("/api/v1/jobs/{}", job["id"])
}

fn finished(job: &Value) -> bool {
    job["state"] == "succeeded" || job["state"] == "failed"
}

async fn an_audit_job_runs_and_stores_its_run(backend: Backend) {
    let s = start_with(backend, quick).await;
    s.create_project("api").await;
    let repo = fixture_repo();
    let path = repo.path().display().to_string();
    let job = create_job(
        &s,
        "api",
        json!({"kind": "audit", "repository": path, "options": {"fail_on": "critical"}}),
    )
    .await;
    assert_eq!(job["project"], "api");
    assert_eq!(job["kind"], "audit");
    assert_eq!(job["state"], "queued");
    assert_eq!(job["attempts"], 0);
    assert_eq!(job["max_attempts"], 3);
    assert_eq!(job["params"]["repository"], path.as_str());
    assert_eq!(job["run_id"], Value::Null);

    let done = wait_until(&s, &job_path(&job), LONG, finished).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(done["attempts"], 1);
    assert_eq!(done["last_error"], Value::Null);
    assert_eq!(done["lease_expires_at"], Value::Null);
    let run_id = done["run_id"].as_i64().unwrap();
    assert_eq!(done["run_url"], format!("/api/v1/runs/{run_id}"));

    // The run is indexed like an uploaded one, and its report is the audit of the path.
    let run: Value = s.get_json(&format!("/api/v1/runs/{run_id}")).await;
    assert_eq!(run["project"], "api");
    assert_eq!(run["kind"], "audit");
    assert_eq!(run["schema"], "vouch.report/v1");
    assert!(run["score"].is_i64(), "{run}");
    assert!(run["counts"]["pass"].as_u64().unwrap() > 0, "{run}");
    let report: Value = s.get_json(run["report_url"].as_str().unwrap()).await;
    assert_eq!(report["target"]["path"], path.as_str());
    assert_eq!(report["gate"]["fail_on"], "critical");
    assert!(report["files_scanned"].as_u64().unwrap() > 0, "{report}");
    let runs: Value = s.get_json("/api/v1/projects/api/runs").await;
    assert_eq!(runs["items"].as_array().unwrap().len(), 1);
    assert_eq!(runs["items"][0]["id"], run_id);

    // Listed under the project, newest first, paginated like runs.
    let second = create_job(&s, "api", json!({"kind": "audit", "repository": path})).await;
    let page: Value = s.get_json("/api/v1/projects/api/jobs?limit=1").await;
    assert_eq!(page["items"][0]["id"], second["id"]);
    let next = page["next"].as_str().unwrap();
    let rest: Value = s
        .get(
            &format!("/api/v1/projects/api/jobs?limit=1&after={next}"),
            &s.admin,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rest["items"][0]["id"], job["id"]);
    assert_eq!(rest.get("next"), None);
    wait_until(&s, &job_path(&second), LONG, finished).await;

    // Metrics: jobs by state, queue age, durations (observed just after the job's row is
    // final, so wait for it); readiness counts the workers.
    let duration = "vouch_job_duration_seconds_count{kind=\"audit\",outcome=\"succeeded\"} 2\n";
    let deadline = std::time::Instant::now() + LONG;
    let metrics = loop {
        let text = s.get("/metrics", &s.admin).await.text().await.unwrap();
        if text.contains(duration) || std::time::Instant::now() > deadline {
            break text;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    assert!(metrics.contains(duration), "{metrics}");
    for line in [
        "vouch_jobs{state=\"succeeded\"} 2\n",
        "vouch_jobs{state=\"queued\"} 0\n",
        "vouch_jobs_queue_age_seconds 0\n",
        "vouch_job_workers_running 2\n",
    ] {
        assert!(metrics.contains(line), "{line}: {metrics}");
    }
    let ready: Value = s
        .request(Method::GET, "/readyz", None)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["workers_running"], 2);
}

async fn a_git_url_is_cloned_and_audited(backend: Backend) {
    let s = start_with(backend, quick).await;
    s.create_project("api").await;
    let repo = fixture_repo();
    for args in [
        &["init", "--quiet"][..],
        &["add", "."],
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "commit",
            "--quiet",
            "-m",
            "first",
        ],
    ] {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(repo.path())
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }
    let url = format!("file://{}", repo.path().display());
    let job = create_job(&s, "api", json!({"kind": "audit", "repository": url})).await;
    let done = wait_until(&s, &job_path(&job), LONG, finished).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    let run: Value = s.get_json(done["run_url"].as_str().unwrap()).await;
    let commit = run["commit"].as_str().unwrap();
    assert_eq!(commit.len(), 40, "the clone's commit is indexed: {run}");
    let report: Value = s.get_json(run["report_url"].as_str().unwrap()).await;
    assert_eq!(
        report["target"]["path"],
        url.as_str(),
        "the URL, not the temp clone"
    );
}

async fn bad_jobs_are_problems(backend: Backend) {
    let s = start_with(backend, |c| c.job_workers = 0).await;
    s.create_project("api").await;
    let path = "/api/v1/projects/api/jobs";
    let body = problem(
        s.post(
            path,
            &s.admin,
            &json!({"kind": "sleep", "repository": "relative/dir", "options": {"select": ["no way"], "fail_on": "dire"}}),
        )
        .await,
        422,
    )
    .await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["kind", "repository", "options.select[0]", "options.fail_on"],
        "{body}"
    );
    let body = problem(
        s.post(
            path,
            &s.admin,
            &json!({"kind": "audit", "repository": "ext::sh -c id"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "repository");
    problem(
        s.post(path, &s.admin, &json!({"kind": "audit", "repo": "/x"}))
            .await,
        422,
    )
    .await;
    problem(
        s.post(
            "/api/v1/projects/ghost/jobs",
            &s.admin,
            &json!({"kind": "audit", "repository": "/srv"}),
        )
        .await,
        404,
    )
    .await;

    // Creating needs runs:write; reading needs read.
    let reader = s.key(&["read"]).await;
    problem(
        s.post(
            path,
            &reader,
            &json!({"kind": "audit", "repository": "/srv"}),
        )
        .await,
        403,
    )
    .await;
    let writer = s.key(&["runs:write"]).await;
    let created = s
        .post(
            path,
            &writer,
            &json!({"kind": "audit", "repository": "/srv"}),
        )
        .await;
    assert_eq!(created.status(), 202);
    let job: Value = created.json().await.unwrap();
    problem(s.get(&job_path(&job), &writer).await, 403).await;
    assert_eq!(s.get(&job_path(&job), &reader).await.status(), 200);
    problem(s.get(path, &writer).await, 403).await;
    problem(s.get("/api/v1/jobs/999999", &reader).await, 404).await;
    problem(s.get(&format!("{path}?after=x"), &reader).await, 400).await;
    problem(
        s.request(Method::GET, &job_path(&job), None)
            .send()
            .await
            .unwrap(),
        401,
    )
    .await;
}

async fn a_retried_post_with_the_same_key_returns_the_same_job(backend: Backend) {
    let s = start_with(backend, |c| c.job_workers = 0).await;
    s.create_project("api").await;
    let body = json!({"kind": "audit", "repository": "/srv/checkout"});
    let send = || {
        s.request(Method::POST, "/api/v1/projects/api/jobs", Some(&s.admin))
            .header("idempotency-key", "nightly-2026-11-22")
            .json(&body)
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), 202);
    let location = first.headers()["location"].clone();
    let first: Value = first.json().await.unwrap();
    let retry = send().await.unwrap();
    assert_eq!(retry.status(), 202);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    assert_eq!(retry.headers()["location"], location);
    let retry: Value = retry.json().await.unwrap();
    assert_eq!(retry["id"], first["id"]);
    let jobs: Value = s.get_json("/api/v1/projects/api/jobs").await;
    assert_eq!(jobs["items"].as_array().unwrap().len(), 1, "queued once");
}

async fn a_missing_path_fails_at_once(backend: Backend) {
    let s = start_with(backend, quick).await;
    s.create_project("api").await;
    let gone = tempfile::tempdir().unwrap().path().join("nothing-here");
    let job = create_job(
        &s,
        "api",
        json!({"kind": "audit", "repository": gone.display().to_string()}),
    )
    .await;
    let done = wait_until(&s, &job_path(&job), LONG, finished).await;
    assert_eq!(done["state"], "failed");
    assert_eq!(done["attempts"], 1, "a permanent error is not retried");
    assert_eq!(
        done["last_error"],
        format!(
            "the repository path {} does not exist or is not a directory",
            gone.display()
        )
    );
    assert_eq!(done["run_id"], Value::Null);
}

async fn transient_failures_are_retried_until_attempts_run_out(backend: Backend) {
    // A git server that is down: connection refused on a port nobody listens on.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let s = start_with(backend, quick).await;
    s.create_project("api").await;
    let url = format!("http://127.0.0.1:{port}/repo.git");
    let job = create_job(&s, "api", json!({"kind": "audit", "repository": url})).await;
    let done = wait_until(&s, &job_path(&job), LONG, finished).await;
    assert_eq!(done["state"], "failed");
    assert_eq!(done["attempts"], 3);
    let error = done["last_error"].as_str().unwrap();
    assert!(
        error.starts_with(&format!("git clone {url} failed: ")),
        "{error}"
    );
    assert!(error.ends_with("(attempt 3 of 3)"), "{error}");
}

async fn an_attempt_over_the_timeout_fails(backend: Backend) {
    let s = start_with(backend, |c| {
        quick(c);
        c.job_test_kinds = true;
        c.job_timeout_secs = 1;
        c.job_max_attempts = 2;
    })
    .await;
    s.create_project("api").await;
    let repo = fixture_repo();
    let job = create_job(
        &s,
        "api",
        json!({"kind": "sleep", "seconds": 120, "repository": repo.path().display().to_string()}),
    )
    .await;
    let done = wait_until(&s, &job_path(&job), LONG, finished).await;
    assert_eq!(done["state"], "failed");
    assert_eq!(done["attempts"], 2, "a timeout is retried");
    assert_eq!(done["last_error"], "timed out after 1 s (attempt 2 of 2)");
}

async fn a_dead_workers_job_is_recovered_by_another_server(backend: Backend) {
    let s = start_with(backend, |c| {
        c.job_workers = 0;
        c.job_max_attempts = 2;
    })
    .await;
    s.create_project("api").await;
    let repo = fixture_repo();
    let path = repo.path().display().to_string();
    let job = create_job(&s, "api", json!({"kind": "audit", "repository": path})).await;
    let other = create_job(&s, "api", json!({"kind": "audit", "repository": path})).await;
    // Two workers claim the jobs and die: their leases run out without a heartbeat.
    let db = &s.running.db;
    let now = vouch_server::clock::now_ms();
    for owner in ["dead-1", "dead-2"] {
        let claimed = vouch_server::repo::jobs::claim(db, owner, now, 1)
            .await
            .unwrap()
            .expect("a queued job");
        assert_eq!(claimed.attempts, 1);
    }
    // The second one has used its last attempt: recovery fails it instead.
    sqlx::query("UPDATE jobs SET attempts = max_attempts WHERE id = $1")
        .bind(other["id"].as_i64().unwrap())
        .execute(&db.pool)
        .await
        .unwrap();
    let running = wait_until(&s, &job_path(&job), LONG, |j| j["state"] == "running").await;
    assert_eq!(running["lease_owner"], "dead-1");

    let replica = s.replica(quick).await;
    let done = wait_until(&s, &job_path(&job), LONG, finished).await;
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(done["attempts"], 2);
    assert_ne!(done["lease_owner"], "dead-1");
    let exhausted = wait_until(&s, &job_path(&other), LONG, finished).await;
    assert_eq!(exhausted["state"], "failed");
    assert_eq!(
        exhausted["last_error"],
        "the worker running the job stopped (its lease expired)"
    );
    replica.shutdown().await.unwrap();
}

async fn shutdown_returns_the_running_job_to_the_queue(backend: Backend) {
    let s = start_with(backend, |c| {
        quick(c);
        c.job_test_kinds = true;
    })
    .await;
    s.create_project("api").await;
    let job = create_job(
        &s,
        "api",
        json!({"kind": "sleep", "seconds": 600, "repository": "/srv"}),
    )
    .await;
    wait_until(&s, &job_path(&job), LONG, |j| j["state"] == "running").await;
    let url = s.database_url.clone();
    let started = std::time::Instant::now();
    let _dir = s.shutdown().await;
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "shutdown does not wait for the 600 s job"
    );

    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let id = job["id"].as_i64().unwrap();
    let row: (String, i64, Option<String>, Option<i64>) = sqlx::query_as(
        "SELECT state, attempts, lease_owner, lease_expires_at FROM jobs WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        row,
        ("queued".to_string(), 0, None, None),
        "back in the queue, the interrupted attempt not counted"
    );
    pool.close().await;
}

async fn two_replicas_run_each_job_exactly_once(backend: Backend) {
    let test_kinds = |c: &mut Config| {
        quick(c);
        c.job_test_kinds = true;
        c.job_workers = 2;
    };
    let s = start_with(backend, test_kinds).await;
    let replica = s.replica(test_kinds).await;
    s.create_project("api").await;
    let repo = fixture_repo();
    let path = repo.path().display().to_string();
    // One-second jobs: the first server's two workers cannot take all eight before the
    // replica (polling every 50 ms) claims some.
    let mut ids = Vec::new();
    for _ in 0..8 {
        let job = create_job(
            &s,
            "api",
            json!({"kind": "sleep", "seconds": 1, "repository": path}),
        )
        .await;
        ids.push(job);
    }
    let mut runs = BTreeSet::new();
    let mut servers = BTreeSet::new();
    for job in &ids {
        let done = wait_until(&s, &job_path(job), LONG, finished).await;
        assert_eq!(done["state"], "succeeded", "{done}");
        assert_eq!(done["attempts"], 1, "claimed once: {done}");
        runs.insert(done["run_id"].as_i64().unwrap());
        let owner = done["lease_owner"].as_str().unwrap();
        servers.insert(owner.rsplit_once('/').unwrap().0.to_string());
    }
    assert_eq!(runs.len(), 8, "one run per job");
    assert_eq!(servers.len(), 2, "both replicas worked: {servers:?}");
    let stored: Value = s.get_json("/api/v1/projects/api/runs").await;
    let stored: BTreeSet<i64> = stored["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(stored, runs, "no extra run");
    replica.shutdown().await.unwrap();
}
