use crate::both_backends;
use crate::support::*;
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde_json::{Value, json};
use sqlx::Connection;
use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};
use vouch_server::backup::{
    self, BackupError, RestoreOptions, Scratch, TableDigest, digest_database,
};
use vouch_server::db::{Db, PoolSettings};

both_backends!(
    backup_destroy_restore_gives_identical_tables,
    restore_refuses_a_non_empty_database_unless_forced,
    verification_compares_the_restored_copy_and_the_source,
    scheduled_backups_are_written_and_pruned,
);

mod sqlite_only {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn vacuum_into_makes_a_complete_copy() {
        super::vacuum_into_makes_a_complete_copy().await
    }
}

/// Projects, runs (gzip blobs), area scores, keys (one revoked) and their audit entries.
async fn populate(s: &TestServer) {
    s.create_project("checkout").await;
    s.create_project("billing").await;
    let ci = s.key(&["runs:write", "read"]).await;
    for (project, report) in [
        ("checkout", audit_report(40, 30)),
        ("checkout", audit_report(80, 90)),
        ("billing", checklist_report()),
    ] {
        let response = s
            .post(&format!("/api/v1/projects/{project}/runs"), &ci, &report)
            .await;
        assert_eq!(response.status(), 201);
    }
    let old = s.key(&["read"]).await;
    let old_id = s.key_id(&old).await;
    let revoked = s.revoke_key(&old_id).await;
    assert_eq!(revoked.status(), 204);
}

fn digest<'a>(digests: &'a [TableDigest], table: &str) -> &'a TableDigest {
    digests
        .iter()
        .find(|d| d.name == table)
        .unwrap_or_else(|| panic!("{table} in {digests:?}"))
}

/// Where a test's database lives, so it can be destroyed and a server started on it again.
struct Place {
    url: String,
    /// PostgreSQL: (the cluster's admin URL, the database name).
    pg: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

async fn place(backend: Backend) -> Place {
    let dir = tempfile::tempdir().unwrap();
    match backend {
        Backend::Sqlite => Place {
            url: format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("vouch.db").display()
            ),
            pg: None,
            _dir: dir,
        },
        Backend::Postgres => {
            let (url, admin_url, name) = fresh_pg_database().await;
            Place {
                url,
                pg: Some((admin_url, name)),
                _dir: dir,
            }
        }
    }
}

/// A server on `place`, accepting `admin` as its admin key.
async fn server_on(backend: Backend, place: &Place, admin: Option<&str>) -> TestServer {
    start_with(backend, |config| {
        config.database_url = Some(place.url.clone());
        if let Some(admin) = admin {
            config.init_admin_key = Some(admin.to_string());
        }
    })
    .await
}

/// Deletes the database: the SQLite file, or the PostgreSQL database (recreated empty).
async fn destroy(place: &Place) {
    match &place.pg {
        None => {
            let path = place.url.trim_start_matches("sqlite://");
            let path = path.split('?').next().unwrap();
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
            assert!(!Path::new(path).exists());
        }
        Some((admin_url, name)) => {
            let mut admin = raw_connection(admin_url).await;
            for statement in [
                format!("DROP DATABASE {name} WITH (FORCE)"),
                format!("CREATE DATABASE {name}"),
            ] {
                sqlx::query(&statement).execute(&mut admin).await.unwrap();
            }
            let _ = admin.close().await;
        }
    }
}

async fn connect(url: &str) -> Db {
    Db::connect(
        url,
        PoolSettings {
            max_connections: 4,
            acquire_timeout: Duration::from_secs(5),
        },
    )
    .await
    .unwrap()
}

