//! Upgrading a database with data in every table from migration 0005 to 0006 (which rebuilds
//! `runs` on SQLite to widen its kind constraint) keeps every row, byte for byte, and the
//! foreign keys that point at `runs`.

use crate::both_backends;
use crate::support::*;
use sqlx::Row;
use std::collections::BTreeMap;
use std::time::Duration;
use vouch_server::backup::export::digest_database;
use vouch_server::db::{Db, PoolSettings, migrations};

both_backends!(upgrading_from_0005_keeps_every_row_and_foreign_key);

async fn id_of<'q>(
    db: &Db,
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
) -> i64 {
    query.fetch_one(&db.pool).await.unwrap().get::<i64, _>(0)
}

/// One row (at least) in every table that exists at version 5.
async fn fill(db: &Db) -> i64 {
    let now = vouch_server::clock::now_ms();
    let project = id_of(
        db,
        sqlx::query(
            "INSERT INTO projects (name, owner_team, tier, labels, created_at, updated_at) \
             VALUES ('api', 'platform', 'critical', '{}', $1, $1) RETURNING id",
        )
        .bind(now),
    )
    .await;
    let key = id_of(
        db,
        sqlx::query(
            "INSERT INTO api_keys (name, prefix, secret_sha256, scopes, created_at) \
             VALUES ('ci', 'vk_1234', 'ab12', 'runs:write', $1) RETURNING id",
        )
        .bind(now),
    )
    .await;
    let mut run = 0;
    for (kind, score) in [("audit", Some(71_i64)), ("checklist", None)] {
        run = id_of(
            db,
            sqlx::query(
                "INSERT INTO runs (project_id, kind, schema, tool_version, commit_sha, score, \
                 gate_failed, counts, report_gzip, report_sha256, report_bytes, uploaded_by, \
                 created_at) VALUES ($1, $2, 'vouch.report/v1', '0.1.0', NULL, $3, 0, \
                 '{\"pass\":1}', $4, 'cafe', 3, $5, $6) RETURNING id",
            )
            .bind(project)
            .bind(kind)
            .bind(score)
            .bind(vec![0_u8, 159, 146, 150, 255])
            .bind(key)
            .bind(now),
        )
        .await;
    }
    let statements: Vec<(&str, Vec<i64>)> = vec![
        (
            "INSERT INTO run_area_scores (run_id, area, score) VALUES ($1, 'security', 64)",
            vec![run],
        ),
        (
            "INSERT INTO run_signals (run_id, signals) VALUES ($1, '{\"claims\":[]}')",
            vec![run],
        ),
        (
            "INSERT INTO idempotency_keys (principal, idem_key, route, request_sha256, status, \
             created_at) VALUES ($1, 'k1', 'POST /x', 'ab', 201, $2)",
            vec![key, now],
        ),
        (
            "INSERT INTO jobs (project_id, kind, params, state, max_attempts, run_after, run_id, \
             created_by, created_at, updated_at) \
             VALUES ($1, 'audit', '{}', 'succeeded', 3, $3, $2, NULL, $3, $3)",
            vec![project, run, now],
        ),
        (
            "INSERT INTO webhook_endpoints (project_id, url, format, events, created_at) \
             VALUES ($1, 'http://127.0.0.1:9/hook', 'json', 'signoff_stale', $2)",
            vec![project, now],
        ),
    ];
    for (sql, binds) in statements {
        let mut query = sqlx::query(sql);
        for bind in binds {
            query = query.bind(bind);
        }
        query
            .execute(&db.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    let user = id_of(
        db,
        sqlx::query(
            "INSERT INTO users (username, display_name, role, password_hash, created_at, \
             updated_at) VALUES ('ada', 'Ada', 'engineer', '$argon2id$x', $1, $1) RETURNING id",
        )
        .bind(now),
    )
    .await;
    sqlx::query(
        "INSERT INTO refresh_tokens (user_id, family, token_sha256, expires_at, created_at) \
         VALUES ($1, 'fam', 'ef01', $2, $2)",
    )
    .bind(user)
    .bind(now)
    .execute(&db.pool)
    .await
    .unwrap();
    let endpoint: i64 = sqlx::query_scalar("SELECT id FROM webhook_endpoints")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO webhook_deliveries (endpoint_id, event, project_id, run_id, body, \
         next_attempt_at, created_at) VALUES ($1, 'signoff_stale', $2, $3, '{}', $4, $4)",
    )
    .bind(endpoint)
    .bind(project)
    .bind(run)
    .bind(now)
    .execute(&db.pool)
    .await
    .unwrap();
    vouch_server::audit_log::record(
        db,
        vouch_server::audit_log::SecurityEvent::new(
            "api_key.created",
            "system",
            "api-key:1",
            serde_json::json!({"note": "upgrade test"}),
        ),
    )
    .await
    .unwrap();
    project
}

async fn digests(db: &Db) -> BTreeMap<String, (u64, String)> {
    digest_database(db)
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.name, (d.rows, d.sha256)))
        .collect()
}

