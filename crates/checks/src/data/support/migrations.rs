//! Versioned schema migrations, recognised by the layouts and markers of the common tools.

use super::paths::file_name;
use super::text::read_head;
use crate::prelude::*;
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

/// Migration files of one tool in one folder.
#[derive(Clone, Debug)]
pub struct MigrationSet {
    pub tool: &'static str,
    pub dir: String,
    /// Files, sorted.
    pub files: Vec<String>,
}

impl MigrationSet {
    pub fn evidence(&self) -> Finding {
        let noun = if self.files.len() == 1 {
            "migration file"
        } else {
            "migration files"
        };
        finding_file(
            &self.files[0],
            format!(
                "{} {noun} ({}) in {}",
                self.files.len(),
                self.tool,
                if self.dir.is_empty() { "./" } else { &self.dir }
            ),
        )
    }
}

/// Every migration set, plus tool configuration found without any migration.
pub struct Migrations {
    pub sets: Vec<MigrationSet>,
    /// A tool is configured but has no migration file (`alembic.ini`, `prisma/schema.prisma`).
    pub configured_without_migrations: Vec<Finding>,
}

impl Migrations {
    pub fn get(ws: &Workspace) -> Arc<Migrations> {
        ws.cached(build)
    }
}

static FLYWAY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[VU]\d+(?:[._]\d+)*__.+|R__.+)\.(?:sql|rs)$").unwrap());
static UP_DOWN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d+[_-][\w.-]+\.(?:up|down)\.sql$").unwrap());
static NUMBERED_SQL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{3,}[_-]?[\w.-]*\.sql$").unwrap());
static DJANGO: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{4}_\w+\.py$").unwrap());
static TIMESTAMPED_DIR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:\d{14}|\d{4}-\d{2}-\d{2}-\d{6})_").unwrap());
static JS_MIGRATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{8,}[_-][\w.-]+\.(?:js|ts|mjs|cjs)$").unwrap());
static RAILS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{14}_\w+\.rb$").unwrap());
static LARAVEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{4}_\d{2}_\d{2}_\d{6}_\w+\.php$").unwrap());
static EF_CORE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{14}_\w+\.cs$").unwrap());

fn build(ws: &Workspace) -> Migrations {
    let mut sets: BTreeMap<(&'static str, String), Vec<String>> = BTreeMap::new();
    for (f, class) in ws.files.iter().map(|f| (f, f.class)) {
        if f.binary || !class.product() {
            continue;
        }
        if let Some(tool) = tool_of(ws, &f.rel) {
            let dir = migration_dir(&f.rel);
            sets.entry((tool, dir)).or_default().push(f.rel.clone());
        }
    }
    let sets: Vec<MigrationSet> = sets
        .into_iter()
        .map(|((tool, dir), mut files)| {
            files.sort();
            MigrationSet { tool, dir, files }
        })
        .collect();
    let configured_without_migrations = configured_only(ws, &sets);
    Migrations {
        sets,
        configured_without_migrations,
    }
}

/// The folder holding the migrations (for Diesel/Prisma the parent of the per-migration folder).
fn migration_dir(rel: &str) -> String {
    let parts: Vec<&str> = rel.split('/').collect();
    let n = parts.len();
    let folder_per_migration = n >= 2 && TIMESTAMPED_DIR.is_match(parts[n - 2]);
    let keep = if folder_per_migration { n - 2 } else { n - 1 };
    let dir = parts[..keep].join("/");
    if dir.is_empty() {
        dir
    } else {
        format!("{dir}/")
    }
}

fn tool_of(ws: &Workspace, rel: &str) -> Option<&'static str> {
    let name = file_name(rel);
    let lower_rel = rel.to_ascii_lowercase();
    let dirs: Vec<&str> = lower_rel.split('/').collect();
    let parent = dirs.len().checked_sub(2).map_or("", |i| dirs[i]);
    let grandparent = dirs.len().checked_sub(3).map_or("", |i| dirs[i]);
    let in_migrations_dir = dirs[..dirs.len() - 1]
        .iter()
        .any(|d| matches!(*d, "migrations" | "migrate" | "migration" | "db"));
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);

    if name == "migration.sql" && TIMESTAMPED_DIR.is_match(parent) && grandparent == "migrations" {
        return Some("Prisma");
    }
    if (name == "up.sql" || name == "down.sql") && TIMESTAMPED_DIR.is_match(parent) {
        return Some("Diesel");
    }
    if FLYWAY.is_match(name) {
        return Some(if ext == "rs" {
            "refinery"
        } else {
            "versioned SQL (Flyway naming)"
        });
    }
    if ext == "sql" {
        let head = read_head(ws, rel, 2048).unwrap_or_default();
        if head.contains("-- +goose Up") || head.contains("-- +goose up") {
            return Some("goose");
        }
        if head.contains("-- migrate:up") {
            return Some("dbmate");
        }
        if head.contains("--liquibase formatted sql") {
            return Some("Liquibase");
        }
        if UP_DOWN.is_match(name) {
            return Some("golang-migrate (up/down SQL)");
        }
        if in_migrations_dir && NUMBERED_SQL.is_match(name) {
            return Some("numbered SQL");
        }
        return None;
    }
    if ext == "py" && parent == "versions" {
        let head = read_head(ws, rel, 4096).unwrap_or_default();
        if head.contains("down_revision") {
            return Some("Alembic");
        }
    }
    if ext == "py" && parent == "migrations" && DJANGO.is_match(name) {
        let head = read_head(ws, rel, 8192).unwrap_or_default();
        if head.contains("migrations.Migration") || head.contains("class Migration") {
            return Some("Django");
        }
    }
    if matches!(ext, "xml" | "yaml" | "yml" | "json")
        && name.to_ascii_lowercase().contains("changelog")
    {
        let head = read_head(ws, rel, 4096).unwrap_or_default();
        if head.contains("databaseChangeLog") {
            return Some("Liquibase");
        }
    }
    if parent == "migrations" && JS_MIGRATION.is_match(name) {
        let head = read_head(ws, rel, 8192).unwrap_or_default();
        return js_tool(&head);
    }
    if ext == "go" && in_migrations_dir {
        let head = read_head(ws, rel, 8192).unwrap_or_default();
        if head.contains("goose.AddMigration") {
            return Some("goose");
        }
    }
    if parent == "migrate" && grandparent == "db" && RAILS.is_match(name) {
        return Some("Active Record");
    }
    if parent == "migrations" && grandparent == "database" && LARAVEL.is_match(name) {
        return Some("Laravel");
    }
    if parent == "migrations" && EF_CORE.is_match(name) && !name.ends_with(".Designer.cs") {
        return Some("Entity Framework Core");
    }
    None
}

