//! Fault test: the server process running a job is killed with SIGKILL; a new process on the
//! same database recovers the job once its lease expires and completes it exactly once.
//! The servers run as separate processes (the `vouch-server-test` harness binary); the test's
//! own in-process server has no workers and only answers the API.

use crate::both_backends;
use crate::support::*;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use vouch_server::config;

both_backends!(a_job_survives_kill_9_of_its_server_and_completes_once);

const LONG: Duration = Duration::from_secs(60);

/// Starts the harness on `database_url` with one worker and a two-second lease.
fn spawn_server(dir: &std::path::Path, name: &str, database_url: &str) -> Child {
    let config = dir.join(format!("{name}.toml"));
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:0\"\ndatabase_url = \"{database_url}\"\nlog = \"warn\"\n\
             job_workers = 1\njob_lease_secs = 2\njob_poll_ms = 50\njob_test_kinds = true\n"
        ),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vouch-server-test"))
        .arg(&config)
        // The file is the whole configuration: no variable of the test's environment overrides it.
        .env_remove(config::ENV_DATABASE_URL)
        .env_remove(config::ENV_LISTEN)
        .env_remove(config::ENV_JOB_WORKERS)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the harness starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("listening on "), "harness said: {line:?}");
    child
}

async fn a_job_survives_kill_9_of_its_server_and_completes_once(backend: Backend) {
    let s = start_with(backend, |c| {
        c.job_workers = 0;
        c.job_test_kinds = true;
    })
    .await;
    s.create_project("api").await;
    let repo = fixture_repo();
    let scratch = tempfile::tempdir().unwrap();
    // Long enough that the kill lands mid-job: the job is running for three seconds.
    let response = s
        .post(
            "/api/v1/projects/api/jobs",
            &s.admin,
            &json!({"kind": "sleep", "seconds": 3, "repository": repo.path().display().to_string()}),
        )
        .await;
    assert_eq!(response.status(), 202);
    let job: Value = response.json().await.unwrap();
    let path = format!("/api/v1/jobs/{}", job["id"]);

    let mut first = spawn_server(scratch.path(), "first", &s.database_url);
    let running = wait_until(&s, &path, LONG, |j| j["state"] == "running").await;
    let first_owner = running["lease_owner"].as_str().unwrap().to_string();
    first.kill().expect("SIGKILL");
    first.wait().unwrap();
    let orphan: Value = s.get_json(&path).await;
    assert_eq!(orphan["state"], "running", "nobody gave the job back");
    assert_eq!(orphan["run_id"], Value::Null);

    let mut second = spawn_server(scratch.path(), "second", &s.database_url);
    let done = wait_until(&s, &path, LONG, |j| {
        j["state"] == "succeeded" || j["state"] == "failed"
    })
    .await;
    second.kill().unwrap();
    second.wait().unwrap();
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(
        done["attempts"], 2,
        "the killed attempt and the one that finished"
    );
    assert_ne!(done["lease_owner"], first_owner.as_str());
    let runs: Value = s.get_json("/api/v1/projects/api/runs").await;
    let items = runs["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "exactly one run: {runs}");
    assert_eq!(items[0]["id"], done["run_id"]);
}
