//! Embedded, versioned, forward-only migrations: one directory per backend because the DDL
//! differs (identity columns, BLOB/BYTEA). Add a file to both directories and a line to both
//! lists; never edit an applied migration (sqlx checks the checksum).

use super::Backend;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use std::borrow::Cow;

const SQLITE: &[(i64, &str, &str)] = &[
    (
        1,
        "projects runs keys",
        include_str!("../../migrations/sqlite/0001_projects_runs_keys.sql"),
    ),
    (
        2,
        "users",
        include_str!("../../migrations/sqlite/0002_users.sql"),
    ),
    (
        3,
        "jobs",
        include_str!("../../migrations/sqlite/0003_jobs.sql"),
    ),
    (
        4,
        "webhooks",
        include_str!("../../migrations/sqlite/0004_webhooks.sql"),
    ),
    (
        5,
        "audit log",
        include_str!("../../migrations/sqlite/0005_audit_log.sql"),
    ),
    (
        6,
        "checklists",
        include_str!("../../migrations/sqlite/0006_checklists.sql"),
    ),
];

const POSTGRES: &[(i64, &str, &str)] = &[
    (
        1,
        "projects runs keys",
        include_str!("../../migrations/postgres/0001_projects_runs_keys.sql"),
    ),
    (
        2,
        "users",
        include_str!("../../migrations/postgres/0002_users.sql"),
    ),
    (
        3,
        "jobs",
        include_str!("../../migrations/postgres/0003_jobs.sql"),
    ),
    (
        4,
        "webhooks",
        include_str!("../../migrations/postgres/0004_webhooks.sql"),
    ),
    (
        5,
        "audit log",
        include_str!("../../migrations/postgres/0005_audit_log.sql"),
    ),
    (
        6,
        "checklists",
        include_str!("../../migrations/postgres/0006_checklists.sql"),
    ),
];

pub fn for_backend(backend: Backend) -> Migrator {
    up_to(backend, i64::MAX)
}

/// The migrations up to and including `version` (a restore recreates the schema a backup
/// was taken with, then the server's start applies the rest).
pub fn up_to(backend: Backend, version: i64) -> Migrator {
    let list = match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    };
    let migrations = list
        .iter()
        .filter(|(v, _, _)| *v <= version)
        .map(|(version, description, sql)| {
            Migration::new(
                *version,
                Cow::Borrowed(*description),
                MigrationType::Simple,
                Cow::Borrowed(*sql),
                false,
            )
        })
        .collect::<Vec<_>>();
    Migrator {
        migrations: Cow::Owned(migrations),
        // An older replica in a rolling upgrade meets versions it does not know: not an error.
        ignore_missing: true,
        ..Migrator::DEFAULT
    }
}

/// The newest version this build knows; `/readyz` wants it applied.
pub fn latest_version(backend: Backend) -> i64 {
    for_backend(backend)
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_versions() {
        let versions = |b| -> Vec<i64> { for_backend(b).iter().map(|m| m.version).collect() };
        assert_eq!(versions(Backend::Sqlite), versions(Backend::Postgres));
        assert!(latest_version(Backend::Sqlite) >= 1);
    }
}
