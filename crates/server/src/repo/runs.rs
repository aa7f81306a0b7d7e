//! `runs` and `run_area_scores`: immutable uploaded reports (stored gzip-compressed) with the
//! numbers trends need indexed beside them. There is no update or delete.

use crate::db::Db;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// A run without its report body (what lists and trends read).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunRecord {
    pub id: i64,
    pub project_id: i64,
    pub kind: String,
    pub schema: String,
    pub tool_version: Option<String>,
    pub commit_sha: Option<String>,
    pub score: Option<i64>,
    pub gate_failed: Option<bool>,
    /// JSON object of counts, as uploaded.
    pub counts: String,
    pub report_sha256: String,
    pub report_bytes: i64,
    pub created_at: i64,
    /// `(area, score)` in area order.
    pub areas: Vec<(String, Option<i64>)>,
}

pub struct NewRun<'a> {
    pub project_id: i64,
    pub kind: &'a str,
    pub schema: &'a str,
    pub tool_version: Option<&'a str>,
    pub commit_sha: Option<&'a str>,
    pub score: Option<i64>,
    pub gate_failed: Option<bool>,
    pub counts: &'a str,
    pub areas: &'a [(String, Option<i64>)],
    pub report_gzip: &'a [u8],
    pub report_sha256: &'a str,
    pub report_bytes: i64,
    pub uploaded_by: Option<i64>,
    pub created_at: i64,
}

const COLUMNS: &str = "id, project_id, kind, schema, tool_version, commit_sha, score, \
                       gate_failed, counts, report_sha256, report_bytes, created_at";

fn from_row(row: &AnyRow) -> Result<RunRecord, sqlx::Error> {
    let gate: Option<i64> = row.try_get("gate_failed")?;
    Ok(RunRecord {
        id: row.try_get("id")?,
        project_id: row.try_get("project_id")?,
        kind: row.try_get("kind")?,
        schema: row.try_get("schema")?,
        tool_version: row.try_get("tool_version")?,
        commit_sha: row.try_get("commit_sha")?,
        score: row.try_get("score")?,
        gate_failed: gate.map(|g| g != 0),
        counts: row.try_get("counts")?,
        report_sha256: row.try_get("report_sha256")?,
        report_bytes: row.try_get("report_bytes")?,
        created_at: row.try_get("created_at")?,
        areas: Vec::new(),
    })
}

/// Inserts the run and its area scores in one transaction.
pub async fn insert(db: &Db, run: &NewRun<'_>) -> Result<RunRecord, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let record = insert_in(&mut tx, run).await?;
    tx.commit().await?;
    Ok(record)
}

/// Inserts the run and its area scores in the caller's transaction, so what the run causes
/// (webhook deliveries) commits with it.
pub async fn insert_in(
    conn: &mut AnyConnection,
    run: &NewRun<'_>,
) -> Result<RunRecord, sqlx::Error> {
    let row = sqlx::query(&format!(
        "INSERT INTO runs (project_id, kind, schema, tool_version, commit_sha, score, gate_failed, \
         counts, report_gzip, report_sha256, report_bytes, uploaded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING {COLUMNS}"
    ))
    .bind(run.project_id)
    .bind(run.kind)
    .bind(run.schema)
    .bind(run.tool_version)
    .bind(run.commit_sha)
    .bind(run.score)
    .bind(run.gate_failed.map(i64::from))
    .bind(run.counts)
    .bind(run.report_gzip)
    .bind(run.report_sha256)
    .bind(run.report_bytes)
    .bind(run.uploaded_by)
    .bind(run.created_at)
    .fetch_one(&mut *conn)
    .await?;
    let mut record = from_row(&row)?;
    for (area, score) in run.areas {
        sqlx::query("INSERT INTO run_area_scores (run_id, area, score) VALUES ($1, $2, $3)")
            .bind(record.id)
            .bind(area)
            .bind(*score)
            .execute(&mut *conn)
            .await?;
    }
    record.areas = run.areas.to_vec();
    Ok(record)
}

/// Runs of a project, newest first, older than `before` (keyset pagination), with area scores.
pub async fn list_for_project(
    db: &Db,
    project_id: i64,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<RunRecord>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM runs WHERE project_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"
    ))
    .bind(project_id)
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    let mut runs = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    let (Some(newest), Some(oldest)) = (runs.first().map(|r| r.id), runs.last().map(|r| r.id))
    else {
        return Ok(runs);
    };
    let scores = sqlx::query(
        "SELECT s.run_id, s.area, s.score FROM run_area_scores s JOIN runs r ON r.id = s.run_id \
         WHERE r.project_id = $1 AND s.run_id BETWEEN $2 AND $3 ORDER BY s.run_id, s.area",
    )
    .bind(project_id)
    .bind(oldest)
    .bind(newest)
    .fetch_all(&db.pool)
    .await?;
    for row in &scores {
        let run_id: i64 = row.try_get("run_id")?;
        if let Some(run) = runs.iter_mut().find(|r| r.id == run_id) {
            run.areas
                .push((row.try_get("area")?, row.try_get("score")?));
        }
    }
    Ok(runs)
}

/// The project's newest run of this kind (without area scores).
pub async fn latest_of_kind(
    db: &Db,
    project_id: i64,
    kind: &str,
) -> Result<Option<RunRecord>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM runs WHERE project_id = $1 AND kind = $2 ORDER BY id DESC LIMIT 1"
    ))
    .bind(project_id)
    .bind(kind)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// One run with its compressed report.
pub async fn find(db: &Db, id: i64) -> Result<Option<(RunRecord, Vec<u8>)>, sqlx::Error> {
    let Some(row) = sqlx::query(&format!(
        "SELECT {COLUMNS}, report_gzip FROM runs WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    else {
        return Ok(None);
    };
    let mut record = from_row(&row)?;
    let body: Vec<u8> = row.try_get("report_gzip")?;
    let scores =
        sqlx::query("SELECT area, score FROM run_area_scores WHERE run_id = $1 ORDER BY area")
            .bind(id)
            .fetch_all(&db.pool)
            .await?;
    for row in &scores {
        record
            .areas
            .push((row.try_get("area")?, row.try_get("score")?));
    }
    Ok(Some((record, body)))
}
