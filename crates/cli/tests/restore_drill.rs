//! The restore drill of docs/disaster-recovery.md, performed end to end through the real binary
//! on SQLite and on PostgreSQL: `vouch serve`, real runs uploaded through the API, `vouch admin
//! backup`, the server stopped, the database destroyed, `vouch admin restore`, the server started
//! again; the API must then answer the same projects, runs, reports and audit log, and the
//! audit log's chain must verify. The restore and the time until the server is ready again are
//! measured and printed (the RTO figure of docs/disaster-recovery.md comes from here:
//! `cargo test -p vouch-cli --test restore_drill -- --nocapture`).
//!
//! PostgreSQL comes from VOUCH_TEST_DATABASE_URL, as in the server's tests
//! (`eval "$(bash crates/server/scripts/test-postgres.sh)"`); without it that test fails saying so.

mod support;

use serde_json::{Value, json};
use sqlx::Connection;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use support::write;

const PG_ENV: &str = "VOUCH_TEST_DATABASE_URL";

/// Where the deployment's data lives: a SQLite data directory, or a PostgreSQL database.
struct Deployment {
    dir: tempfile::TempDir,
    admin_key: String,
    /// PostgreSQL: (the cluster's admin URL, the database's name, its URL).
    pg: Option<(String, String, String)>,
    runtime: tokio::runtime::Runtime,
}

impl Deployment {
    fn sqlite() -> Deployment {
        Deployment::new(None)
    }

    fn postgres() -> Deployment {
        let admin_url = std::env::var(PG_ENV).unwrap_or_else(|_| {
            panic!(
                "{PG_ENV} is not set: the PostgreSQL drill needs a cluster. Run \
                 `eval \"$(bash crates/server/scripts/test-postgres.sh)\"` first"
            )
        });
        let name = format!("vouch_drill_{}", &random_hex()[..16]);
        let url = vouch_server::backup::verify::with_database(&admin_url, &name);
        let deployment = Deployment::new(Some((admin_url, name, url)));
        deployment.pg_admin(&format!("CREATE DATABASE {}", deployment.pg_name()));
        deployment
    }

