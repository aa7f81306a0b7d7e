//! Restore verification: load an archive into a fresh scratch database (a temporary SQLite
//! file, or a PostgreSQL database created for it and dropped after), then compare row counts
//! and checksums with the archive's header and, when given, with the live source database.

use super::BackupError;
use super::export::digest_database;
use super::format::{Header, TableDigest};
use super::restore::{RestoreOptions, restore};
use crate::auth::keys;
use crate::db::{Db, PoolSettings};
use serde::Serialize;
use sqlx::Connection;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where the scratch database is made.
#[derive(Clone, Debug)]
pub enum Scratch {
    /// A temporary SQLite file in this directory, deleted after.
    Sqlite(PathBuf),
    /// A new database on the PostgreSQL server of this URL (the role needs CREATEDB),
    /// dropped after.
    Postgres(String),
}

#[derive(Clone, Debug, Serialize)]
pub struct VerifyReport {
    pub header: Header,
    /// Empty when the restored copy (and the source, when given) match the header.
    pub differences: Vec<Difference>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.differences.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub table: String,
    /// `restored copy` or `source database`.
    pub compared: &'static str,
    /// Rows in the backup header (`None`: the table is not in the backup).
    pub expected_rows: Option<u64>,
    /// Rows found (`None`: the table is missing there).
    pub actual_rows: Option<u64>,
    pub checksum_matches: bool,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rows = |n: Option<u64>| n.map_or("missing".to_string(), |n| format!("{n} rows"));
        write!(
            f,
            "{}: backup has {}, {} has {}{}",
            self.table,
            rows(self.expected_rows),
            self.compared,
            rows(self.actual_rows),
            if self.checksum_matches {
                ""
            } else {
                " (checksums differ)"
            }
        )
    }
}

pub async fn verify(
    archive: &Path,
    scratch: &Scratch,
    source: Option<&Db>,
) -> Result<VerifyReport, BackupError> {
    let (header, _) = super::restore::open(archive)?;
    let expected: Vec<TableDigest> = header.tables.iter().map(TableDigest::from).collect();
    let restored = restore_into_scratch(archive, scratch).await?;
    let mut differences = compare(&expected, &restored, "restored copy");
    if let Some(source) = source {
        let live = digest_database(source).await?;
        differences.extend(compare(&expected, &live, "source database"));
    }
    Ok(VerifyReport {
        header,
        differences,
    })
}

async fn restore_into_scratch(
    archive: &Path,
    scratch: &Scratch,
) -> Result<Vec<TableDigest>, BackupError> {
    let name = format!(
        "vouch_verify_{}",
        &keys::generate().map_err(|e| BackupError::Scratch(e.to_string()))?[3..19]
    );
    let settings = PoolSettings {
        max_connections: 2,
        acquire_timeout: Duration::from_secs(30),
    };
    match scratch {
        Scratch::Sqlite(dir) => {
            let file = dir.join(format!("{name}.db"));
            let url = format!("sqlite://{}?mode=rwc", file.display());
            let result = restore_and_digest(&url, settings, archive).await;
            for suffix in ["", "-wal", "-shm"] {
                let mut path = file.clone().into_os_string();
                path.push(suffix);
                let _ = std::fs::remove_file(path);
            }
            result
        }
        Scratch::Postgres(server_url) => {
            let mut admin = sqlx::AnyConnection::connect(server_url).await?;
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .await
                .map_err(|e| BackupError::Scratch(e.to_string()))?;
            let result =
                restore_and_digest(&with_database(server_url, &name), settings, archive).await;
            let dropped = sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
                .execute(&mut admin)
                .await;
            let _ = admin.close().await;
            let digests = result?;
            dropped?;
            Ok(digests)
        }
    }
}

async fn restore_and_digest(
    url: &str,
    settings: PoolSettings,
    archive: &Path,
) -> Result<Vec<TableDigest>, BackupError> {
    let db = Db::connect(url, settings).await?;
    let result = async {
        restore(&db, archive, RestoreOptions::default()).await?;
        digest_database(&db).await
    }
    .await;
    db.pool.close().await;
    result
}

/// Every table in either list whose count or checksum differs.
fn compare(
    expected: &[TableDigest],
    actual: &[TableDigest],
    compared: &'static str,
) -> Vec<Difference> {
    let mut names: Vec<&str> = expected
        .iter()
        .chain(actual)
        .map(|t| t.name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .filter_map(|name| {
            let e = expected.iter().find(|t| t.name == name);
            let a = actual.iter().find(|t| t.name == name);
            let same = matches!((e, a), (Some(e), Some(a)) if e == a);
            (!same).then(|| Difference {
                table: name.to_string(),
                compared,
                expected_rows: e.map(|t| t.rows),
                actual_rows: a.map(|t| t.rows),
                checksum_matches: matches!((e, a), (Some(e), Some(a)) if e.sha256 == a.sha256),
            })
        })
        .collect()
}

/// `postgres://u@h:p/db?x` with another database name.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let host = match base[authority_end..].find('/') {
        Some(i) => &base[..authority_end + i],
        None => base,
    };
    format!("{host}/{name}{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(name: &str, rows: u64, sha: &str) -> TableDigest {
        TableDigest {
            name: name.into(),
            rows,
            sha256: sha.into(),
        }
    }

    #[test]
    fn differences_name_the_table_and_what_differs() {
        let expected = [d("projects", 2, "a"), d("runs", 3, "b")];
        let actual = [d("projects", 2, "a"), d("runs", 3, "c"), d("extra", 1, "x")];
        let diffs = compare(&expected, &actual, "restored copy");
        assert_eq!(diffs.len(), 2);
        assert_eq!(diffs[0].table, "extra");
        assert_eq!(diffs[0].expected_rows, None);
        assert_eq!(
            diffs[1].to_string(),
            "runs: backup has 3 rows, restored copy has 3 rows (checksums differ)"
        );
        assert!(compare(&expected, &expected, "x").is_empty());
    }

    #[test]
    fn database_names_are_replaced_in_urls() {
        assert_eq!(
            with_database("postgres://u@h:5432/postgres?sslmode=disable", "x"),
            "postgres://u@h:5432/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
