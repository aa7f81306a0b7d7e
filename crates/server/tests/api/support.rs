//! A real server on 127.0.0.1:0 per test, on SQLite (temp dir) or PostgreSQL (a fresh database
//! in the cluster named by VOUCH_TEST_DATABASE_URL, which scripts/test.sh starts).

use reqwest::{Client, Method, RequestBuilder, Response};
use serde_json::{Value, json};
use sqlx::Connection;
use std::time::Duration;
use vouch_server::auth::Scope;
use vouch_server::auth::keys;
use vouch_server::auth::scopes;
use vouch_server::repo::api_keys::{self, NewApiKey};
use vouch_server::{Config, Running};

pub const PG_ENV: &str = "VOUCH_TEST_DATABASE_URL";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates `sqlite::name` and `postgres::name` tests from `async fn name(Backend)`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::support::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::support::Backend::Postgres).await
                }
            )*
        }
    };
}

pub struct TestServer {
    pub running: Running,
    pub client: Client,
    pub admin: String,
    /// The database URL the server uses.
    pub database_url: String,
    /// The PostgreSQL database name (to drop it), when on PostgreSQL.
    pub pg_database: Option<(String, String)>,
    /// The configuration the server started with (to start another on the same database).
    pub config: Config,
    _dir: tempfile::TempDir,
}

pub async fn start(backend: Backend) -> TestServer {
    start_with(backend, |_| {}).await
}

pub async fn start_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> TestServer {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().expect("temp dir");
    let admin = keys::generate().unwrap();
    let (database_url, pg_database) = match backend {
        Backend::Sqlite => (None, None),
        Backend::Postgres => {
            let (url, admin_url, name) = fresh_pg_database().await;
            (Some(url), Some((admin_url, name)))
        }
    };
    let mut config = test_config(&dir, database_url, &admin);
    adjust(&mut config);
    let effective = config.effective_database_url();
    let running = serve(config.clone()).await;
    TestServer {
        running,
        // Redirects are answers to assert (the dashboard's 303s), not followed.
        client: Client::builder()
            .timeout(Duration::from_secs(20))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        admin,
        database_url: effective,
        pg_database,
        config,
        _dir: dir,
    }
}

fn test_config(dir: &tempfile::TempDir, database_url: Option<String>, admin: &str) -> Config {
    Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().join("data"),
        database_url,
        init_admin_key: Some(admin.to_string()),
        db_max_connections: 4,
        db_acquire_timeout_secs: 3,
        shutdown_grace_secs: 5,
        ..Config::default()
    }
}

async fn serve(config: Config) -> Running {
    let db = vouch_server::open_database(&config)
        .await
        .expect("database opens and migrates");
    vouch_server::start(config, db)
        .await
        .expect("server starts")
}

/// A test server that was stopped; its database (and data directory) are kept.
pub struct Stopped {
    client: Client,
    admin: String,
    pub database_url: String,
    pg_database: Option<(String, String)>,
    dir: tempfile::TempDir,
}

impl TestServer {
    /// Stops this server gracefully, keeping its database for [`Stopped::start`].
    pub async fn stop(self) -> Stopped {
        let TestServer {
            running,
            client,
            admin,
            database_url,
            pg_database,
            config: _,
            _dir: dir,
        } = self;
        running.shutdown().await.expect("clean shutdown");
        Stopped {
            client,
            admin,
            database_url,
            pg_database,
            dir,
        }
    }
}

impl TestServer {
    /// Another server on the same database, as a second replica would be.
    pub async fn replica(&self, adjust: impl FnOnce(&mut Config)) -> Running {
        let mut config = test_config(&self._dir, Some(self.database_url.clone()), &self.admin);
        adjust(&mut config);
        serve(config).await
    }
}

impl Stopped {
    /// A new server on the same database.
    pub async fn start(self, adjust: impl FnOnce(&mut Config)) -> TestServer {
        let mut config = test_config(&self.dir, Some(self.database_url.clone()), &self.admin);
        adjust(&mut config);
        TestServer {
            running: serve(config.clone()).await,
            config,
            client: self.client,
            admin: self.admin,
            database_url: self.database_url,
            pg_database: self.pg_database,
            _dir: self.dir,
        }
    }
}

/// The cluster's URL, or a failure that says how to get one (no silent skip).
pub fn pg_admin_url() -> String {
    std::env::var(PG_ENV).unwrap_or_else(|_| {
        panic!(
            "{PG_ENV} is not set: the server tests need PostgreSQL. Run \
             `eval \"$(bash crates/server/scripts/test-postgres.sh)\"` (or scripts/test.sh), \
             which starts a throwaway cluster and sets it"
        )
    })
}

