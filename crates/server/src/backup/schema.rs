//! What a backup covers: every table of the database (except sqlx's `_sqlx_migrations`, which
//! a restore recreates by migrating), discovered from the catalog so tables added by later
//! migrations are included without a list to maintain, in foreign-key order.

use super::format::{Column, ColumnKind};
use crate::db::Backend;
use sqlx::{AnyConnection, Row};
use std::collections::BTreeMap;

pub const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

#[derive(Clone, Debug)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// Columns rows are read in order of: the primary key, else every non-binary column.
    pub order_by: Vec<String>,
    /// Tables this one references (foreign keys), itself excluded.
    pub parents: Vec<String>,
}

/// Double-quoted identifier for both databases.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Every table, parents before children (ties and cycles in name order).
pub async fn tables(conn: &mut AnyConnection, backend: Backend) -> Result<Vec<Table>, sqlx::Error> {
    let names: Vec<String> = match backend {
        Backend::Sqlite => {
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .fetch_all(&mut *conn)
                .await?
        }
        Backend::Postgres => {
            sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
            )
            .fetch_all(&mut *conn)
            .await?
        }
    };
    let mut found = Vec::new();
    for name in names {
        if name == MIGRATIONS_TABLE || name.starts_with("sqlite_") {
            continue;
        }
        let table = match backend {
            Backend::Sqlite => sqlite_table(conn, name).await?,
            Backend::Postgres => postgres_table(conn, name).await?,
        };
        found.push(table);
    }
    Ok(dependency_order(found))
}

async fn sqlite_table(conn: &mut AnyConnection, name: String) -> Result<Table, sqlx::Error> {
    let rows = sqlx::query("SELECT name, type, pk FROM pragma_table_info($1) ORDER BY cid")
        .bind(&name)
        .fetch_all(&mut *conn)
        .await?;
    let mut columns = Vec::new();
    let mut keys = BTreeMap::new();
    for row in &rows {
        let column: String = row.try_get("name")?;
        let declared: String = row.try_get("type")?;
        let pk: i64 = row.try_get("pk")?;
        if pk > 0 {
            keys.insert(pk, column.clone());
        }
        columns.push(Column {
            name: column,
            kind: sqlite_kind(&declared),
            cast: None,
        });
    }
    let parents = sqlx::query_scalar("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1)")
        .bind(&name)
        .fetch_all(&mut *conn)
        .await?;
    Ok(table(name, columns, keys.into_values().collect(), parents))
}

/// SQLite's column affinity rules, in its order of precedence.
fn sqlite_kind(declared: &str) -> ColumnKind {
    let t = declared.to_ascii_uppercase();
    if t.contains("INT") {
        ColumnKind::Int
    } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
        ColumnKind::Text
    } else if t.contains("BLOB") || t.is_empty() {
        ColumnKind::Blob
    } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
        ColumnKind::Float
    } else if t.contains("BOOL") {
        ColumnKind::Bool
    } else {
        ColumnKind::Text
    }
}

