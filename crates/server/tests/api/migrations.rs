use crate::both_backends;
use crate::support::*;
use sqlx::Row;
use vouch_server::db::migrations;
use vouch_server::{Config, open_database};

both_backends!(migrations_apply_to_an_empty_database_once);

async fn migrations_apply_to_an_empty_database_once(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: dir.path().join("nested/data"),
        database_url: match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(fresh_pg_database().await.0),
        },
        ..Config::default()
    };
    let db = open_database(&config)
        .await
        .expect("migrates an empty database");
    if backend == Backend::Sqlite {
        assert!(dir.path().join("nested/data/vouch.db").is_file());
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
    }
    let latest = migrations::latest_version(db.backend);
    let applied =
        sqlx::query("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    let versions: Vec<i64> = applied.iter().map(|r| r.get("version")).collect();
    // Versions are numbered per feature branch, so the list may have gaps.
    let known: Vec<i64> = migrations::for_backend(db.backend)
        .iter()
        .map(|m| m.version)
        .collect();
    assert_eq!(versions.last(), Some(&latest));
    assert_eq!(versions, known, "every version once");
    for table in [
        "projects",
        "runs",
        "run_area_scores",
        "api_keys",
        "idempotency_keys",
        "users",
        "refresh_tokens",
        "jobs",
        "webhook_endpoints",
        "webhook_deliveries",
        "run_signals",
        "audit_log",
    ] {
        let count: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&db.pool)
            .await
            .unwrap_or_else(|e| panic!("{table}: {e}"));
        assert_eq!(count, 0, "{table}");
    }
    db.pool.close().await;

    // A restart applies nothing new and keeps the data.
    let again = open_database(&config).await.expect("second start");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(&again.pool)
        .await
        .unwrap();
    assert_eq!(count, known.len() as i64);
}