/// Creates an empty database; returns (its URL, the admin URL, its name).
pub async fn fresh_pg_database() -> (String, String, String) {
    sqlx::any::install_default_drivers();
    let admin_url = pg_admin_url();
    let name = format!("vouch_test_{}", &keys::hex(&random_bytes())[..16]);
    let mut conn = sqlx::AnyConnection::connect(&admin_url)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {PG_ENV}={admin_url}: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let _ = conn.close().await;
    (with_database(&admin_url, &name), admin_url, name)
}

pub use vouch_server::backup::verify::with_database;

fn random_bytes() -> [u8; 16] {
    let key = keys::generate().unwrap();
    let mut out = [0u8; 16];
    out.copy_from_slice(&key.as_bytes()[3..19]);
    out
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.running.url())
    }

    pub fn request(&self, method: Method, path: &str, key: Option<&str>) -> RequestBuilder {
        let builder = self.client.request(method, self.url(path));
        match key {
            Some(key) => builder.bearer_auth(key),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str, key: &str) -> Response {
        self.request(Method::GET, path, Some(key))
            .send()
            .await
            .unwrap()
    }

    pub async fn post(&self, path: &str, key: &str, body: &Value) -> Response {
        self.request(Method::POST, path, Some(key))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// A key with these scopes, made through the API with the admin key.
    pub async fn key(&self, scopes: &[&str]) -> String {
        let response = self
            .post(
                "/api/v1/api-keys",
                &self.admin,
                &json!({"name": format!("test {}", scopes.join(" ")), "scopes": scopes}),
            )
            .await;
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.unwrap();
        body["key"].as_str().unwrap().to_string()
    }

    /// A key stored directly with an expiry in the past.
    pub async fn expired_key(&self) -> String {
        let key = keys::generate().unwrap();
        let now = vouch_server::clock::now_ms();
        api_keys::insert(
            &self.running.db,
            &NewApiKey {
                name: "expired",
                prefix: keys::display_prefix(&key),
                secret_sha256: &keys::hash(&key),
                scopes: &scopes::join(&[Scope::Admin]),
                expires_at: Some(now - 1_000),
                created_at: now - 10_000,
            },
        )
        .await
        .unwrap();
        key
    }

    /// The id of the API key whose secret is `secret` (found by its prefix in the list).
    pub async fn key_id(&self, secret: &str) -> Value {
        let keys: Value = self
            .get("/api/v1/api-keys", &self.admin)
            .await
            .json()
            .await
            .unwrap();
        keys.as_array()
            .unwrap()
            .iter()
            .find(|k| secret.starts_with(k["prefix"].as_str().unwrap()))
            .expect("the key is listed")["id"]
            .clone()
    }

    /// Revokes an API key through the API with the admin key.
    pub async fn revoke_key(&self, id: &Value) -> Response {
        self.request(
            Method::DELETE,
            &format!("/api/v1/api-keys/{id}"),
            Some(&self.admin),
        )
        .send()
        .await
        .unwrap()
    }

    pub async fn create_project(&self, name: &str) -> Value {
        let response = self
            .post(
                "/api/v1/projects",
                &self.admin,
                &json!({"name": name, "owner_team": "platform", "tier": "critical"}),
            )
            .await;
        assert_eq!(response.status(), 201, "{:?}", response.text().await);
        response.json().await.unwrap()
    }
}

/// Asserts a problem document with this status; returns it.
pub async fn problem(response: Response, status: u16) -> Value {
    assert_eq!(response.status().as_u16(), status);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(body["title"].is_string(), "{body}");
    body
}

/// The `field` of each entry of a validation problem's `errors`.
pub fn error_fields(body: &Value) -> Vec<&str> {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect()
}

/// An audit report as `vouch audit --format json` writes it.
pub fn audit_report(overall: i64, security: i64) -> Value {
    json!({
        "schema": "vouch.report/v1",
        "tool": {"name": "vouch", "version": "0.1.0"},
        "target": {"path": ".", "commit": "0123456789abcdef0123456789abcdef01234567"},
        "score": {"overall": overall, "areas": {"security": security, "deployment": 80, "testing": null}},
        "counts": {"pass": 10, "fail": 2, "unknown": 1, "not_applicable": 3, "error": 0, "suppressed_findings": 0},
        "gate": {"fail_on": "high", "failed": overall < 50},
        "results": [],
        "expired_suppressions": [],
        "input_errors": [],
        "files_scanned": 42,
        "duration_ms": 120
    })
}

pub fn checklist_report() -> Value {
    json!({
        "schema": "vouch.checklist/v1",
        "tool": {"name": "vouch", "version": "0.1.0"},
        "checklist": "launch.md",
        "target": {"path": "."},
        "summary": {"total": 5, "done": 3, "not_done": 1, "claimed_but_failing": 0,
                    "done_but_unticked": 0, "manual": 1, "unknown": 0, "signed_off": 0,
                    "invalid_signoffs": 0, "stale_signoffs": 0},
        "items": [],
        "signoffs": [],
        "duration_ms": 9
    })
}

/// A password the policy accepts.
pub const PASSWORD: &str = "violet harbour lamp 42";

/// A user made through the API with the admin key, and its tokens from a real login.
pub struct TestUser {
    pub id: i64,
    pub access_token: String,
    pub refresh_token: String,
}

impl TestServer {
    /// Another server on the same database, with `adjust` applied to this one's configuration.
    pub async fn another(&self, adjust: impl FnOnce(&mut Config)) -> Running {
        let mut config = self.config.clone();
        adjust(&mut config);
        let db = vouch_server::open_database(&config)
            .await
            .expect("database opens");
        vouch_server::start(config, db)
            .await
            .expect("server starts")
    }

    pub async fn create_user(&self, username: &str, role: &str) -> i64 {
        let response = self
            .post(
                "/api/v1/users",
                &self.admin,
                &json!({"username": username, "role": role, "password": PASSWORD}),
            )
            .await;
        assert_eq!(response.status(), 201, "{:?}", response.text().await);
        let body: Value = response.json().await.unwrap();
        body["id"].as_i64().unwrap()
    }

    /// Logs in; panics unless it succeeds. Returns the token response.
    pub async fn login(&self, username: &str, password: &str) -> Value {
        let response = self
            .request(Method::POST, "/api/v1/auth/login", None)
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{:?}", response.text().await);
        response.json().await.unwrap()
    }

    pub async fn user(&self, username: &str, role: &str) -> TestUser {
        let id = self.create_user(username, role).await;
        let tokens = self.login(username, PASSWORD).await;
        TestUser {
            id,
            access_token: tokens["access_token"].as_str().unwrap().to_string(),
            refresh_token: tokens["refresh_token"].as_str().unwrap().to_string(),
        }
    }
}
impl TestServer {
    /// `GET path` with the admin key: 200 and its JSON body.
    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path, &self.admin).await;
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.unwrap()
    }

    /// Shuts the server down gracefully; the returned directory keeps a SQLite database.
    pub async fn shutdown(self) -> tempfile::TempDir {
        self.running.shutdown().await.expect("clean shutdown");
        self._dir
    }
}