async fn postgres_table(conn: &mut AnyConnection, name: String) -> Result<Table, sqlx::Error> {
    const REGCLASS: &str = "(quote_ident(current_schema()) || '.' || quote_ident($1))::regclass";
    let rows = sqlx::query(
        "SELECT column_name::text AS name, udt_name::text AS udt FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(&name)
    .fetch_all(&mut *conn)
    .await?;
    let mut columns = Vec::new();
    for row in &rows {
        let udt: String = row.try_get("udt")?;
        let (kind, cast) = match udt.as_str() {
            "int2" | "int4" | "int8" => (ColumnKind::Int, None),
            "float4" | "float8" => (ColumnKind::Float, None),
            "bool" => (ColumnKind::Bool, None),
            "bytea" => (ColumnKind::Blob, None),
            "text" | "varchar" | "bpchar" => (ColumnKind::Text, None),
            _ => (ColumnKind::Text, Some(udt.clone())),
        };
        columns.push(Column {
            name: row.try_get("name")?,
            kind,
            cast,
        });
    }
    let keys = sqlx::query_scalar(&format!(
        "SELECT a.attname::text FROM pg_index i \
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
         WHERE i.indrelid = {REGCLASS} AND i.indisprimary \
         ORDER BY array_position(i.indkey::int2[], a.attnum)"
    ))
    .bind(&name)
    .fetch_all(&mut *conn)
    .await?;
    let parents = sqlx::query_scalar(&format!(
        "SELECT DISTINCT c.relname::text FROM pg_constraint k JOIN pg_class c ON c.oid = k.confrelid \
         WHERE k.contype = 'f' AND k.conrelid = {REGCLASS}"
    ))
    .bind(&name)
    .fetch_all(&mut *conn)
    .await?;
    Ok(table(name, columns, keys, parents))
}

fn table(name: String, columns: Vec<Column>, keys: Vec<String>, parents: Vec<String>) -> Table {
    let order_by = if keys.is_empty() {
        columns
            .iter()
            .filter(|c| c.kind != ColumnKind::Blob)
            .map(|c| c.name.clone())
            .collect()
    } else {
        keys
    };
    let parents = parents.into_iter().filter(|p| *p != name).collect();
    Table {
        name,
        columns,
        order_by,
        parents,
    }
}

/// Parents before children; among tables whose parents are all placed, name order. Tables
/// left in a cycle follow in name order (SQLite defers foreign keys during a restore).
fn dependency_order(mut pending: Vec<Table>) -> Vec<Table> {
    pending.sort_by(|a, b| a.name.cmp(&b.name));
    let known: Vec<String> = pending.iter().map(|t| t.name.clone()).collect();
    let mut placed: Vec<Table> = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let ready = pending.iter().position(|t| {
            t.parents
                .iter()
                .all(|p| !known.contains(p) || placed.iter().any(|d| d.name == *p))
        });
        placed.push(pending.remove(ready.unwrap_or(0)));
    }
    placed
}

/// The highest migration applied, 0 for a database never migrated.
pub async fn applied_version(
    conn: &mut AnyConnection,
    backend: Backend,
) -> Result<i64, sqlx::Error> {
    let exists: bool = match backend {
        Backend::Sqlite => {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1",
            )
            .bind(MIGRATIONS_TABLE)
            .fetch_one(&mut *conn)
            .await?
                > 0
        }
        Backend::Postgres => {
            sqlx::query_scalar::<_, Option<String>>("SELECT to_regclass($1)::text")
                .bind(MIGRATIONS_TABLE)
                .fetch_one(&mut *conn)
                .await?
                .is_some()
        }
    };
    if !exists {
        return Ok(0);
    }
    let version: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut *conn)
            .await?;
    Ok(version.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(name: &str, parents: &[&str]) -> Table {
        table(
            name.into(),
            Vec::new(),
            vec!["id".into()],
            parents.iter().map(|p| p.to_string()).collect(),
        )
    }

    #[test]
    fn parents_come_before_children() {
        let order = dependency_order(vec![
            t("run_area_scores", &["runs"]),
            t("runs", &["projects", "api_keys"]),
            t("projects", &[]),
            t("api_keys", &[]),
            t("nodes", &["nodes"]),
        ]);
        let names: Vec<&str> = order.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            ["api_keys", "nodes", "projects", "runs", "run_area_scores"]
        );
    }

    #[test]
    fn sqlite_affinity_follows_its_rules() {
        assert_eq!(sqlite_kind("BIGINT"), ColumnKind::Int);
        assert_eq!(sqlite_kind("INTEGER"), ColumnKind::Int);
        assert_eq!(sqlite_kind("TEXT"), ColumnKind::Text);
        assert_eq!(sqlite_kind("BLOB"), ColumnKind::Blob);
        assert_eq!(sqlite_kind("DOUBLE PRECISION"), ColumnKind::Float);
        assert_eq!(sqlite_kind("BOOLEAN"), ColumnKind::Bool);
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote_ident("runs"), "\"runs\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }
}
