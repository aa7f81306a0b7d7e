//! `audit_log`: append and read only; the table rejects UPDATE and DELETE (see migration 5).

use crate::db::Db;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    /// Unix milliseconds.
    pub at: i64,
    pub kind: String,
    pub actor: String,
    pub subject: String,
    /// JSON text, exactly as hashed.
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

const COLUMNS: &str = "seq, at, kind, actor, subject, detail, prev_hash, hash";

fn from_row(row: &AnyRow) -> Result<AuditEntry, sqlx::Error> {
    Ok(AuditEntry {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        kind: row.try_get("kind")?,
        actor: row.try_get("actor")?,
        subject: row.try_get("subject")?,
        detail: row.try_get("detail")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

/// The newest entry's (seq, hash), read inside the append transaction.
pub async fn last(conn: &mut AnyConnection) -> Result<Option<(i64, String)>, sqlx::Error> {
    let row = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| Ok((r.try_get("seq")?, r.try_get("hash")?)))
        .transpose()
}

pub async fn insert(conn: &mut AnyConnection, entry: &AuditEntry) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "INSERT INTO audit_log ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    ))
    .bind(entry.seq)
    .bind(entry.at)
    .bind(&entry.kind)
    .bind(&entry.actor)
    .bind(&entry.subject)
    .bind(&entry.detail)
    .bind(&entry.prev_hash)
    .bind(&entry.hash)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Entries after `after` in sequence order, at most `limit`.
pub async fn page(db: &Db, after: i64, limit: i64) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
    ))
    .bind(after)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(from_row).collect()
}
