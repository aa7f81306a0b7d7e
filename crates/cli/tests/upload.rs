//! `vouch audit --upload URL --project NAME` against a real vouch server (SQLite).

mod support;

use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::write;
use vouch_server::auth::keys;
use vouch_server::auth::scopes;
use vouch_server::auth::{Scope, bootstrap};
use vouch_server::repo::api_keys::{self, NewApiKey};
use vouch_server::repo::{projects, runs};
use vouch_server::{Config, Running};

struct Server {
    runtime: tokio::runtime::Runtime,
    running: Running,
    _dir: tempfile::TempDir,
}

fn server() -> Server {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().to_path_buf(),
        ..Config::default()
    };
    let running = runtime.block_on(async {
        let db = vouch_server::open_database(&config).await.unwrap();
        projects::insert(
            &db,
            &projects::ProjectFields {
                name: "shop".into(),
                owner_team: "web".into(),
                tier: "standard".into(),
                repository: None,
                service_url: None,
                labels: "{}".into(),
            },
            0,
        )
        .await
        .unwrap();
        vouch_server::start(config, db).await.unwrap()
    });
    Server {
        runtime,
        running,
        _dir: dir,
    }
}

impl Server {
    fn key(&self, scope: Scope) -> String {
        self.runtime.block_on(async {
            if scope == Scope::Admin {
                return bootstrap::create_admin_key(&self.running.db).await.unwrap();
            }
            let key = keys::generate().unwrap();
            api_keys::insert(
                &self.running.db,
                &NewApiKey {
                    name: "test",
                    prefix: keys::display_prefix(&key),
                    secret_sha256: &keys::hash(&key),
                    scopes: &scopes::join(&[scope]),
                    expires_at: None,
                    created_at: 0,
                },
            )
            .await
            .unwrap();
            key
        })
    }

    fn runs(&self) -> Vec<runs::RunRecord> {
        self.runtime.block_on(async {
            let project = projects::find_by_name(&self.running.db, "shop")
                .await
                .unwrap()
                .unwrap();
            runs::list_for_project(&self.running.db, project.id, None, 10)
                .await
                .unwrap()
        })
    }
}

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM debian:12\nUSER app\n");
    dir
}

fn audit_upload(url: &str, project: &str, key: Option<&str>) -> Output {
    let dir = repo();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_vouch"));
    command
        .args([
            "audit",
            ".",
            "--no-progress",
            "--format",
            "json",
            "--upload",
            url,
            "--project",
            project,
        ])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env_remove("VOUCH_API_KEY");
    if let Some(key) = key {
        command.env("VOUCH_API_KEY", key);
    }
    command.output().expect("vouch runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_report_is_uploaded_and_stored() {
    let server = server();
    let key = server.key(Scope::RunsWrite);
    let out = audit_upload(&server.running.url(), "shop", Some(&key));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let runs = server.runs();
    assert_eq!(runs.len(), 1);
    assert!(
        stderr(&out).contains(&format!(
            "uploaded: {}/api/v1/runs/{}",
            server.running.url(),
            runs[0].id
        )),
        "{}",
        stderr(&out)
    );
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(runs[0].schema, "vouch.report/v1");
    assert_eq!(runs[0].score, printed["score"]["overall"].as_i64());
}

#[test]
fn rejected_uploads_exit_2_with_the_reason() {
    let server = server();
    let url = server.running.url();

    let out = audit_upload(&url, "shop", None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("VOUCH_API_KEY"), "{}", stderr(&out));

    let out = audit_upload(&url, "shop", Some(&format!("vk_{}", "1".repeat(64))));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("401: the server rejected the API key"),
        "{}",
        stderr(&out)
    );

    let reader = server.key(Scope::Read);
    let out = audit_upload(&url, "shop", Some(&reader));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("403") && stderr(&out).contains("runs:write"),
        "{}",
        stderr(&out)
    );

    let admin = server.key(Scope::Admin);
    let out = audit_upload(&url, "nowhere", Some(&admin));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no project `nowhere`"),
        "{}",
        stderr(&out)
    );

    assert!(server.runs().is_empty(), "nothing was stored");
}

#[test]
fn server_errors_are_retried_then_exit_2() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let url = runtime.block_on(async move {
        let app = axum::Router::new().fallback(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            async {
                (
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    "{\"detail\":\"database down\"}",
                )
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}")
    });
    let out = audit_upload(&url, "shop", Some(&format!("vk_{}", "2".repeat(64))));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("after 3 attempts")
            && stderr(&out).contains("503: the server failed (database down)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(hits.load(Ordering::SeqCst), 3);
}
