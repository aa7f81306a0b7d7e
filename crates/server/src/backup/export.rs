//! Taking backups: the logical export (both databases) and SQLite's `VACUUM INTO` snapshot.
//! The export reads every table inside one read transaction (PostgreSQL: REPEATABLE READ;
//! SQLite in WAL mode: a read transaction sees one snapshot), so the archive is consistent
//! while the server keeps writing.

use super::BackupError;
use super::format::{self, Checksum, FORMAT, Header, TableDigest, TableHeader};
use super::schema::{self, Table, quote_ident};
use crate::clock;
use crate::db::{Backend, Db};
use flate2::Compression;
use flate2::write::GzEncoder;
use futures_util::TryStreamExt;
use serde_json::Value;
use sqlx::any::{AnyRow, AnyTypeInfoKind};
use sqlx::{Any, AnyConnection, Row, Transaction, ValueRef};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes a consistent logical backup of `db` to `dest` (atomically: a temporary file renamed
/// into place) and returns its header.
pub async fn export(db: &Db, dest: &Path) -> Result<Header, BackupError> {
    let body_path = sibling(dest, "body.tmp");
    let result = export_via(db, dest, &body_path).await;
    let _ = std::fs::remove_file(&body_path);
    result
}

async fn export_via(db: &Db, dest: &Path, body_path: &Path) -> Result<Header, BackupError> {
    let mut tx = snapshot(db).await?;
    let schema_version = schema::applied_version(&mut tx, db.backend).await?;
    let tables = schema::tables(&mut tx, db.backend).await?;
    let mut body = BufWriter::new(File::create(body_path).map_err(BackupError::io(body_path))?);
    let mut headers = Vec::with_capacity(tables.len());
    for table in &tables {
        let name = serde_json::to_string(&table.name).unwrap_or_default();
        let digest = scan(&mut tx, table, |canonical| {
            writeln!(body, "{{\"t\":{name},\"r\":{canonical}}}")
        })
        .await
        .map_err(|e| e.at(body_path))?;
        headers.push(TableHeader {
            name: table.name.clone(),
            columns: table.columns.clone(),
            rows: digest.rows,
            sha256: digest.sha256,
        });
    }
    tx.commit().await?;
    body.flush().map_err(BackupError::io(body_path))?;
    drop(body);
    let header = Header {
        format: FORMAT.to_string(),
        version: format::VERSION,
        backend: db.backend.name().to_string(),
        schema_version,
        created_at: clock::rfc3339(clock::now_ms()),
        tables: headers,
    };
    // Compressing the whole archive is CPU work: keep it off the async workers.
    let (job_header, body, target) = (header.clone(), body_path.to_path_buf(), dest.to_path_buf());
    tokio::task::spawn_blocking(move || write_archive(&job_header, &body, &target))
        .await
        .map_err(|e| BackupError::Io {
            path: dest.to_path_buf(),
            source: std::io::Error::other(e),
        })??;
    Ok(header)
}

/// Header line, then the body, gzip-compressed, renamed into place once synced.
fn write_archive(header: &Header, body_path: &Path, dest: &Path) -> Result<(), BackupError> {
    let part = sibling(dest, "part");
    let write = || -> std::io::Result<()> {
        let file = File::create(&part)?;
        let mut gz = GzEncoder::new(BufWriter::new(file), Compression::default());
        serde_json::to_writer(&mut gz, header)?;
        gz.write_all(b"\n")?;
        std::io::copy(&mut File::open(body_path)?, &mut gz)?;
        let file = gz.finish()?.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&part, dest)
    };
    write().map_err(|source| {
        let _ = std::fs::remove_file(&part);
        BackupError::Io {
            path: dest.to_path_buf(),
            source,
        }
    })
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{suffix}"));
    path.with_file_name(name)
}

/// Row counts and checksums of every table of a live database, computed exactly as an export
/// computes them for its header.
pub async fn digest_database(db: &Db) -> Result<Vec<TableDigest>, BackupError> {
    let mut tx = snapshot(db).await?;
    let tables = schema::tables(&mut tx, db.backend).await?;
    let mut digests = Vec::with_capacity(tables.len());
    for table in &tables {
        digests.push(
            scan(&mut tx, table, |_| Ok(()))
                .await
                .map_err(|e| e.at(Path::new("(digest)")))?,
        );
    }
    tx.commit().await?;
    Ok(digests)
}