fn js_tool(head: &str) -> Option<&'static str> {
    let up = head.contains("exports.up")
        || head.contains("function up")
        || head.contains("up:")
        || head.contains("async up(");
    if head.contains("MigrationInterface") {
        Some("TypeORM")
    } else if head.contains("queryInterface") {
        Some("Sequelize")
    } else if head.contains("pgm.") {
        Some("node-pg-migrate")
    } else if up && head.contains("knex") {
        Some("Knex")
    } else if up && head.contains("db.collection") {
        Some("migrate-mongo")
    } else if up {
        Some("JavaScript")
    } else {
        None
    }
}

/// Tool configuration whose migration folder is empty.
fn configured_only(ws: &Workspace, sets: &[MigrationSet]) -> Vec<Finding> {
    let has = |tool: &str| sets.iter().any(|s| s.tool == tool);
    let mut out = Vec::new();
    for f in &ws.files {
        let name = f.name();
        if !matches!(name, "alembic.ini" | "schema.prisma" | "diesel.toml")
            && !name.starts_with("knexfile.")
            || !f.class.product()
        {
            continue;
        }
        let (tool, what) = match name {
            "alembic.ini" => (
                "Alembic",
                "alembic.ini is present but no Alembic revision exists",
            ),
            "schema.prisma" if !is_mongodb_schema(ws, &f.rel) => (
                "Prisma",
                "a Prisma schema without prisma/migrations: the schema is pushed with `prisma db push`, unversioned",
            ),
            "diesel.toml" => (
                "Diesel",
                "diesel.toml is present but no Diesel migration exists",
            ),
            n if n.starts_with("knexfile.") => {
                ("Knex", "a knexfile is present but no Knex migration exists")
            }
            _ => continue,
        };
        if !has(tool) {
            out.push(finding_file(&f.rel, what));
        }
    }
    out
}

fn is_mongodb_schema(ws: &Workspace, rel: &str) -> bool {
    ws.text(rel).is_some_and(|src| {
        src.lines()
            .any(|(_, l)| l.trim().replace(' ', "") == "provider=\"mongodb\"")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(FLYWAY.is_match("V1__create_users.sql"));
        assert!(FLYWAY.is_match("V2_1__add_index.sql"));
        assert!(FLYWAY.is_match("R__views.sql"));
        assert!(!FLYWAY.is_match("Vendor.sql"));
        assert!(UP_DOWN.is_match("000001_create_users.up.sql"));
        assert!(NUMBERED_SQL.is_match("20240101120000_init.sql"));
        assert!(!NUMBERED_SQL.is_match("schema.sql"));
        assert!(DJANGO.is_match("0001_initial.py"));
        assert!(!DJANGO.is_match("__init__.py"));
        assert!(TIMESTAMPED_DIR.is_match("20240101120000_init"));
        assert!(TIMESTAMPED_DIR.is_match("2024-01-01-120000_create_posts"));
        assert_eq!(
            migration_dir("prisma/migrations/20240101120000_init/migration.sql"),
            "prisma/migrations/"
        );
        assert_eq!(migration_dir("db/migration/V1__a.sql"), "db/migration/");
    }
}
