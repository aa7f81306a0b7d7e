//! `jobs`: the durable queue. Every state change after the claim is fenced by the lease owner,
//! so a worker that lost its lease (it was too slow and another worker took the job back) can
//! no longer touch the job: its late result is discarded, and a job's run is stored once.

use super::runs::{self, NewRun, RunRecord};
use crate::db::{Backend, Db};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobRecord {
    pub id: i64,
    pub project_id: i64,
    pub kind: String,
    /// JSON object: `repository` and the kind's options.
    pub params: String,
    pub state: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_after: i64,
    /// The worker that holds the job while it runs; kept on finished jobs (who ran it last).
    pub lease_owner: Option<String>,
    pub lease_expires_at: Option<i64>,
    pub heartbeat_at: Option<i64>,
    pub last_error: Option<String>,
    pub run_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub struct NewJob<'a> {
    pub project_id: i64,
    pub kind: &'a str,
    pub params: &'a str,
    pub max_attempts: i64,
    pub created_by: Option<i64>,
    pub now: i64,
}

/// Jobs per state and the oldest runnable queued job (for `/metrics`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JobStats {
    pub by_state: Vec<(String, i64)>,
    /// `run_after` of the oldest queued job that may run now.
    pub oldest_runnable: Option<i64>,
}

pub const STATES: [&str; 4] = ["queued", "running", "succeeded", "failed"];

const COLUMNS: &str = "id, project_id, kind, params, state, attempts, max_attempts, run_after, \
                       lease_owner, lease_expires_at, heartbeat_at, last_error, run_id, \
                       created_by, created_at, updated_at";

/// What a claim sets; `$1` owner, `$2` now, `$3` lease expiry.
const CLAIM_SET: &str = "state = 'running', attempts = attempts + 1, lease_owner = $1, \
                         heartbeat_at = $2, lease_expires_at = $3, updated_at = $2";

/// The oldest runnable job first; `$2` is now.
const CLAIMABLE: &str =
    "SELECT id FROM jobs WHERE state = 'queued' AND run_after <= $2 ORDER BY run_after, id LIMIT 1";

const LEASE_EXPIRED: &str = "the worker running the job stopped (its lease expired)";

