//! `webhook_deliveries`: the outbox. Rows are written in the transaction that stores the run,
//! claimed by one sender at a time (a claim expires, so a sender that died loses it), and end
//! `delivered` or `dead`; nothing is deleted except with its endpoint.

use crate::db::{Backend, Db};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryRecord {
    pub id: i64,
    pub endpoint_id: i64,
    pub event: String,
    pub project_id: i64,
    pub run_id: i64,
    pub body: String,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

pub struct NewDelivery<'a> {
    pub endpoint_id: i64,
    pub event: &'a str,
    pub project_id: i64,
    pub run_id: i64,
    pub body: &'a str,
    pub created_at: i64,
}

/// How an attempt ended, as stored.
pub struct Outcome<'a> {
    pub state: &'a str,
    pub next_attempt_at: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<&'a str>,
    pub finished_at: Option<i64>,
}

const COLUMNS: &str = "id, endpoint_id, event, project_id, run_id, body, state, attempts, \
                       next_attempt_at, last_status, last_error, created_at, finished_at";

fn from_row(row: &AnyRow) -> Result<DeliveryRecord, sqlx::Error> {
    Ok(DeliveryRecord {
        id: row.try_get("id")?,
        endpoint_id: row.try_get("endpoint_id")?,
        event: row.try_get("event")?,
        project_id: row.try_get("project_id")?,
        run_id: row.try_get("run_id")?,
        body: row.try_get("body")?,
        state: row.try_get("state")?,
        attempts: row.try_get("attempts")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
        last_status: row.try_get("last_status")?,
        last_error: row.try_get("last_error")?,
        created_at: row.try_get("created_at")?,
        finished_at: row.try_get("finished_at")?,
    })
}

/// Due at once.
pub async fn insert(conn: &mut AnyConnection, new: &NewDelivery<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO webhook_deliveries (endpoint_id, event, project_id, run_id, body, \
         next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(new.endpoint_id)
    .bind(new.event)
    .bind(new.project_id)
    .bind(new.run_id)
    .bind(new.body)
    .bind(new.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Which due deliveries a claim takes.
#[derive(Clone, Copy)]
pub enum Claim {
    /// Up to this many, of endpoints whose breaker is closed.
    Due(i64),
    /// The one half-open probe of this endpoint.
    Probe(i64),
}

/// Claims due, unclaimed (or expired-claim) deliveries of enabled endpoints until
/// `claimed_until`, marked with `token`. Atomic: SQLite has one writer, PostgreSQL skips rows
/// another replica has locked.
pub async fn claim(
    db: &Db,
    which: Claim,
    now: i64,
    claimed_until: i64,
    token: &str,
) -> Result<Vec<DeliveryRecord>, sqlx::Error> {
    let filter = match which {
        Claim::Due(_) => "e.breaker_state = 'closed'",
        Claim::Probe(_) => "e.id = $5",
    };
    let (limit, endpoint) = match which {
        Claim::Due(limit) => (limit, None),
        Claim::Probe(endpoint) => (1, Some(endpoint)),
    };
    let lock = match db.backend {
        Backend::Postgres => "FOR UPDATE OF d SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE webhook_deliveries SET claim_token = $1, claimed_until = $2 WHERE id IN ( \
           SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
           WHERE d.state = 'pending' AND d.next_attempt_at <= $3 \
           AND (d.claimed_until IS NULL OR d.claimed_until <= $3) \
           AND e.enabled = 1 AND {filter} \
           ORDER BY d.id LIMIT $4 {lock}) \
         RETURNING {COLUMNS}"
    );
    let mut query = sqlx::query(&sql)
        .bind(token)
        .bind(claimed_until)
        .bind(now)
        .bind(limit);
    if let Some(endpoint) = endpoint {
        query = query.bind(endpoint);
    }
    let rows = query.fetch_all(&db.pool).await?;
    let mut claimed = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    claimed.sort_by_key(|d| d.id);
    Ok(claimed)
}

/// Records an attempt's end, if this sender still holds the claim. Counts the attempt.
pub async fn finish_attempt(
    db: &Db,
    id: i64,
    token: &str,
    outcome: &Outcome<'_>,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE webhook_deliveries SET attempts = attempts + 1, state = $3, \
         next_attempt_at = $4, last_status = $5, last_error = $6, finished_at = $7, \
         claim_token = NULL, claimed_until = NULL WHERE id = $1 AND claim_token = $2",
    )
    .bind(id)
    .bind(token)
    .bind(outcome.state)
    .bind(outcome.next_attempt_at)
    .bind(outcome.last_status)
    .bind(outcome.last_error)
    .bind(outcome.finished_at)
    .execute(&db.pool)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// Gives back claims that were not attempted (shutdown, or the breaker opened meanwhile).
pub async fn release(db: &Db, ids: &[i64], token: &str) -> Result<(), sqlx::Error> {
    for id in ids {
        sqlx::query(
            "UPDATE webhook_deliveries SET claim_token = NULL, claimed_until = NULL \
             WHERE id = $1 AND claim_token = $2",
        )
        .bind(id)
        .bind(token)
        .execute(&db.pool)
        .await?;
    }
    Ok(())
}

/// An endpoint's deliveries, newest first, older than `before` (keyset pagination).
pub async fn list_for_endpoint(
    db: &Db,
    endpoint_id: i64,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<DeliveryRecord>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM webhook_deliveries WHERE endpoint_id = $1 AND id < $2 \
         ORDER BY id DESC LIMIT $3"
    ))
    .bind(endpoint_id)
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Deliveries still to be made.
pub async fn backlog(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE state = 'pending'")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")
}