async fn upgrading_from_0005_keeps_every_row_and_foreign_key(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display()),
        Backend::Postgres => fresh_pg_database().await.0,
    };
    let settings = PoolSettings {
        max_connections: 4,
        acquire_timeout: Duration::from_secs(5),
    };
    let db = Db::connect(&url, settings).await.unwrap();
    migrations::up_to(db.backend, 5)
        .run(&db.pool)
        .await
        .unwrap();
    let project = fill(&db).await;
    let before = digests(&db).await;
    assert_eq!(before.len(), 12, "every table of version 5: {before:?}");
    for (table, (rows, _)) in &before {
        assert!(*rows > 0, "{table} has no row to keep");
    }
    let max_run: i64 = sqlx::query_scalar("SELECT MAX(id) FROM runs")
        .fetch_one(&db.pool)
        .await
        .unwrap();

    migrations::up_to(db.backend, 6)
        .run(&db.pool)
        .await
        .expect("0006 applies to a filled database");
    let after = digests(&db).await;
    for (table, digest) in &before {
        assert_eq!(after.get(table), Some(digest), "{table} changed");
    }
    // The later versions apply on top and keep every row (they may add columns).
    db.migrate()
        .await
        .expect("the later versions apply to the upgraded database");
    let latest = digests(&db).await;
    for (table, (rows, _)) in &after {
        assert_eq!(latest[table].0, *rows, "{table} lost or gained rows");
    }
    assert_eq!(after["checklist_items"].0, 0);
    assert_eq!(after["signoffs"].0, 0);

    // The widened kinds are accepted, new ids continue after the old ones, unknown kinds are not.
    let insert_run = |kind: &'static str| {
        sqlx::query(
            "INSERT INTO runs (project_id, kind, schema, counts, report_gzip, report_sha256, \
             report_bytes, created_at) VALUES ($1, $2, 's', '{}', $3, 'x', 0, 0) RETURNING id",
        )
        .bind(project)
        .bind(kind)
        .bind(vec![1_u8])
    };
    let probe: i64 = insert_run("probe")
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .get(0);
    assert!(probe > max_run);
    insert_run("load").fetch_one(&db.pool).await.unwrap();
    assert!(insert_run("bogus").fetch_one(&db.pool).await.is_err());

    // Every child of `runs` still references it, and the reference is enforced.
    for sql in [
        "INSERT INTO run_area_scores (run_id, area, score) VALUES ($1, 'data', 1)",
        "INSERT INTO run_signals (run_id, signals) VALUES ($1, '{}')",
        "INSERT INTO jobs (project_id, kind, params, state, max_attempts, run_after, run_id, \
         created_at, updated_at) VALUES (1, 'audit', '{}', 'queued', 3, 0, $1, 0, 0)",
    ] {
        let orphan = sqlx::query(sql).bind(999_999_i64).execute(&db.pool).await;
        assert!(orphan.is_err(), "{sql} accepted a missing run");
        sqlx::query(sql)
            .bind(probe)
            .execute(&db.pool)
            .await
            .unwrap();
    }
    if db.backend == vouch_server::db::Backend::Sqlite {
        let children: Vec<String> = sqlx::query_scalar(
            "SELECT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
             WHERE m.type = 'table' AND f.\"table\" = 'runs' ORDER BY m.name",
        )
        .fetch_all(&db.pool)
        .await
        .unwrap();
        assert_eq!(
            children,
            [
                "checklist_items",
                "jobs",
                "run_area_scores",
                "run_signals",
                "signoffs"
            ]
        );
        let problems: Vec<String> =
            sqlx::query_scalar("SELECT \"table\" FROM pragma_foreign_key_check")
                .fetch_all(&db.pool)
                .await
                .unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        let index: String = sqlx::query_scalar(
            "SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND name = 'runs_by_project'",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(index, "runs");
        let leftovers: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'runs_0006%'")
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert_eq!(leftovers, 0);
    }
    db.pool.close().await;
}
