//! `refresh_tokens`: only the SHA-256 of a token is stored. Each use rotates the token: the old
//! row is marked `rotated_at` and a new row joins the same family (one family per login).
//! Presenting a rotated token again means it was stolen or replayed: the family is revoked.

use crate::db::Db;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefreshRecord {
    pub id: i64,
    pub user_id: i64,
    pub family: String,
    pub expires_at: i64,
    pub rotated_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

pub struct NewRefresh<'a> {
    pub user_id: i64,
    pub family: &'a str,
    pub token_sha256: &'a str,
    pub expires_at: i64,
    pub created_at: i64,
}

const COLUMNS: &str = "id, user_id, family, expires_at, rotated_at, revoked_at";

fn from_row(row: &AnyRow) -> Result<RefreshRecord, sqlx::Error> {
    Ok(RefreshRecord {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        family: row.try_get("family")?,
        expires_at: row.try_get("expires_at")?,
        rotated_at: row.try_get("rotated_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

pub async fn insert(db: &Db, token: &NewRefresh<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO refresh_tokens (user_id, family, token_sha256, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token.user_id)
    .bind(token.family)
    .bind(token.token_sha256)
    .bind(token.expires_at)
    .bind(token.created_at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub async fn find_by_hash(db: &Db, sha256: &str) -> Result<Option<RefreshRecord>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM refresh_tokens WHERE token_sha256 = $1"
    ))
    .bind(sha256)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Marks the token used; false when another request used or revoked it first (the single
/// conditional UPDATE decides the race).
pub async fn mark_rotated(db: &Db, id: i64, at: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE refresh_tokens SET rotated_at = $1 \
         WHERE id = $2 AND rotated_at IS NULL AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn revoke_family(db: &Db, family: &str, at: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = $1 WHERE family = $2 AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(family)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected())
}

/// Every session of a user (password reset, account disabled).
pub async fn revoke_user(db: &Db, user_id: i64, at: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(user_id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected())
}
