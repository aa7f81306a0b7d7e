//! Restoring an archive into an empty database: check the archive, recreate the schema the
//! backup was taken with (migrations up to its version), then load every row in one
//! transaction and reset identity sequences. A failed load rolls back and leaves the empty
//! schema, so the restore can simply be run again.

use super::BackupError;
use super::format::{self, Column, ColumnKind, FORMAT, Header, RowLine};
use super::schema::{self, quote_ident};
use crate::db::{Backend, Db, migrations};
use flate2::read::GzDecoder;
use serde_json::Value;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection, Executor};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

#[derive(Clone, Copy, Debug, Default)]
pub struct RestoreOptions {
    /// Replace a database that is not empty (drops its tables; on PostgreSQL the whole
    /// current schema) instead of refusing.
    pub force: bool,
}

type Archive = BufReader<GzDecoder<File>>;

/// Opens an archive and reads its header.
pub fn open(path: &Path) -> Result<(Header, Archive), BackupError> {
    let file = File::open(path).map_err(BackupError::io(path))?;
    let mut reader = BufReader::new(GzDecoder::new(file));
    let bad = |message: String| BackupError::Format {
        path: path.to_path_buf(),
        message,
    };
    let mut line = String::new();
    reader
        .read_line(&mut line)
        .map_err(|e| bad(format!("cannot read the header: {e}")))?;
    let header: Header =
        serde_json::from_str(&line).map_err(|e| bad(format!("bad header: {e}")))?;
    if header.format != FORMAT || header.version != format::VERSION {
        return Err(bad(format!(
            "format {} version {} (this build reads {FORMAT} version {})",
            header.format,
            header.version,
            format::VERSION
        )));
    }
    Ok((header, reader))
}

/// Restores `archive` into `db`; returns the archive's header.
pub async fn restore(
    db: &Db,
    archive: &Path,
    options: RestoreOptions,
) -> Result<Header, BackupError> {
    let (header, reader) = open(archive)?;
    if header.backend != db.backend.name() {
        return Err(BackupError::WrongBackend {
            archive: if header.backend == "sqlite" {
                "sqlite"
            } else {
                "postgres"
            },
            target: db.backend.name(),
        });
    }
    let known = migrations::latest_version(db.backend);
    if header.schema_version > known {
        return Err(BackupError::NewerThanBuild {
            archive: header.schema_version,
            known,
        });
    }
    prepare(db, &header, options).await?;
    load(db, &header, reader, archive).await?;
    Ok(header)
}

/// Refuses a database with rows (or a newer schema) unless forced; then migrates to the
/// backup's schema version.
async fn prepare(db: &Db, header: &Header, options: RestoreOptions) -> Result<(), BackupError> {
    let mut conn = db.pool.acquire().await?;
    let applied = schema::applied_version(&mut conn, db.backend).await?;
    let tables = schema::tables(&mut conn, db.backend).await?;
    let mut with_rows = None;
    for table in &tables {
        let count: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM {}",
            quote_ident(&table.name)
        ))
        .fetch_one(&mut *conn)
        .await?;
        if count > 0 {
            with_rows = Some(table.name.clone());
            break;
        }
    }
    if options.force {
        if applied > 0 || !tables.is_empty() {
            wipe(&mut conn, db.backend, &tables).await?;
        }
    } else if let Some(table) = with_rows {
        return Err(BackupError::NotEmpty { table });
    } else if applied > header.schema_version {
        return Err(BackupError::NewerTarget {
            target: applied,
            archive: header.schema_version,
        });
    }
    drop(conn);
    migrations::up_to(db.backend, header.schema_version)
        .run(&db.pool)
        .await
        .map_err(|e| BackupError::Open(crate::db::DbError::Migrate(e)))
}

/// Removes everything a previous schema left (forced restores only).
async fn wipe(
    conn: &mut AnyConnection,
    backend: Backend,
    tables: &[schema::Table],
) -> Result<(), sqlx::Error> {
    match backend {
        Backend::Postgres => {
            // Tables, trigger functions, sequences and types of the migrations all live here.
            let name: String = sqlx::query_scalar("SELECT current_schema()::text")
                .fetch_one(&mut *conn)
                .await?;
            let schema = quote_ident(&name);
            conn.execute(format!("DROP SCHEMA {schema} CASCADE; CREATE SCHEMA {schema}").as_str())
                .await?;
        }
        Backend::Sqlite => {
            // Children first; dropping a table drops its triggers and indexes with it.
            conn.execute("PRAGMA foreign_keys = OFF").await?;
            for table in tables.iter().rev() {
                conn.execute(format!("DROP TABLE {}", quote_ident(&table.name)).as_str())
                    .await?;
            }
            conn.execute(format!("DROP TABLE IF EXISTS {}", schema::MIGRATIONS_TABLE).as_str())
                .await?;
            conn.execute("PRAGMA foreign_keys = ON").await?;
        }
    }
    Ok(())
}