async fn backup_destroy_restore_gives_identical_tables(backend: Backend) {
    let place = place(backend).await;
    let s = server_on(backend, &place, None).await;
    populate(&s).await;
    let before = digest_database(&s.running.db).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("vouch.jsonl.gz");
    let header = backup::export(&s.running.db, &archive).await.unwrap();
    assert_eq!(header.format, "vouch-backup");
    assert_eq!(header.backend, s.running.db.backend.name());
    assert_eq!(
        header.schema_version,
        vouch_server::db::migrations::latest_version(s.running.db.backend)
    );
    let names: Vec<&str> = header.tables.iter().map(|t| t.name.as_str()).collect();
    let position = |t: &str| names.iter().position(|n| *n == t).unwrap();
    assert!(position("projects") < position("runs"), "{names:?}");
    assert!(position("api_keys") < position("runs"), "{names:?}");
    assert!(position("runs") < position("run_area_scores"), "{names:?}");
    assert!(!names.contains(&"_sqlx_migrations"));
    let from_header: Vec<TableDigest> = header.tables.iter().map(TableDigest::from).collect();
    assert_eq!(from_header, before);
    assert_eq!(digest(&before, "projects").rows, 2);
    assert_eq!(digest(&before, "runs").rows, 3);
    assert_eq!(digest(&before, "api_keys").rows, 3);
    assert_eq!(digest(&before, "audit_log").rows, 4);
    assert!(digest(&before, "run_area_scores").rows > 0);

    let runs: Value = s
        .get("/api/v1/projects/checkout/runs", &s.admin)
        .await
        .json()
        .await
        .unwrap();
    let oldest_run = runs["items"][1]["id"].as_i64().unwrap();
    let admin = s.admin.clone();
    s.running.shutdown().await.unwrap();
    destroy(&place).await;

    let target = connect(&place.url).await;
    let restored = backup::restore(&target, &archive, RestoreOptions::default())
        .await
        .unwrap();
    assert_eq!(restored, header);
    assert_eq!(digest_database(&target).await.unwrap(), before);
    assert!(
        vouch_server::audit_log::verify(&target)
            .await
            .unwrap()
            .intact()
    );
    target.pool.close().await;

    // A server on the restored database serves the same data and keeps counting ids.
    let again = server_on(backend, &place, Some(&admin)).await;
    let report = again
        .get(&format!("/api/v1/runs/{oldest_run}/report"), &admin)
        .await;
    assert_eq!(report.status(), 200);
    assert_eq!(
        report.bytes().await.unwrap().as_ref(),
        serde_json::to_vec(&audit_report(40, 30))
            .unwrap()
            .as_slice()
    );
    let created = again
        .post(
            "/api/v1/projects",
            &admin,
            &json!({"name": "search", "owner_team": "platform", "tier": "standard"}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let id: i64 = sqlx::query_scalar("SELECT id FROM projects WHERE name = 'search'")
        .fetch_one(&again.running.db.pool)
        .await
        .unwrap();
    assert_eq!(
        id, 3,
        "the identity sequence continues after the restored ids"
    );
    again.running.shutdown().await.unwrap();
}

async fn restore_refuses_a_non_empty_database_unless_forced(backend: Backend) {
    let s = start(backend).await;
    populate(&s).await;
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("vouch.jsonl.gz");
    backup::export(&s.running.db, &archive).await.unwrap();
    let source = digest_database(&s.running.db).await.unwrap();

    let other = start(backend).await;
    other.create_project("unrelated").await;
    let err = backup::restore(&other.running.db, &archive, RestoreOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, BackupError::NotEmpty { table } if table == "api_keys" || table == "projects" || table == "audit_log"),
        "{err}"
    );
    assert!(err.to_string().contains("--force"), "{err}");
    // Nothing was changed.
    let projects: Value = other
        .get("/api/v1/projects", &other.admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(projects["items"][0]["name"], "unrelated");

    backup::restore(&other.running.db, &archive, RestoreOptions { force: true })
        .await
        .unwrap();
    assert_eq!(digest_database(&other.running.db).await.unwrap(), source);
}

async fn verification_compares_the_restored_copy_and_the_source(backend: Backend) {
    let s = start(backend).await;
    populate(&s).await;
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("vouch.jsonl.gz");
    backup::export(&s.running.db, &archive).await.unwrap();
    let scratch = match backend {
        Backend::Sqlite => Scratch::Sqlite(dir.path().to_path_buf()),
        Backend::Postgres => Scratch::Postgres(pg_admin_url()),
    };
    let report = backup::verify(&archive, &scratch, Some(&s.running.db))
        .await
        .unwrap();
    assert!(report.ok(), "{:?}", report.differences);
    // The scratch database is gone.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(leftovers, ["vouch.jsonl.gz"]);

    // The source moved on: reported against the source only.
    s.create_project("later").await;
    let report = backup::verify(&archive, &scratch, Some(&s.running.db))
        .await
        .unwrap();
    let differences: Vec<String> = report.differences.iter().map(|d| d.to_string()).collect();
    assert!(
        differences.contains(
            &"projects: backup has 2 rows, source database has 3 rows (checksums differ)"
                .to_string()
        ),
        "{differences:?}"
    );
    assert!(
        report
            .differences
            .iter()
            .all(|d| d.compared == "source database")
    );

    // A header that does not match its rows is caught in the restored copy.
    let tampered = dir.path().join("tampered.jsonl.gz");
    let mut text = String::new();
    GzDecoder::new(std::fs::File::open(&archive).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let (header, body) = text.split_once('\n').unwrap();
    let mut header: Value = serde_json::from_str(header).unwrap();
    for table in header["tables"].as_array_mut().unwrap() {
        if table["name"] == "runs" {
            table["sha256"] = json!("0".repeat(64));
        }
    }
    let mut gz = GzEncoder::new(
        std::fs::File::create(&tampered).unwrap(),
        Compression::fast(),
    );
    writeln!(gz, "{header}").unwrap();
    gz.write_all(body.as_bytes()).unwrap();
    gz.finish().unwrap();
    let report = backup::verify(&tampered, &scratch, None).await.unwrap();
    let differences: Vec<String> = report.differences.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        differences,
        ["runs: backup has 3 rows, restored copy has 3 rows (checksums differ)"]
    );
}

async fn scheduled_backups_are_written_and_pruned(backend: Backend) {
    let backups = tempfile::tempdir().unwrap();
    // Two older backups already there; keeping 2 leaves the newest old one and the new one.
    for name in [
        "vouch-backup-20200101T000000000Z.jsonl.gz",
        "vouch-backup-20200102T000000000Z.jsonl.gz",
    ] {
        std::fs::write(backups.path().join(name), b"old").unwrap();
    }
    let s = start_with(backend, |config| {
        config.backup_dir = Some(backups.path().to_path_buf());
        config.backup_interval_secs = 3600;
        config.backup_keep = 2;
    })
    .await;
    let names = || {
        let mut names: Vec<String> = std::fs::read_dir(backups.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    let metrics = loop {
        let text = s.get("/metrics", &s.admin).await.text().await.unwrap();
        if !text.contains("vouch_backup_last_success_timestamp_seconds 0\n") {
            break text;
        }
        assert!(
            Instant::now() < deadline,
            "no scheduled backup within 20 s: {:?}",
            names()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        metrics.contains("vouch_backup_failures_total 0\n"),
        "{metrics}"
    );
    let last: i64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("vouch_backup_last_success_timestamp_seconds "))
        .unwrap()
        .parse()
        .unwrap();
    let now = vouch_server::clock::now_ms() / 1000;
    assert!((now - 60..=now).contains(&last), "{last} vs {now}");
    let names = names();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[0], "vouch-backup-20200102T000000000Z.jsonl.gz");
    assert!(
        names[1] > names[0] && names[1].ends_with(".jsonl.gz"),
        "{names:?}"
    );

    // The scheduled backup is a complete archive.
    let header = backup::restore::open(&backups.path().join(&names[1]))
        .unwrap()
        .0;
    let live = digest_database(&s.running.db).await.unwrap();
    assert_eq!(digest(&live, "api_keys").rows, 1);
    assert_eq!(
        header
            .tables
            .iter()
            .map(TableDigest::from)
            .collect::<Vec<_>>(),
        live
    );
}

async fn vacuum_into_makes_a_complete_copy() {
    let s = start(Backend::Sqlite).await;
    populate(&s).await;
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    backup::sqlite_snapshot(&s.running.db, &copy).await.unwrap();
    let opened = connect(&format!("sqlite://{}", copy.display())).await;
    assert_eq!(
        digest_database(&opened).await.unwrap(),
        digest_database(&s.running.db).await.unwrap()
    );
}
