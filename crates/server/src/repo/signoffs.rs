//! `signoffs`: sign-offs whose signature verified when they were stored, one row per signature
//! and project (storing the same entry again changes nothing).

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignoffRecord {
    pub id: i64,
    pub project_id: i64,
    pub checklist: String,
    /// The signed section's heading path, as a JSON array.
    pub section: String,
    pub signer: String,
    pub signed_at: String,
    pub public_key: String,
    pub signature: String,
    /// The `vouch.signoffs/v1` entry as JSON.
    pub entry: String,
    /// `upload` or `server`.
    pub source: String,
    /// For server sign-offs: the checklist run that was signed.
    pub run_id: Option<i64>,
    /// The audit-log actor that stored it.
    pub created_by: String,
    pub created_at: i64,
}

pub struct NewSignoff<'a> {
    pub project_id: i64,
    pub checklist: &'a str,
    pub section: &'a str,
    pub signer: &'a str,
    pub signed_at: &'a str,
    pub public_key: &'a str,
    pub signature: &'a str,
    pub entry: &'a str,
    pub source: &'a str,
    pub run_id: Option<i64>,
    pub created_by: &'a str,
    pub created_at: i64,
}

const COLUMNS: &str = "id, project_id, checklist, section, signer, signed_at, public_key, \
                       signature, entry, source, run_id, created_by, created_at";

fn from_row(row: &AnyRow) -> Result<SignoffRecord, sqlx::Error> {
    Ok(SignoffRecord {
        id: row.try_get("id")?,
        project_id: row.try_get("project_id")?,
        checklist: row.try_get("checklist")?,
        section: row.try_get("section")?,
        signer: row.try_get("signer")?,
        signed_at: row.try_get("signed_at")?,
        public_key: row.try_get("public_key")?,
        signature: row.try_get("signature")?,
        entry: row.try_get("entry")?,
        source: row.try_get("source")?,
        run_id: row.try_get("run_id")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
    })
}

/// Stores the sign-off; `None` when the project already has one with this signature.
pub async fn insert(
    conn: &mut AnyConnection,
    new: &NewSignoff<'_>,
) -> Result<Option<SignoffRecord>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "INSERT INTO signoffs (project_id, checklist, section, signer, signed_at, public_key, \
         signature, entry, source, run_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (project_id, signature) DO NOTHING RETURNING {COLUMNS}"
    ))
    .bind(new.project_id)
    .bind(new.checklist)
    .bind(new.section)
    .bind(new.signer)
    .bind(new.signed_at)
    .bind(new.public_key)
    .bind(new.signature)
    .bind(new.entry)
    .bind(new.source)
    .bind(new.run_id)
    .bind(new.created_by)
    .bind(new.created_at)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The project's sign-off with this signature.
pub async fn find_by_signature(
    conn: &mut AnyConnection,
    project_id: i64,
    signature: &str,
) -> Result<Option<SignoffRecord>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM signoffs WHERE project_id = $1 AND signature = $2"
    ))
    .bind(project_id)
    .bind(signature)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Every sign-off of the project, oldest first (on the pool or in a transaction).
pub async fn list_for_project<'e, E>(
    executor: E,
    project_id: i64,
) -> Result<Vec<SignoffRecord>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM signoffs WHERE project_id = $1 ORDER BY id"
    ))
    .bind(project_id)
    .fetch_all(executor)
    .await?;
    rows.iter().map(from_row).collect()
}