/// Inserts every row in one transaction, checks the counts, resets sequences.
async fn load(
    db: &Db,
    header: &Header,
    mut reader: Archive,
    archive: &Path,
) -> Result<(), BackupError> {
    let mut tx = db.pool.begin().await?;
    if db.backend == Backend::Sqlite {
        // Rows arrive parents first, but a table may reference itself or form a cycle.
        tx.execute("PRAGMA defer_foreign_keys = ON").await?;
    }
    let live = schema::tables(&mut tx, db.backend).await?;
    let mut inserts = HashMap::new();
    for table in &header.tables {
        let Some(target) = live.iter().find(|t| t.name == table.name) else {
            return Err(BackupError::SchemaMismatch {
                table: table.name.clone(),
                message: "the table does not exist after migrating".into(),
            });
        };
        let names = |cols: &[Column]| cols.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        if names(&target.columns) != names(&table.columns) {
            return Err(BackupError::SchemaMismatch {
                table: table.name.clone(),
                message: format!(
                    "columns {:?} in the backup, {:?} in the database",
                    names(&table.columns),
                    names(&target.columns)
                ),
            });
        }
        inserts.insert(
            table.name.as_str(),
            (insert_sql(db.backend, &table.name, &table.columns), table),
        );
    }
    let mut counts: HashMap<&str, u64> = HashMap::new();
    let bad = |message: String| BackupError::Format {
        path: archive.to_path_buf(),
        message,
    };
    let mut line = String::new();
    let mut number = 1u64;
    loop {
        line.clear();
        number += 1;
        let read = reader
            .read_line(&mut line)
            .map_err(|e| bad(format!("line {number}: {e}")))?;
        if read == 0 {
            break;
        }
        let row: RowLine =
            serde_json::from_str(&line).map_err(|e| bad(format!("line {number}: {e}")))?;
        let Some(((sql, table), name)) = inserts
            .get_key_value(row.t.as_str())
            .map(|(name, entry)| (entry, *name))
        else {
            return Err(bad(format!(
                "line {number}: table `{}` is not in the header",
                row.t
            )));
        };
        if row.r.len() != table.columns.len() {
            return Err(bad(format!(
                "line {number}: {} values for {} columns",
                row.r.len(),
                table.columns.len()
            )));
        }
        let mut query = sqlx::query(sql.as_str());
        for (column, value) in table.columns.iter().zip(&row.r) {
            query = bind(query, column, value)
                .map_err(|m| bad(format!("line {number}, column {}: {m}", column.name)))?;
        }
        query.execute(&mut *tx).await?;
        *counts.entry(name).or_default() += 1;
    }
    for table in &header.tables {
        let found = counts.get(table.name.as_str()).copied().unwrap_or(0);
        if found != table.rows {
            return Err(BackupError::Truncated {
                table: table.name.clone(),
                header: table.rows,
                found,
            });
        }
    }
    if db.backend == Backend::Postgres {
        reset_sequences(&mut tx, header).await?;
    }
    tx.commit().await?;
    Ok(())
}

fn insert_sql(backend: Backend, table: &str, columns: &[Column]) -> String {
    let names = columns
        .iter()
        .map(|c| quote_ident(&c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let values = columns
        .iter()
        .enumerate()
        .map(|(i, c)| match &c.cast {
            Some(cast) => format!("CAST(${} AS {})", i + 1, quote_ident(cast)),
            None => format!("${}", i + 1),
        })
        .collect::<Vec<_>>()
        .join(", ");
    // Identity columns are GENERATED ALWAYS on PostgreSQL: keep the backed-up ids.
    let overriding = match backend {
        Backend::Postgres => " OVERRIDING SYSTEM VALUE",
        Backend::Sqlite => "",
    };
    format!(
        "INSERT INTO {} ({names}){overriding} VALUES ({values})",
        quote_ident(table)
    )
}

type AnyQuery<'q> = Query<'q, Any, AnyArguments<'q>>;

/// Binds a value by its own JSON type; a null takes the column's type (PostgreSQL wants a
/// typed null).
fn bind<'q>(query: AnyQuery<'q>, column: &Column, value: &Value) -> Result<AnyQuery<'q>, String> {
    Ok(match value {
        Value::Null => match column.kind {
            ColumnKind::Int => query.bind(None::<i64>),
            ColumnKind::Float => query.bind(None::<f64>),
            ColumnKind::Bool => query.bind(None::<bool>),
            ColumnKind::Text => query.bind(None::<String>),
            ColumnKind::Blob => query.bind(None::<Vec<u8>>),
        },
        Value::Bool(b) => query.bind(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => query.bind(i),
            None => query.bind(n.as_f64().ok_or("not a number")?),
        },
        Value::String(s) => query.bind(s.clone()),
        Value::Object(_) => query.bind(format::unblob(value).ok_or("bad base64 value")?),
        Value::Array(_) => return Err("an array is not a column value".into()),
    })
}

/// Points every identity/serial sequence past the largest restored id.
async fn reset_sequences(conn: &mut AnyConnection, header: &Header) -> Result<(), sqlx::Error> {
    for table in &header.tables {
        for column in table.columns.iter().filter(|c| c.kind == ColumnKind::Int) {
            let sequence: Option<String> =
                sqlx::query_scalar("SELECT pg_get_serial_sequence($1, $2)")
                    .bind(quote_ident(&table.name))
                    .bind(&column.name)
                    .fetch_one(&mut *conn)
                    .await?;
            let Some(sequence) = sequence else { continue };
            sqlx::query_scalar::<_, i64>(&format!(
                "SELECT setval($1::regclass, COALESCE((SELECT MAX({}) FROM {}), 0) + 1, false)",
                quote_ident(&column.name),
                quote_ident(&table.name)
            ))
            .bind(sequence)
            .fetch_one(&mut *conn)
            .await?;
        }
    }
    Ok(())
}