fn from_row(row: &AnyRow) -> Result<JobRecord, sqlx::Error> {
    Ok(JobRecord {
        id: row.try_get("id")?,
        project_id: row.try_get("project_id")?,
        kind: row.try_get("kind")?,
        params: row.try_get("params")?,
        state: row.try_get("state")?,
        attempts: row.try_get("attempts")?,
        max_attempts: row.try_get("max_attempts")?,
        run_after: row.try_get("run_after")?,
        lease_owner: row.try_get("lease_owner")?,
        lease_expires_at: row.try_get("lease_expires_at")?,
        heartbeat_at: row.try_get("heartbeat_at")?,
        last_error: row.try_get("last_error")?,
        run_id: row.try_get("run_id")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub async fn insert(db: &Db, job: &NewJob<'_>) -> Result<JobRecord, sqlx::Error> {
    let row = sqlx::query(&format!(
        "INSERT INTO jobs (project_id, kind, params, state, attempts, max_attempts, run_after, \
         created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, 'queued', 0, $4, $5, $6, $5, $5) RETURNING {COLUMNS}"
    ))
    .bind(job.project_id)
    .bind(job.kind)
    .bind(job.params)
    .bind(job.max_attempts)
    .bind(job.now)
    .bind(job.created_by)
    .fetch_one(&db.pool)
    .await?;
    from_row(&row)
}

pub async fn find(db: &Db, id: i64) -> Result<Option<JobRecord>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM jobs WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Jobs of a project, newest first, older than `before` (keyset pagination).
pub async fn list_for_project(
    db: &Db,
    project_id: i64,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<JobRecord>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM jobs WHERE project_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
    ))
    .bind(project_id)
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(from_row).collect()
}

/// The newest jobs of every project (the dashboard's jobs page), at most `limit`.
pub async fn list_recent(db: &Db, limit: i64) -> Result<Vec<JobRecord>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM jobs ORDER BY id DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Takes the oldest runnable queued job for `owner` until `now + lease_ms`, or None.
///
/// PostgreSQL: `FOR UPDATE SKIP LOCKED` in a transaction, so replicas claiming at the same time
/// take different jobs without waiting on each other. SQLite has one writer: a single
/// `UPDATE ... WHERE id = (SELECT ...)` is atomic.
pub async fn claim(
    db: &Db,
    owner: &str,
    now: i64,
    lease_ms: i64,
) -> Result<Option<JobRecord>, sqlx::Error> {
    let row = match db.backend {
        Backend::Sqlite => {
            sqlx::query(&format!(
                "UPDATE jobs SET {CLAIM_SET} WHERE id = ({CLAIMABLE}) AND state = 'queued' \
                 RETURNING {COLUMNS}"
            ))
            .bind(owner)
            .bind(now)
            .bind(now + lease_ms)
            .fetch_optional(&db.pool)
            .await?
        }
        Backend::Postgres => {
            let mut tx = db.pool.begin().await?;
            let picked: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM jobs WHERE state = 'queued' AND run_after <= $1 \
                 ORDER BY run_after, id LIMIT 1 FOR UPDATE SKIP LOCKED",
            )
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(id) = picked else {
                tx.commit().await?;
                return Ok(None);
            };
            let row = sqlx::query(&format!(
                "UPDATE jobs SET {CLAIM_SET} WHERE id = $4 RETURNING {COLUMNS}"
            ))
            .bind(owner)
            .bind(now)
            .bind(now + lease_ms)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Some(row)
        }
    };
    row.as_ref().map(from_row).transpose()
}

/// A fenced update: `set` may use `$1` (now), `$4` (`text`) and `$5` (`number`).
struct Change<'a> {
    /// Always a literal: the SQL text is fixed, the values are bound.
    set: &'static str,
    text: Option<&'a str>,
    number: Option<i64>,
}

/// `UPDATE jobs SET {set}` on job `id` only while it runs under `owner`'s lease; false when the
/// lease is gone (another worker took the job back, or it finished).
async fn fenced(
    conn: &mut AnyConnection,
    id: i64,
    owner: &str,
    now: i64,
    change: Change<'_>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(&format!(
        "UPDATE jobs SET {}, updated_at = $1 WHERE id = $2 AND lease_owner = $3 \
         AND state = 'running'",
        change.set
    ))
    .bind(now)
    .bind(id)
    .bind(owner)
    .bind(change.text)
    .bind(change.number)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Renews the lease; false when the job is no longer this owner's (the worker must stop).
pub async fn heartbeat(
    db: &Db,
    id: i64,
    owner: &str,
    now: i64,
    lease_ms: i64,
) -> Result<bool, sqlx::Error> {
    let change = Change {
        set: "heartbeat_at = $1, lease_expires_at = $5",
        text: None,
        number: Some(now + lease_ms),
    };
    fenced(&mut *db.pool.acquire().await?, id, owner, now, change).await
}

/// What storing a job's run causes besides the run: the webhook deliveries of its regressions.
pub struct RunEffects<'a> {
    pub signals: &'a crate::webhooks::signals::Signals,
    pub score_drop_threshold: u32,
}

