//! The queue's own rules, driven step by step with explicit times (no worker runs here):
//! claims take each job once, a retry waits for its growing backoff, an expired lease is
//! recovered, and a worker that lost its lease can no longer change the job.

use crate::both_backends;
use crate::support::*;
use serde_json::{Value, json};
use std::time::Duration;
use vouch_server::jobs::backoff::Backoff;
use vouch_server::repo::jobs::{self, JobRecord};

both_backends!(
    retries_wait_for_a_growing_backoff,
    expired_leases_are_recovered_and_stale_workers_are_fenced,
);

const LEASE_MS: i64 = 30_000;

async fn queued_job(s: &TestServer) -> i64 {
    s.create_project("api").await;
    let response = s
        .post(
            "/api/v1/projects/api/jobs",
            &s.admin,
            &json!({"kind": "audit", "repository": "/srv/checkout"}),
        )
        .await;
    assert_eq!(response.status(), 202);
    let job: Value = response.json().await.unwrap();
    job["id"].as_i64().unwrap()
}

async fn load(s: &TestServer, id: i64) -> JobRecord {
    jobs::find(&s.running.db, id).await.unwrap().unwrap()
}

async fn retries_wait_for_a_growing_backoff(backend: Backend) {
    let s = start_with(backend, |c| c.job_workers = 0).await;
    let id = queued_job(&s).await;
    let db = &s.running.db;
    let backoff = Backoff {
        base: Duration::from_secs(1),
        cap: Duration::from_secs(3),
    };
    let mut now = load(&s, id).await.run_after;
    let mut delays = Vec::new();
    for attempt in 1..=4 {
        let claimed = jobs::claim(db, "worker-a", now, LEASE_MS)
            .await
            .unwrap()
            .expect("runnable");
        assert_eq!(claimed.id, id);
        assert_eq!(claimed.state, "running");
        assert_eq!(claimed.attempts, attempt);
        assert_eq!(claimed.lease_owner.as_deref(), Some("worker-a"));
        assert_eq!(claimed.lease_expires_at, Some(now + LEASE_MS));
        assert!(
            jobs::claim(db, "worker-b", now, LEASE_MS)
                .await
                .unwrap()
                .is_none(),
            "a running job is not claimed twice"
        );
        // The ceiling of full jitter: the longest the retry may wait.
        let delay = backoff.delay_with(attempt as u32, 1.0).as_millis() as i64;
        assert!(
            jobs::retry_later(db, id, "worker-a", "clone failed", now + delay, now)
                .await
                .unwrap()
        );
        let queued = load(&s, id).await;
        assert_eq!(queued.state, "queued");
        assert_eq!(queued.run_after, now + delay);
        assert_eq!(queued.attempts, attempt);
        assert_eq!(queued.lease_owner, None);
        assert_eq!(queued.last_error.as_deref(), Some("clone failed"));
        assert!(
            jobs::claim(db, "worker-a", now + delay - 1, LEASE_MS)
                .await
                .unwrap()
                .is_none(),
            "not runnable before run_after"
        );
        delays.push(delay);
        now += delay;
    }
    assert_eq!(
        delays,
        [1_000, 2_000, 3_000, 3_000],
        "doubling up to the cap"
    );
}

async fn expired_leases_are_recovered_and_stale_workers_are_fenced(backend: Backend) {
    let s = start_with(backend, |c| c.job_workers = 0).await;
    let id = queued_job(&s).await;
    let db = &s.running.db;
    let start = load(&s, id).await.run_after;
    jobs::claim(db, "slow", start, LEASE_MS)
        .await
        .unwrap()
        .unwrap();

    // Heartbeats keep the lease; only the owner can renew it.
    assert!(
        jobs::heartbeat(db, id, "slow", start + 10_000, LEASE_MS)
            .await
            .unwrap()
    );
    assert!(
        !jobs::heartbeat(db, id, "other", start + 10_000, LEASE_MS)
            .await
            .unwrap()
    );
    let expires = start + 10_000 + LEASE_MS;
    assert_eq!(load(&s, id).await.lease_expires_at, Some(expires));
    assert_eq!(
        jobs::recover_expired(db, expires - 1).await.unwrap(),
        (0, 0)
    );
    assert_eq!(
        jobs::recover_expired(db, expires + 1).await.unwrap(),
        (1, 0)
    );
    let recovered = load(&s, id).await;
    assert_eq!(recovered.state, "queued");
    assert_eq!(recovered.lease_owner, None);
    assert_eq!(recovered.run_after, expires + 1);

    // Another worker takes it; the slow one's late result is refused and stores no run.
    jobs::claim(db, "fresh", expires + 1, LEASE_MS)
        .await
        .unwrap()
        .unwrap();
    let report = serde_json::to_vec(&audit_report(70, 60)).unwrap();
    let prepared = vouch_server::runs::store::prepare(report.into())
        .await
        .unwrap();
    let project = load(&s, id).await.project_id;
    let at = expires + 2;
    let complete = |owner: &'static str| {
        let run = prepared.new_run(project, None, at);
        let effects = jobs::RunEffects {
            signals: prepared.signals(),
            score_drop_threshold: 1,
        };
        async move {
            jobs::succeed_with_run(db, id, owner, &run, &effects, at)
                .await
                .unwrap()
        }
    };
    assert!(complete("slow").await.is_none());
    assert!(!jobs::fail(db, id, "slow", "late", at).await.unwrap());
    assert!(!jobs::release(db, id, "slow", at).await.unwrap());
    let (run, _) = complete("fresh").await.expect("the owner completes it");
    let done = load(&s, id).await;
    assert_eq!(done.state, "succeeded");
    assert_eq!(done.run_id, Some(run.id));
    assert_eq!(done.attempts, 2);
    let runs: Value = s.get_json("/api/v1/projects/api/runs").await;
    assert_eq!(runs["items"].as_array().unwrap().len(), 1, "one run");
    assert_eq!(runs["items"][0]["score"], 70);
}
