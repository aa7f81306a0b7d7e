//! `webhook_endpoints`: where notifications go, with each endpoint's circuit breaker (kept
//! here so every replica and every restart sees the same state).

use crate::db::Db;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointRecord {
    pub id: i64,
    pub project_id: Option<i64>,
    /// The project's name, when the endpoint belongs to one.
    pub project: Option<String>,
    pub url: String,
    pub format: String,
    /// Space-separated event names.
    pub events: String,
    /// Never sent back to API clients.
    pub secret: Option<String>,
    pub enabled: bool,
    pub breaker_state: String,
    pub consecutive_failures: i64,
    pub breaker_until: Option<i64>,
    pub created_at: i64,
}

pub struct NewEndpoint<'a> {
    pub project_id: Option<i64>,
    pub url: &'a str,
    pub format: &'a str,
    pub events: &'a str,
    pub secret: Option<&'a str>,
    pub enabled: bool,
    pub created_at: i64,
}

const SELECT: &str = "SELECT e.id, e.project_id, p.name AS project, e.url, e.format, e.events, \
                      e.secret, e.enabled, e.breaker_state, e.consecutive_failures, \
                      e.breaker_until, e.created_at \
                      FROM webhook_endpoints e LEFT JOIN projects p ON p.id = e.project_id";

fn from_row(row: &AnyRow) -> Result<EndpointRecord, sqlx::Error> {
    let enabled: i64 = row.try_get("enabled")?;
    Ok(EndpointRecord {
        id: row.try_get("id")?,
        project_id: row.try_get("project_id")?,
        project: row.try_get("project")?,
        url: row.try_get("url")?,
        format: row.try_get("format")?,
        events: row.try_get("events")?,
        secret: row.try_get("secret")?,
        enabled: enabled != 0,
        breaker_state: row.try_get("breaker_state")?,
        consecutive_failures: row.try_get("consecutive_failures")?,
        breaker_until: row.try_get("breaker_until")?,
        created_at: row.try_get("created_at")?,
    })
}

pub async fn insert(db: &Db, new: &NewEndpoint<'_>) -> Result<EndpointRecord, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO webhook_endpoints (project_id, url, format, events, secret, enabled, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(new.project_id)
    .bind(new.url)
    .bind(new.format)
    .bind(new.events)
    .bind(new.secret)
    .bind(i64::from(new.enabled))
    .bind(new.created_at)
    .fetch_one(&db.pool)
    .await?;
    let id: i64 = row.try_get("id")?;
    find(db, id).await?.ok_or(sqlx::Error::RowNotFound)
}

pub async fn list(db: &Db) -> Result<Vec<EndpointRecord>, sqlx::Error> {
    let rows = sqlx::query(&format!("{SELECT} ORDER BY e.id"))
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn find(db: &Db, id: i64) -> Result<Option<EndpointRecord>, sqlx::Error> {
    sqlx::query(&format!("{SELECT} WHERE e.id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Enabled endpoints that hear about this project (its own and the global ones).
pub async fn subscribed(
    conn: &mut AnyConnection,
    project_id: i64,
) -> Result<Vec<EndpointRecord>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE e.enabled = 1 AND (e.project_id IS NULL OR e.project_id = $1) \
         ORDER BY e.id"
    ))
    .bind(project_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Deletes the endpoint and its deliveries; false when there was none.
pub async fn delete(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    sqlx::query("DELETE FROM webhook_deliveries WHERE endpoint_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let deleted = sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(deleted > 0)
}

/// A delivery went through: the breaker closes.
pub async fn breaker_success(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE webhook_endpoints SET breaker_state = 'closed', consecutive_failures = 0, \
         breaker_until = NULL WHERE id = $1",
    )
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// A delivery failed: the breaker opens (until `open_until`) after `threshold` consecutive
/// failures, or at once when this was the half-open probe. Returns the state now.
pub async fn breaker_failure(
    db: &Db,
    id: i64,
    threshold: i64,
    open_until: i64,
) -> Result<String, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1, \
         breaker_until = CASE WHEN breaker_state <> 'closed' OR consecutive_failures + 1 >= $2 \
                         THEN $3 ELSE breaker_until END, \
         breaker_state = CASE WHEN breaker_state <> 'closed' OR consecutive_failures + 1 >= $2 \
                         THEN 'open' ELSE breaker_state END \
         WHERE id = $1 RETURNING breaker_state",
    )
    .bind(id)
    .bind(threshold)
    .bind(open_until)
    .fetch_optional(&db.pool)
    .await?;
    // A deleted endpoint has no breaker: report it closed so nothing waits on it.
    row.map_or(Ok("closed".into()), |r| r.try_get("breaker_state"))
}

/// Open (or half-open with a lapsed probe) endpoints whose cool-down is over and that have a
/// delivery due: candidates for a half-open probe.
pub async fn probe_candidates(db: &Db, now: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT e.id FROM webhook_endpoints e WHERE e.enabled = 1 \
         AND e.breaker_state IN ('open', 'half_open') AND e.breaker_until <= $1 \
         AND EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.endpoint_id = e.id \
                     AND d.state = 'pending' AND d.next_attempt_at <= $1 \
                     AND (d.claimed_until IS NULL OR d.claimed_until <= $1)) \
         ORDER BY e.id",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| r.try_get("id")).collect()
}

/// Takes the right to send the half-open probe; exactly one replica wins it.
pub async fn begin_probe(
    db: &Db,
    id: i64,
    now: i64,
    probe_until: i64,
) -> Result<bool, sqlx::Error> {
    let won = sqlx::query(
        "UPDATE webhook_endpoints SET breaker_state = 'half_open', breaker_until = $3 \
         WHERE id = $1 AND breaker_state IN ('open', 'half_open') AND breaker_until <= $2",
    )
    .bind(id)
    .bind(now)
    .bind(probe_until)
    .execute(&db.pool)
    .await?
    .rows_affected();
    Ok(won == 1)
}

/// The probe found nothing to send after all: back to open, ready for the next look.
pub async fn cancel_probe(db: &Db, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE webhook_endpoints SET breaker_state = 'open', breaker_until = $2 \
         WHERE id = $1 AND breaker_state = 'half_open'",
    )
    .bind(id)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// (endpoint id, breaker state) of every endpoint, for the metrics.
pub async fn breaker_states(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, breaker_state FROM webhook_endpoints ORDER BY id")
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("breaker_state")?)))
        .collect()
}