/// Polls `GET path` until `done` holds for the JSON body; fails after `within`.
pub async fn wait_until(
    s: &TestServer,
    path: &str,
    within: Duration,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = std::time::Instant::now() + within;
    loop {
        let body = s.get_json(path).await;
        if done(&body) {
            return body;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{path} did not reach the expected state within {within:?}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// A small repository to audit: a Dockerfile and a README.
pub fn fixture_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM python:3.12\nCOPY . /app\nCMD [\"python\", \"/app/main.py\"]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("README.md"), "# demo\n").unwrap();
    std::fs::write(dir.path().join("main.py"), "print('hello')\n").unwrap();
    dir
}

/// A database of its own (migrated, no server): a SQLite file in a temp dir, or a fresh
/// PostgreSQL database. Keep the returned value alive as long as the database is used.
pub struct FreshDb {
    pub db: vouch_server::db::Db,
    pub url: String,
    pub _dir: tempfile::TempDir,
}

pub async fn fresh_db(backend: Backend) -> FreshDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match backend {
        Backend::Sqlite => format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("fresh.db").display()
        ),
        Backend::Postgres => fresh_pg_database().await.0,
    };
    let config = Config {
        database_url: Some(url.clone()),
        db_max_connections: 8,
        ..Config::default()
    };
    let db = vouch_server::open_database(&config)
        .await
        .expect("database opens and migrates");
    FreshDb { db, url, _dir: dir }
}

/// A raw connection outside the pool (for tampering with rows the server protects).
pub async fn raw_connection(url: &str) -> sqlx::AnyConnection {
    sqlx::any::install_default_drivers();
    sqlx::AnyConnection::connect(url)
        .await
        .expect("raw connection")
}