    fn new(pg: Option<(String, String, String)>) -> Deployment {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Deployment {
            dir: tempfile::tempdir().unwrap(),
            admin_key: format!("vk_{}", random_hex()),
            pg,
            runtime: tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap(),
        }
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn pg_name(&self) -> &str {
        &self.pg.as_ref().expect("a PostgreSQL deployment").1
    }

    /// `vouch ARGS` with this deployment's database, and nothing from the caller's environment.
    fn vouch(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_vouch"));
        command.args(args).current_dir(self.dir.path());
        for (env, _) in vouch_server::config::ENV_FIELDS {
            command.env_remove(env);
        }
        command
            .env("NO_COLOR", "1")
            .env("VOUCH_DATA_DIR", self.data_dir())
            .env("VOUCH_INIT_ADMIN_KEY", &self.admin_key);
        if let Some((_, _, url)) = &self.pg {
            command.env("DATABASE_URL", url);
        }
        command
    }

    fn admin(&self, args: &[&str]) -> Output {
        let mut all = vec!["admin"];
        all.extend_from_slice(args);
        let out = self.vouch(&all).output().expect("vouch admin runs");
        assert!(
            out.status.success(),
            "vouch admin {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    fn serve(&self) -> Server {
        let mut child = self
            .vouch(&["serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("vouch serve starts");
        let (tx, rx) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        // Reads the JSON log lines until the process ends (so the pipe never fills up) and
        // sends the listening address once it is logged.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let entry: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
                if let Some(addr) = entry["fields"]["addr"].as_str() {
                    let _ = tx.send(Ok(addr.to_string()));
                } else if entry.is_null() {
                    let _ = tx.send(Err(line));
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let addr = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(Ok(addr)) => break addr,
                Ok(Err(line)) => eprintln!("vouch serve: {line}"),
                Err(_) => {
                    let _ = child.kill();
                    panic!(
                        "vouch serve did not log its address in 60 s: {:?}",
                        child.wait()
                    );
                }
            }
        };
        let server = Server {
            child,
            url: format!("http://{addr}"),
            client: reqwest::Client::new(),
        };
        self.runtime.block_on(server.wait_ready());
        server
    }

    /// The drill's destruction: the SQLite files deleted, or the PostgreSQL database dropped
    /// and created again empty.
    fn destroy(&self) {
        match &self.pg {
            None => {
                std::fs::remove_dir_all(self.data_dir()).unwrap();
                assert!(!self.data_dir().exists());
            }
            Some(_) => {
                let name = self.pg_name();
                self.pg_admin(&format!("DROP DATABASE {name} WITH (FORCE)"));
                self.pg_admin(&format!("CREATE DATABASE {name}"));
            }
        }
    }

    fn pg_admin(&self, sql: &str) {
        let (admin_url, _, _) = self.pg.as_ref().unwrap();
        self.runtime.block_on(async {
            let mut conn = sqlx::PgConnection::connect(admin_url)
                .await
                .unwrap_or_else(|e| panic!("cannot connect to {PG_ENV}={admin_url}: {e}"));
            sqlx::query(sql).execute(&mut conn).await.unwrap();
            let _ = conn.close().await;
        });
    }
}

impl Drop for Deployment {
    fn drop(&mut self) {
        if self.pg.is_some() && !std::thread::panicking() {
            let name = self.pg_name().to_string();
            self.pg_admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

struct Server {
    child: Child,
    url: String,
    client: reqwest::Client,
}

impl Server {
    async fn wait_ready(&self) {
        for _ in 0..200 {
            let ready = self.client.get(format!("{}/readyz", self.url)).send().await;
            if ready.is_ok_and(|r| r.status() == 200) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{} never became ready", self.url);
    }

    async fn get(&self, key: &str, path: &str) -> Value {
        let response = self
            .client
            .get(format!("{}{path}", self.url))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "GET {path}");
        serde_json::from_str(&response.text().await.unwrap()).unwrap()
    }

    async fn post(&self, key: &str, path: &str, body: &Value) -> Value {
        let response = self
            .client
            .post(format!("{}{path}", self.url))
            .bearer_auth(key)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "POST {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// What the drill compares: every project, its runs with their stored reports, the audit
    /// log and its verification.
    async fn state(&self, key: &str) -> Value {
        let projects = self.get(key, "/api/v1/projects?limit=500").await;
        let mut runs = Vec::new();
        for project in projects["items"].as_array().unwrap() {
            let name = project["name"].as_str().unwrap();
            let page = self
                .get(key, &format!("/api/v1/projects/{name}/runs?limit=500"))
                .await;
            for run in page["items"].as_array().unwrap() {
                let id = run["id"].as_i64().unwrap();
                let report = self.get(key, &format!("/api/v1/runs/{id}/report")).await;
                runs.push(json!({"run": run, "report": report}));
            }
        }
        json!({
            "projects": projects,
            "runs": runs,
            "audit_log": self.get(key, "/api/v1/audit-log?limit=500").await,
            "verified": self.get(key, "/api/v1/audit-log/verify").await,
        })
    }

    /// SIGTERM, as an orchestrator stops it; the server must exit cleanly.
    fn stop(mut self) {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(killed.success());
        let status = self.child.wait().unwrap();
        assert!(status.success(), "vouch serve exited with {status}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Only after a failed assertion: `stop` has already waited for the process.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// 64 random hex digits (an API key's secret part).
fn random_hex() -> String {
    vouch_server::auth::keys::generate().unwrap()[3..].to_string()
}

/// Projects, audit runs uploaded by `vouch audit --upload`, a checklist run made by `vouch
/// checklist verify` and posted to the API, and API keys created and revoked (audit log).
fn populate(deployment: &Deployment, server: &Server) {
    let key = &deployment.admin_key;
    let repo = deployment.dir.path().join("repo");
    write(&repo, "Dockerfile", "FROM debian:12\nUSER app\n");
    write(
        &repo,
        "READINESS.md",
        "# Readiness\n\n## Operations\n- [x] The service runs as a non-root user\n",
    );
    let ci = deployment.runtime.block_on(async {
        for (name, tier) in [("checkout", "critical"), ("billing", "standard")] {
            let body = json!({"name": name, "owner_team": "payments", "tier": tier});
            server.post(key, "/api/v1/projects", &body).await;
        }
        let ci = server
            .post(
                key,
                "/api/v1/api-keys",
                &json!({"name": "ci", "scopes": ["runs:write"]}),
            )
            .await;
        let old = server
            .post(
                key,
                "/api/v1/api-keys",
                &json!({"name": "old", "scopes": ["read"]}),
            )
            .await;
        let revoked = server
            .client
            .delete(format!("{}/api/v1/api-keys/{}", server.url, old["id"]))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
        assert_eq!(revoked.status(), 204);
        ci["key"].as_str().unwrap().to_string()
    });
    for project in ["checkout", "checkout", "billing"] {
        upload_audit(&ci, &repo, server, project);
    }
    let checklist = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(["checklist", "verify", "READINESS.md", "--format", "json"])
        .current_dir(&repo)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&checklist.stdout).unwrap_or_else(|e| {
        panic!(
            "checklist report ({e}): {}",
            String::from_utf8_lossy(&checklist.stderr)
        )
    });
    deployment.runtime.block_on(async {
        server
            .post(&ci, "/api/v1/projects/billing/runs", &report)
            .await;
    });
}

fn upload_audit(ci_key: &str, repo: &Path, server: &Server, project: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(["audit", ".", "--no-progress", "--format", "json"])
        .args(["--upload", &server.url, "--project", project])
        .current_dir(repo)
        .env("NO_COLOR", "1")
        .env("VOUCH_API_KEY", ci_key)
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "vouch audit --upload: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn drill(deployment: Deployment) {
    let server = deployment.serve();
    populate(&deployment, &server);
    let key = deployment.admin_key.clone();
    let before = deployment.runtime.block_on(server.state(&key));
    assert_eq!(before["runs"].as_array().unwrap().len(), 4, "{before:#}");
    assert!(before["verified"]["broken"].is_null(), "{before:#}");
    // The bootstrap key, the two keys created and the revocation.
    assert_eq!(before["verified"]["checked"], 4, "{before:#}");

    deployment.admin(&["backup", "--to", "drill.jsonl.gz"]);
    server.stop();
    deployment.destroy();

    let started = Instant::now();
    deployment.admin(&["restore", "drill.jsonl.gz"]);
    let restored = started.elapsed();
    let chain = deployment.admin(&["verify-audit-log"]);
    assert!(
        String::from_utf8_lossy(&chain.stdout).starts_with("the audit log is intact"),
        "{}",
        String::from_utf8_lossy(&chain.stdout)
    );
    let server = deployment.serve();
    let ready = started.elapsed();
    let after = deployment.runtime.block_on(server.state(&key));
    server.stop();
    let backend = if deployment.pg.is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    eprintln!(
        "restore drill ({backend}): restore {:.2} s, restore to ready {:.2} s",
        restored.as_secs_f64(),
        ready.as_secs_f64()
    );
    assert_eq!(after, before, "the restored server answers differently");
}

#[test]
fn sqlite_backup_destroy_restore_verify() {
    drill(Deployment::sqlite());
}

#[test]
fn postgres_backup_destroy_restore_verify() {
    drill(Deployment::postgres());
}

/// scripts/restore-drill.sh, the operator's drill, against a running SQLite deployment: it
/// takes a backup, restores it into a scratch copy, starts a server there and checks it.
#[test]
fn the_operator_script_drills_a_running_deployment() {
    let deployment = Deployment::sqlite();
    let server = deployment.serve();
    populate(&deployment, &server);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/restore-drill.sh");
    let run = |extra: &[(&str, &str)]| {
        let mut command = Command::new("bash");
        command.arg(&script).current_dir(deployment.dir.path());
        for (env, _) in vouch_server::config::ENV_FIELDS {
            command.env_remove(env);
        }
        command
            .env("VOUCH", env!("CARGO_BIN_EXE_vouch"))
            .env("VOUCH_API_KEY", &deployment.admin_key)
            .env("VOUCH_DATA_DIR", deployment.data_dir())
            .env("TMPDIR", deployment.dir.path())
            .envs(extra.iter().copied());
        command.output().unwrap()
    };

    let out = run(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("PASSED: 2 projects, 4 runs, 4 audit-log entries (chain intact, last 4)"),
        "{stderr}"
    );
    assert!(stderr.contains("restore to ready (RTO)"), "{stderr}");

    let live = format!("sqlite://{}/vouch.db", deployment.data_dir().display());
    let refused = run(&[("DATABASE_URL", &live), ("DRILL_DATABASE_URL", &live)]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("is the live database"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    // The deployment is untouched: the drill worked on a copy, the refused run did nothing.
    let after = deployment
        .runtime
        .block_on(server.state(&deployment.admin_key));
    assert_eq!(after["runs"].as_array().unwrap().len(), 4);
    server.stop();
    let leftovers: Vec<_> = std::fs::read_dir(deployment.dir.path())
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("vouch-restore-drill")
        })
        .collect();
    assert!(
        leftovers.is_empty(),
        "the scratch directory stays: {leftovers:?}"
    );
}
