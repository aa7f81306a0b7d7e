//! `api_keys`: only the SHA-256 of a key is stored; the secret is shown once at creation.

use crate::db::Db;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKeyRecord {
    pub id: i64,
    pub name: String,
    /// The first characters of the key, to recognise it in lists.
    pub prefix: String,
    /// Space-separated scope names.
    pub scopes: String,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub created_at: i64,
    /// When the secret was last rotated.
    pub rotated_at: Option<i64>,
    /// Until when the secret replaced by the last rotation still works.
    pub previous_valid_until: Option<i64>,
}

pub struct NewApiKey<'a> {
    pub name: &'a str,
    pub prefix: &'a str,
    pub secret_sha256: &'a str,
    pub scopes: &'a str,
    pub expires_at: Option<i64>,
    pub created_at: i64,
}

const COLUMNS: &str = "id, name, prefix, scopes, expires_at, revoked_at, created_at, rotated_at, \
                       previous_valid_until";

fn from_row(row: &AnyRow) -> Result<ApiKeyRecord, sqlx::Error> {
    Ok(ApiKeyRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        prefix: row.try_get("prefix")?,
        scopes: row.try_get("scopes")?,
        expires_at: row.try_get("expires_at")?,
        revoked_at: row.try_get("revoked_at")?,
        created_at: row.try_get("created_at")?,
        rotated_at: row.try_get("rotated_at")?,
        previous_valid_until: row.try_get("previous_valid_until")?,
    })
}

pub async fn insert(db: &Db, key: &NewApiKey<'_>) -> Result<ApiKeyRecord, sqlx::Error> {
    let row = sqlx::query(&format!(
        "INSERT INTO api_keys (name, prefix, secret_sha256, scopes, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
    ))
    .bind(key.name)
    .bind(key.prefix)
    .bind(key.secret_sha256)
    .bind(key.scopes)
    .bind(key.expires_at)
    .bind(key.created_at)
    .fetch_one(&db.pool)
    .await?;
    from_row(&row)
}

pub async fn find_by_hash(db: &Db, sha256: &str) -> Result<Option<ApiKeyRecord>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM api_keys WHERE secret_sha256 = $1"
    ))
    .bind(sha256)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The key whose secret a rotation replaced with this one, while its grace period lasts.
pub async fn find_by_previous_hash(
    db: &Db,
    sha256: &str,
    now: i64,
) -> Result<Option<ApiKeyRecord>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM api_keys \
         WHERE previous_secret_sha256 = $1 AND previous_valid_until > $2"
    ))
    .bind(sha256)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn find(db: &Db, id: i64) -> Result<Option<ApiKeyRecord>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM api_keys WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// A new secret for a key that is not revoked.
pub struct Rotation<'a> {
    pub id: i64,
    pub prefix: &'a str,
    pub secret_sha256: &'a str,
    /// Until when the current secret keeps working (`at` ends it at once).
    pub previous_valid_until: i64,
    pub at: i64,
}

/// Swaps in the new secret and keeps the current one as the previous (SET reads the row as
/// it was, on both databases). None when the key is unknown or revoked.
pub async fn rotate(db: &Db, r: &Rotation<'_>) -> Result<Option<ApiKeyRecord>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "UPDATE api_keys SET previous_secret_sha256 = secret_sha256, \
         previous_valid_until = $1, secret_sha256 = $2, prefix = $3, rotated_at = $4 \
         WHERE id = $5 AND revoked_at IS NULL RETURNING {COLUMNS}"
    ))
    .bind(r.previous_valid_until)
    .bind(r.secret_sha256)
    .bind(r.prefix)
    .bind(r.at)
    .bind(r.id)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn list(db: &Db) -> Result<Vec<ApiKeyRecord>, sqlx::Error> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM api_keys ORDER BY id"))
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Marks the key revoked; false when there is no such key or it was already revoked.
pub async fn revoke(db: &Db, id: i64, at: i64) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(at)
            .bind(id)
            .execute(&db.pool)
            .await?;
    Ok(done.rows_affected() == 1)
}
