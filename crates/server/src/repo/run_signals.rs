//! `run_signals`: per run, the facts regressions are detected on (JSON of
//! `webhooks::signals::Signals`), written in the run's own transaction (and amended when a
//! sign-off is stored against the run).

use sqlx::{AnyConnection, Row};

/// The project's run of this kind stored just before `run_id`: (id, score, signals JSON when
/// kept).
pub struct PreviousRun {
    pub id: i64,
    pub score: Option<i64>,
    pub signals: Option<String>,
}

pub async fn insert(
    conn: &mut AnyConnection,
    run_id: i64,
    signals: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO run_signals (run_id, signals) VALUES ($1, $2)")
        .bind(run_id)
        .bind(signals)
        .execute(conn)
        .await?;
    Ok(())
}

/// The signals kept for one run.
pub async fn of_run(conn: &mut AnyConnection, run_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT signals FROM run_signals WHERE run_id = $1")
        .bind(run_id)
        .fetch_optional(conn)
        .await
}

/// Rewrites a run's signals: sign-offs stored after the run are added to its latest
/// checklist run's signals (see `checklists::webhook_signals`).
pub async fn replace(
    conn: &mut AnyConnection,
    run_id: i64,
    signals: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE run_signals SET signals = $2 WHERE run_id = $1")
        .bind(run_id)
        .bind(signals)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn previous(
    conn: &mut AnyConnection,
    project_id: i64,
    kind: &str,
    run_id: i64,
) -> Result<Option<PreviousRun>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT r.id, r.score, s.signals FROM runs r LEFT JOIN run_signals s ON s.run_id = r.id \
         WHERE r.project_id = $1 AND r.kind = $2 AND r.id < $3 ORDER BY r.id DESC LIMIT 1",
    )
    .bind(project_id)
    .bind(kind)
    .bind(run_id)
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        Ok(PreviousRun {
            id: row.try_get("id")?,
            score: row.try_get("score")?,
            signals: row.try_get("signals")?,
        })
    })
    .transpose()
}
