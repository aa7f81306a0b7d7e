//! Fault test: the database goes away under a running server and comes back. PostgreSQL: a
//! cluster of the test's own (so other tests keep theirs) is stopped and restarted on the same
//! port. SQLite: the data directory is moved away and back. While it is gone `/readyz` is 503,
//! `/healthz` 200 and API requests end within a deadline; afterwards the same server process
//! is ready again, answers, and runs the jobs that were queued before the outage.

use crate::both_backends;
use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::process::Command;
use std::time::{Duration, Instant};
use vouch_server::Config;

both_backends!(the_server_recovers_when_the_database_comes_back);

/// The tests' pool waits 3 s for a connection (support.rs); a request may take that long.
const REQUEST_DEADLINE: Duration = Duration::from_secs(5);

/// A PostgreSQL cluster only this test uses, started by the same script as the shared one.
struct OwnCluster {
    dir: tempfile::TempDir,
    port: String,
    url: String,
}

fn script(dir: &std::path::Path, port: Option<&str>, stop: bool) -> String {
    let mut command = Command::new("bash");
    command
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/test-postgres.sh"
        ))
        .env("VOUCH_PG_DIR", dir.join("pg"));
    if let Some(port) = port {
        command.env("VOUCH_PG_PORT", port);
    }
    if stop {
        command.arg("stop");
    }
    let out = command.output().expect("the cluster script runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

impl OwnCluster {
    async fn start() -> OwnCluster {
        let dir = tempfile::tempdir().unwrap();
        // As root the cluster runs as `postgres`, which must be able to enter the directory.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let path = dir.path().to_path_buf();
        let out = tokio::task::spawn_blocking(move || script(&path, None, false))
            .await
            .unwrap();
        let url = out
            .trim()
            .strip_prefix("export VOUCH_TEST_DATABASE_URL=")
            .unwrap_or_else(|| panic!("unexpected script output {out:?}"))
            .to_string();
        let port = url.rsplit(':').next().unwrap().split('/').next().unwrap();
        OwnCluster {
            port: port.to_string(),
            url,
            dir,
        }
    }

    async fn stop(&self) {
        let path = self.dir.path().to_path_buf();
        tokio::task::spawn_blocking(move || script(&path, None, true))
            .await
            .unwrap();
    }

    async fn restart(&self) {
        let (path, port) = (self.dir.path().to_path_buf(), self.port.clone());
        let out = tokio::task::spawn_blocking(move || script(&path, Some(&port), false))
            .await
            .unwrap();
        assert!(out.contains(&self.url), "restarted elsewhere: {out}");
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/scripts/test-postgres.sh"
            ))
            .arg("stop")
            .env("VOUCH_PG_DIR", self.dir.path().join("pg"))
            .output();
    }
}

/// One worker, quick polling and leases, so the jobs' fate is visible within seconds.
fn workers(config: &mut Config) {
    config.job_workers = 1;
    config.job_test_kinds = true;
    config.job_poll_ms = 50;
    config.job_lease_secs = 2;
    config.job_retry_base_ms = 100;
    config.job_retry_cap_ms = 400;
}

/// `GET path` without a key, within the deadline: (status, body).
async fn timed(s: &TestServer, path: &str, key: Option<&str>) -> (u16, Value) {
    let started = Instant::now();
    let response = s.request(Method::GET, path, key).send().await.unwrap();
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    assert!(
        started.elapsed() < REQUEST_DEADLINE,
        "{path} took {:?}",
        started.elapsed()
    );
    (status, body)
}

/// Polls `path` until it answers `status`; fails after `within`.
async fn until_status(s: &TestServer, path: &str, status: u16, within: Duration) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let (got, body) = timed(s, path, None).await;
        if got == status {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "{path} still {got} after {within:?}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn create_job(s: &TestServer, body: Value) -> String {
    let response = s.post("/api/v1/projects/api/jobs", &s.admin, &body).await;
    assert_eq!(response.status(), 202);
    let job: Value = response.json().await.unwrap();
    format!("/api/v1/jobs/{}", job["id"])
}

async fn the_server_recovers_when_the_database_comes_back(backend: Backend) {
    let cluster = match backend {
        Backend::Postgres => Some(OwnCluster::start().await),
        Backend::Sqlite => None,
    };
    let url = cluster.as_ref().map(|c| c.url.clone());
    let s = start_with(backend, |config| {
        workers(config);
        if url.is_some() {
            config.database_url = url;
        }
    })
    .await;
    s.create_project("api").await;
    let repo = fixture_repo();
    let repository = repo.path().display().to_string();
    // The only worker is busy with the first job during the outage; the second waits.
    let busy = create_job(
        &s,
        json!({"kind": "sleep", "seconds": 3, "repository": repository}),
    )
    .await;
    let queued = create_job(&s, json!({"kind": "audit", "repository": repository})).await;
    wait_until(&s, &busy, Duration::from_secs(30), |j| {
        j["state"] == "running"
    })
    .await;
    let queued_job = s.get_json(&queued).await;
    assert_eq!(queued_job["state"], "queued");

    let data_dir = s.config.data_dir.clone();
    let moved = data_dir.with_extension("moved");
    match &cluster {
        Some(cluster) => cluster.stop().await,
        None => std::fs::rename(&data_dir, &moved).unwrap(),
    }

    let body = until_status(&s, "/readyz", 503, Duration::from_secs(5)).await;
    assert_eq!(body["status"], 503);
    assert_eq!(body["detail"], "the database is unreachable");
    let (alive, _) = timed(&s, "/healthz", None).await;
    assert_eq!(alive, 200);
    let (status, body) = timed(&s, "/api/v1/projects", Some(s.admin.as_str())).await;
    match backend {
        // Connections are refused: a 503 problem that says nothing about the database.
        Backend::Postgres => {
            assert_eq!(status, 503, "{body}");
            assert_eq!(body["detail"], "the database is unavailable; retry later");
            let text = body.to_string();
            let port = &cluster.as_ref().unwrap().port;
            assert!(
                !text.contains(port.as_str()) && !text.contains("refused"),
                "{text}"
            );
        }
        // The open connections still reach the moved file: requests answer from it.
        Backend::Sqlite => assert_eq!(status, 200, "{body}"),
    }

    match &cluster {
        Some(cluster) => cluster.restart().await,
        None => std::fs::rename(&moved, &data_dir).unwrap(),
    }
    let ready = until_status(&s, "/readyz", 200, Duration::from_secs(15)).await;
    assert_eq!(ready["status"], "ready");
    if backend == Backend::Postgres {
        // The request that waited in vain for a connection is counted.
        let metrics = s.get("/metrics", &s.admin).await.text().await.unwrap();
        let timeouts = metrics
            .lines()
            .find_map(|l| l.strip_prefix("vouch_db_pool_acquire_timeouts_total "))
            .and_then(|v| v.parse::<u64>().ok());
        assert!(timeouts.is_some_and(|n| n >= 1), "{metrics}");
    }
    let projects = s.get_json("/api/v1/projects").await;
    assert!(projects.to_string().contains("\"api\""), "{projects}");
    // Both jobs end well: the one cut by the outage is retried, the queued one runs after.
    for job in [&busy, &queued] {
        let done = wait_until(&s, job, Duration::from_secs(60), |j| {
            j["state"] == "succeeded" || j["state"] == "failed"
        })
        .await;
        assert_eq!(done["state"], "succeeded", "{done}");
        assert!(done["run_id"].is_i64(), "{done}");
    }
}