/// A read-only transaction over one snapshot of the database.
async fn snapshot(db: &Db) -> Result<Transaction<'static, Any>, sqlx::Error> {
    match db.backend {
        Backend::Postgres => {
            db.pool
                .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .await
        }
        Backend::Sqlite => db.pool.begin().await,
    }
}

/// A failure while scanning: the database, or the sink (the archive being written).
pub(super) enum ScanError {
    Db(sqlx::Error),
    Sink(std::io::Error),
}

impl ScanError {
    fn at(self, path: &Path) -> BackupError {
        match self {
            ScanError::Db(e) => BackupError::Db(e),
            ScanError::Sink(source) => BackupError::Io {
                path: path.to_path_buf(),
                source,
            },
        }
    }
}

/// Reads every row of `table` in key order, gives each row's canonical JSON array to `sink`
/// and returns the table's digest.
pub(super) async fn scan(
    conn: &mut AnyConnection,
    table: &Table,
    mut sink: impl FnMut(&str) -> std::io::Result<()>,
) -> Result<TableDigest, ScanError> {
    let select = table
        .columns
        .iter()
        .map(|c| match &c.cast {
            Some(_) => format!("{}::text AS {}", quote_ident(&c.name), quote_ident(&c.name)),
            None => quote_ident(&c.name),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let order = table
        .order_by
        .iter()
        .map(|c| quote_ident(c))
        .collect::<Vec<_>>()
        .join(", ");
    let mut sql = format!("SELECT {select} FROM {}", quote_ident(&table.name));
    if !order.is_empty() {
        sql.push_str(&format!(" ORDER BY {order}"));
    }
    let mut checksum = Checksum::default();
    let mut rows = sqlx::query(&sql).fetch(&mut *conn);
    while let Some(row) = rows.try_next().await.map_err(ScanError::Db)? {
        let values = row_values(&row).map_err(ScanError::Db)?;
        let canonical = serde_json::to_string(&values).map_err(|e| ScanError::Sink(e.into()))?;
        checksum.add(&canonical);
        sink(&canonical).map_err(ScanError::Sink)?;
    }
    Ok(checksum.finish(&table.name))
}

/// The row's values as archive JSON, by the type each value arrives with (SQLite columns can
/// hold any type).
fn row_values(row: &AnyRow) -> Result<Vec<Value>, sqlx::Error> {
    let mut values = Vec::with_capacity(row.len());
    for i in 0..row.len() {
        let raw = row.try_get_raw(i)?;
        if raw.is_null() {
            values.push(Value::Null);
            continue;
        }
        let kind = raw.type_info().kind();
        let value = match kind {
            AnyTypeInfoKind::Bool => Value::from(row.try_get::<bool, _>(i)?),
            AnyTypeInfoKind::SmallInt | AnyTypeInfoKind::Integer | AnyTypeInfoKind::BigInt => {
                Value::from(row.try_get::<i64, _>(i)?)
            }
            AnyTypeInfoKind::Real => Value::from(f64::from(row.try_get::<f32, _>(i)?)),
            AnyTypeInfoKind::Double => Value::from(row.try_get::<f64, _>(i)?),
            AnyTypeInfoKind::Text => Value::from(row.try_get::<String, _>(i)?),
            AnyTypeInfoKind::Blob => format::blob(&row.try_get::<Vec<u8>, _>(i)?),
            AnyTypeInfoKind::Null => Value::Null,
        };
        values.push(value);
    }
    Ok(values)
}

/// SQLite's fast path: a complete, consistent copy of the database file made online with
/// `VACUUM INTO` (readers and writers continue). Restoring it is copying it into place while
/// the server is stopped. `dest` must not exist.
pub async fn sqlite_snapshot(db: &Db, dest: &Path) -> Result<(), BackupError> {
    if db.backend != Backend::Sqlite {
        return Err(BackupError::WrongBackend {
            archive: "sqlite",
            target: db.backend.name(),
        });
    }
    let path = dest.to_str().ok_or_else(|| BackupError::Io {
        path: dest.to_path_buf(),
        source: std::io::Error::other("the path is not UTF-8"),
    })?;
    sqlx::query("VACUUM INTO $1")
        .bind(path)
        .execute(&db.pool)
        .await?;
    Ok(())
}
