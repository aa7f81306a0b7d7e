//! What `/readyz` asks the database: reachable, and every embedded migration applied.

use super::{Db, migrations};
use std::time::Duration;

/// Why the server is not ready.
#[derive(Debug, PartialEq, Eq)]
pub enum NotReady {
    Unreachable(String),
    MigrationsPending { applied: i64, expected: i64 },
}

impl std::fmt::Display for NotReady {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotReady::Unreachable(_) => write!(f, "the database is unreachable"),
            NotReady::MigrationsPending { applied, expected } => write!(
                f,
                "database migrations are not applied (version {applied}, expected {expected})"
            ),
        }
    }
}

/// Bounded by `timeout` so a hung database makes the probe fail, not hang.
pub async fn check(db: &Db, timeout: Duration) -> Result<(), NotReady> {
    // A deleted or moved SQLite file still answers through the open connections, but what is
    // written there is lost: not ready until the file is back.
    if let Some(file) = &db.sqlite_file
        && !file.is_file()
    {
        return Err(NotReady::Unreachable(format!(
            "the database file {} is missing",
            file.display()
        )));
    }
    let query = sqlx::query_scalar::<_, Option<i64>>(
        "SELECT MAX(version) FROM _sqlx_migrations WHERE success",
    )
    .fetch_one(&db.pool);
    let applied = match tokio::time::timeout(timeout, query).await {
        Ok(Ok(version)) => version.unwrap_or(0),
        Ok(Err(e)) if is_missing_table(&e) => 0,
        Ok(Err(e)) => return Err(NotReady::Unreachable(e.to_string())),
        Err(_) => return Err(NotReady::Unreachable("timed out".into())),
    };
    let expected = migrations::latest_version(db.backend);
    if applied < expected {
        return Err(NotReady::MigrationsPending { applied, expected });
    }
    Ok(())
}

/// SQLite says "no such table"; PostgreSQL answers SQLSTATE 42P01 (undefined_table).
fn is_missing_table(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| {
        d.code().as_deref() == Some("42P01") || d.message().contains("no such table")
    })
}