/// Stores the job's run, queues the webhook deliveries it causes and marks the job succeeded,
/// in one transaction: when the lease is no longer `owner`'s, nothing is stored and None is
/// returned. Some((run, deliveries queued)) otherwise.
pub async fn succeed_with_run(
    db: &Db,
    id: i64,
    owner: &str,
    run: &NewRun<'_>,
    effects: &RunEffects<'_>,
    now: i64,
) -> Result<Option<(RunRecord, usize)>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    // The fence first: on PostgreSQL this row lock also makes a concurrent recovery wait.
    let change = Change {
        set: "state = 'succeeded', lease_expires_at = NULL, last_error = NULL",
        text: None,
        number: None,
    };
    if !fenced(&mut tx, id, owner, now, change).await? {
        tx.rollback().await?;
        return Ok(None);
    }
    let record = runs::insert_in(&mut tx, run).await?;
    sqlx::query("UPDATE jobs SET run_id = $1 WHERE id = $2")
        .bind(record.id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let project: String = sqlx::query_scalar("SELECT name FROM projects WHERE id = $1")
        .bind(record.project_id)
        .fetch_one(&mut *tx)
        .await?;
    let enqueued = crate::webhooks::enqueue::on_run_stored(
        &mut tx,
        &project,
        &record,
        effects.signals,
        effects.score_drop_threshold,
    )
    .await?;
    tx.commit().await?;
    Ok(Some((record, enqueued)))
}

/// Back to the queue after a transient failure, runnable from `run_after`.
pub async fn retry_later(
    db: &Db,
    id: i64,
    owner: &str,
    error: &str,
    run_after: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let change = Change {
        set: "state = 'queued', run_after = $5, lease_owner = NULL, lease_expires_at = NULL, \
              heartbeat_at = NULL, last_error = $4",
        text: Some(error),
        number: Some(run_after),
    };
    fenced(&mut *db.pool.acquire().await?, id, owner, now, change).await
}

/// Fails the job for good.
pub async fn fail(
    db: &Db,
    id: i64,
    owner: &str,
    error: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let change = Change {
        set: "state = 'failed', lease_expires_at = NULL, last_error = $4",
        text: Some(error),
        number: None,
    };
    fenced(&mut *db.pool.acquire().await?, id, owner, now, change).await
}

/// Shutdown: gives the job back, runnable at once; the interrupted attempt does not count.
pub async fn release(db: &Db, id: i64, owner: &str, now: i64) -> Result<bool, sqlx::Error> {
    let change = Change {
        set: "state = 'queued', attempts = attempts - 1, run_after = $1, lease_owner = NULL, \
              lease_expires_at = NULL, heartbeat_at = NULL",
        text: None,
        number: None,
    };
    fenced(&mut *db.pool.acquire().await?, id, owner, now, change).await
}

/// Running jobs whose lease expired before `now` (their worker died): failed when their
/// attempts are used up, otherwise queued again. Returns (requeued, failed).
pub async fn recover_expired(db: &Db, now: i64) -> Result<(u64, u64), sqlx::Error> {
    let failed = sqlx::query(
        "UPDATE jobs SET state = 'failed', lease_expires_at = NULL, last_error = $1, \
         updated_at = $2 WHERE state = 'running' AND lease_expires_at < $2 \
         AND attempts >= max_attempts",
    )
    .bind(LEASE_EXPIRED)
    .bind(now)
    .execute(&db.pool)
    .await?
    .rows_affected();
    let requeued = sqlx::query(
        "UPDATE jobs SET state = 'queued', run_after = $2, lease_owner = NULL, \
         lease_expires_at = NULL, heartbeat_at = NULL, last_error = $1, updated_at = $2 \
         WHERE state = 'running' AND lease_expires_at < $2",
    )
    .bind(LEASE_EXPIRED)
    .bind(now)
    .execute(&db.pool)
    .await?
    .rows_affected();
    Ok((requeued, failed))
}

pub async fn stats(db: &Db, now: i64) -> Result<JobStats, sqlx::Error> {
    let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state ORDER BY state")
        .fetch_all(&db.pool)
        .await?;
    let by_state = rows
        .iter()
        .map(|r| Ok((r.try_get("state")?, r.try_get("n")?)))
        .collect::<Result<Vec<(String, i64)>, sqlx::Error>>()?;
    let oldest_runnable: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(run_after) FROM jobs WHERE state = 'queued' AND run_after <= $1",
    )
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    Ok(JobStats {
        by_state,
        oldest_runnable,
    })
}
