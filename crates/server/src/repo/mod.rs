//! The repository layer: all SQL lives here, one file per table family. Handlers never build
//! SQL; they call these functions with a `&Db`.

pub mod api_keys;
pub mod audit_log;
pub mod checklist_items;
pub mod idempotency;
pub mod jobs;
pub mod outbox;
pub mod projects;
pub mod refresh_tokens;
pub mod run_signals;
pub mod runs;
pub mod signoffs;
pub mod users;
pub mod webhooks;

/// Unique-constraint violations (SQLite 2067/1555, PostgreSQL 23505) become conflicts.
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| {
        matches!(d.code().as_deref(), Some("23505" | "2067" | "1555"))
            || d.message().contains("UNIQUE constraint failed")
    })
}
