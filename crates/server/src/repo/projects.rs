//! `projects`: the services under review, addressed by their unique name.

use crate::db::Db;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectRecord {
    pub id: i64,
    pub name: String,
    pub owner_team: String,
    pub tier: String,
    pub repository: Option<String>,
    pub service_url: Option<String>,
    /// A JSON object of string labels.
    pub labels: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The editable fields, complete (updates read, merge, then write all of them).
#[derive(Clone, Debug)]
pub struct ProjectFields {
    pub name: String,
    pub owner_team: String,
    pub tier: String,
    pub repository: Option<String>,
    pub service_url: Option<String>,
    pub labels: String,
}

const COLUMNS: &str =
    "id, name, owner_team, tier, repository, service_url, labels, created_at, updated_at";

fn from_row(row: &AnyRow) -> Result<ProjectRecord, sqlx::Error> {
    Ok(ProjectRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        owner_team: row.try_get("owner_team")?,
        tier: row.try_get("tier")?,
        repository: row.try_get("repository")?,
        service_url: row.try_get("service_url")?,
        labels: row.try_get("labels")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub async fn insert(
    db: &Db,
    fields: &ProjectFields,
    now: i64,
) -> Result<ProjectRecord, sqlx::Error> {
    let row = sqlx::query(&format!(
        "INSERT INTO projects (name, owner_team, tier, repository, service_url, labels, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {COLUMNS}"
    ))
    .bind(&fields.name)
    .bind(&fields.owner_team)
    .bind(&fields.tier)
    .bind(&fields.repository)
    .bind(&fields.service_url)
    .bind(&fields.labels)
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    from_row(&row)
}

pub async fn find_by_name(db: &Db, name: &str) -> Result<Option<ProjectRecord>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM projects WHERE name = $1"))
        .bind(name)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn find_by_id(db: &Db, id: i64) -> Result<Option<ProjectRecord>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM projects WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Projects in name order, after `after` (keyset pagination), at most `limit`.
pub async fn list(
    db: &Db,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<ProjectRecord>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM projects WHERE name > $1 ORDER BY name LIMIT $2"
    ))
    .bind(after.unwrap_or(""))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn update(
    db: &Db,
    id: i64,
    fields: &ProjectFields,
    now: i64,
) -> Result<Option<ProjectRecord>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "UPDATE projects SET name = $1, owner_team = $2, tier = $3, repository = $4, \
         service_url = $5, labels = $6, updated_at = $7 WHERE id = $8 RETURNING {COLUMNS}"
    ))
    .bind(&fields.name)
    .bind(&fields.owner_team)
    .bind(&fields.tier)
    .bind(&fields.repository)
    .bind(&fields.service_url)
    .bind(&fields.labels)
    .bind(now)
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(from_row).transpose()
}
