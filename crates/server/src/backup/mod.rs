//! Backups and restores, the same archive for SQLite and PostgreSQL: a logical export written
//! by the server itself (no `pg_dump` needed). The archive is a gzip-compressed file of JSON
//! lines: a header (format version, database, schema migration version, and per table its
//! columns, row count and SHA-256), then one line per row, tables in foreign-key order.
//!
//! - `export`: a consistent snapshot (one read transaction) into an archive.
//! - `restore`: into an empty database: migrations up to the backup's version, then every row
//!   in one transaction, then identity sequences reset.
//! - `verify`: restore into a scratch database and compare counts and checksums with the
//!   header (and with the live source when given).
//! - `schedule`: the periodic backups `vouch serve` takes, with retention.
//! - `sqlite_snapshot`: SQLite's fast path, `VACUUM INTO` a standalone database file.

pub mod export;
pub mod format;
pub mod restore;
pub mod schedule;
pub mod schema;
pub mod verify;

pub use export::{digest_database, export, sqlite_snapshot};
pub use format::{Header, TableDigest};
pub use restore::{RestoreOptions, restore};
pub use verify::{Difference, Scratch, VerifyReport, verify};

use crate::db::DbError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Open(#[from] DbError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a vouch backup: {message}")]
    Format { path: PathBuf, message: String },
    #[error("the backup is of a {archive} database; this one is {target}")]
    WrongBackend {
        archive: &'static str,
        target: &'static str,
    },
    #[error(
        "the backup has schema version {archive}, newer than this build knows ({known}): restore it with a newer vouch"
    )]
    NewerThanBuild { archive: i64, known: i64 },
    #[error(
        "the target database is not empty (table `{table}` has rows); restore into an empty database or pass --force to replace its contents"
    )]
    NotEmpty { table: String },
    #[error(
        "the target database has schema version {target}, newer than the backup's {archive}; restore into an empty database or pass --force"
    )]
    NewerTarget { target: i64, archive: i64 },
    #[error("table `{table}` in the backup does not match the database: {message}")]
    SchemaMismatch { table: String, message: String },
    #[error(
        "the archive's row count for `{table}` is {header} in the header but {found} in the body: the file is damaged or truncated"
    )]
    Truncated {
        table: String,
        header: u64,
        found: u64,
    },
    #[error("cannot create the scratch database: {0}")]
    Scratch(String),
}

impl BackupError {
    pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
        move |source| BackupError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
