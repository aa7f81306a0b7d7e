//! `idempotency_keys`: a reservation taken before a create runs, completed with the response.
//! Keys are per principal, so one client's key never replays another's response.

use crate::db::Db;
use sqlx::Row;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub body: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Existing {
    /// Another request with this key has not finished.
    InFlight {
        request_sha256: String,
        route: String,
    },
    Done {
        request_sha256: String,
        route: String,
        response: StoredResponse,
    },
}

/// Takes the key; false when it was already taken.
pub async fn reserve(
    db: &Db,
    principal: i64,
    key: &str,
    route: &str,
    request_sha256: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO idempotency_keys (principal, idem_key, route, request_sha256, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (principal, idem_key) DO NOTHING",
    )
    .bind(principal)
    .bind(key)
    .bind(route)
    .bind(request_sha256)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn find(db: &Db, principal: i64, key: &str) -> Result<Option<Existing>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "SELECT route, request_sha256, status, content_type, location, response_body \
         FROM idempotency_keys WHERE principal = $1 AND idem_key = $2",
    )
    .bind(principal)
    .bind(key)
    .fetch_optional(&db.pool)
    .await?
    else {
        return Ok(None);
    };
    let route: String = row.try_get("route")?;
    let request_sha256: String = row.try_get("request_sha256")?;
    let status: Option<i64> = row.try_get("status")?;
    Ok(Some(match status {
        None => Existing::InFlight {
            request_sha256,
            route,
        },
        Some(status) => Existing::Done {
            request_sha256,
            route,
            response: StoredResponse {
                status: u16::try_from(status).unwrap_or(500),
                content_type: row.try_get("content_type")?,
                location: row.try_get("location")?,
                body: row
                    .try_get::<Option<Vec<u8>>, _>("response_body")?
                    .unwrap_or_default(),
            },
        },
    }))
}

pub async fn complete(
    db: &Db,
    principal: i64,
    key: &str,
    response: &StoredResponse,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE idempotency_keys SET status = $1, content_type = $2, location = $3, \
         response_body = $4 WHERE principal = $5 AND idem_key = $6",
    )
    .bind(i64::from(response.status))
    .bind(&response.content_type)
    .bind(&response.location)
    .bind(&response.body)
    .bind(principal)
    .bind(key)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Frees the key (the request failed with a server error, so a retry may run it again).
pub async fn release(db: &Db, principal: i64, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM idempotency_keys WHERE principal = $1 AND idem_key = $2")
        .bind(principal)
        .bind(key)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Takes over a reservation whose request never finished (older than `stale_before`).
pub async fn take_over_stale(
    db: &Db,
    principal: i64,
    key: &str,
    route: &str,
    request_sha256: &str,
    stale_before: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE idempotency_keys SET route = $1, request_sha256 = $2, created_at = $3 \
         WHERE principal = $4 AND idem_key = $5 AND status IS NULL AND created_at < $6",
    )
    .bind(route)
    .bind(request_sha256)
    .bind(now)
    .bind(principal)
    .bind(key)
    .bind(stale_before)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}
