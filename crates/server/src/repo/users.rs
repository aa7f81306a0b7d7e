//! `users`: usernames and e-mail addresses are stored lower-case (unique, case-insensitive
//! login); the password is only ever an argon2id PHC string.

use crate::db::Db;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub email: Option<String>,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub email: Option<&'a str>,
    pub display_name: &'a str,
    pub role: &'a str,
    pub password_hash: &'a str,
    pub created_at: i64,
}

/// The fields an admin may change; None leaves a field as it is.
#[derive(Default)]
pub struct UserChanges<'a> {
    pub display_name: Option<&'a str>,
    pub role: Option<&'a str>,
    pub disabled: Option<bool>,
    pub password_hash: Option<&'a str>,
}

const COLUMNS: &str =
    "id, username, email, display_name, role, password_hash, disabled, created_at, updated_at";

fn from_row(row: &AnyRow) -> Result<UserRecord, sqlx::Error> {
    Ok(UserRecord {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        role: row.try_get("role")?,
        password_hash: row.try_get("password_hash")?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub async fn insert(db: &Db, user: &NewUser<'_>) -> Result<UserRecord, sqlx::Error> {
    insert_row(db, user, false)
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// Inserts only while the table is empty (the bootstrap admin); None when users exist.
pub async fn insert_first(db: &Db, user: &NewUser<'_>) -> Result<Option<UserRecord>, sqlx::Error> {
    insert_row(db, user, true).await
}

async fn insert_row(
    db: &Db,
    user: &NewUser<'_>,
    only_first: bool,
) -> Result<Option<UserRecord>, sqlx::Error> {
    let values = if only_first {
        "SELECT $1, $2, $3, $4, $5, 0, $6, $6 WHERE NOT EXISTS (SELECT 1 FROM users)"
    } else {
        "VALUES ($1, $2, $3, $4, $5, 0, $6, $6)"
    };
    let row = sqlx::query(&format!(
        "INSERT INTO users (username, email, display_name, role, password_hash, disabled, \
         created_at, updated_at) {values} RETURNING {COLUMNS}"
    ))
    .bind(user.username)
    .bind(user.email)
    .bind(user.display_name)
    .bind(user.role)
    .bind(user.password_hash)
    .bind(user.created_at)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn find(db: &Db, id: i64) -> Result<Option<UserRecord>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// By username or e-mail address (`login` lower-case).
pub async fn find_by_login(db: &Db, login: &str) -> Result<Option<UserRecord>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM users WHERE username = $1 OR email = $1 ORDER BY id LIMIT 1"
    ))
    .bind(login)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn any_exist(db: &Db) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("SELECT id FROM users LIMIT 1")
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.is_some())
}

pub async fn list(db: &Db) -> Result<Vec<UserRecord>, sqlx::Error> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM users ORDER BY id"))
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Enabled admins other than `except`: the last admin must not lock everyone out.
pub async fn count_other_admins(db: &Db, except: i64) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0 AND id <> $1",
    )
    .bind(except)
    .fetch_one(&db.pool)
    .await?
    .try_get("n")
}

pub async fn update(
    db: &Db,
    id: i64,
    changes: &UserChanges<'_>,
    at: i64,
) -> Result<Option<UserRecord>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "UPDATE users SET display_name = COALESCE($1, display_name), role = COALESCE($2, role), \
         disabled = COALESCE($3, disabled), password_hash = COALESCE($4, password_hash), \
         updated_at = $5 WHERE id = $6 RETURNING {COLUMNS}"
    ))
    .bind(changes.display_name)
    .bind(changes.role)
    .bind(changes.disabled.map(i64::from))
    .bind(changes.password_hash)
    .bind(at)
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(from_row).transpose()
}
