//! Server configuration: one struct, read from an optional TOML file, then overridden by the
//! environment, then by command-line flags (the CLI sets fields directly). Every field is
//! documented here because the configuration reference is generated from this file.

use serde::{Deserialize, Serialize, Serializer};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Environment variables read by [`Config::apply_env`], next to the field they set.
pub const ENV_LISTEN: &str = "VOUCH_LISTEN";
pub const ENV_DATABASE_URL: &str = "DATABASE_URL";
pub const ENV_DATA_DIR: &str = "VOUCH_DATA_DIR";
pub const ENV_MODE: &str = "VOUCH_MODE";
pub const ENV_INIT_ADMIN_KEY: &str = "VOUCH_INIT_ADMIN_KEY";
pub const ENV_LOG: &str = "VOUCH_LOG";
pub const ENV_INIT_ADMIN_USER: &str = "VOUCH_INIT_ADMIN_USER";
pub const ENV_INIT_ADMIN_PASSWORD_VAR: &str = "VOUCH_INIT_ADMIN_PASSWORD";
pub const ENV_SIGNING_KEY: &str = "VOUCH_SIGNING_KEY";
pub const ENV_SIGNING_KEY_FILE: &str = "VOUCH_SIGNING_KEY_FILE";
pub const ENV_PREVIOUS_PUBLIC_KEYS: &str = "VOUCH_PREVIOUS_PUBLIC_KEYS";
pub const ENV_JOB_WORKERS: &str = "VOUCH_JOB_WORKERS";
pub const ENV_BACKUP_DIR: &str = "VOUCH_BACKUP_DIR";
pub const ENV_SIGNOFF_KEY_FILE: &str = "VOUCH_SIGNOFF_KEY_FILE";
pub const ENV_SIGNOFF_TRUSTED_KEYS: &str = "VOUCH_SIGNOFF_TRUSTED_KEYS";
pub const ENV_OIDC_ISSUER: &str = "VOUCH_OIDC_ISSUER";
pub const ENV_OIDC_AUDIENCE: &str = "VOUCH_OIDC_AUDIENCE";
pub const ENV_OIDC_ROLE_MAP: &str = "VOUCH_OIDC_ROLE_MAP";
/// The OpenTelemetry specification's names, so a standard deployment configures vouch too.
pub const ENV_OTLP_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";
pub const ENV_OTEL_SERVICE_NAME: &str = "OTEL_SERVICE_NAME";
pub const ENV_SENTRY_DSN: &str = "VOUCH_SENTRY_DSN";

/// Each environment variable and the field it sets: the configuration reference's `env`
/// column, and a test proves [`Config::apply_env`] reads exactly these.
pub const ENV_FIELDS: &[(&str, &str)] = &[
    (ENV_LISTEN, "listen"),
    (ENV_DATABASE_URL, "database_url"),
    (ENV_DATA_DIR, "data_dir"),
    (ENV_MODE, "mode"),
    (ENV_INIT_ADMIN_KEY, "init_admin_key"),
    (ENV_LOG, "log"),
    (ENV_INIT_ADMIN_USER, "init_admin_user"),
    (ENV_INIT_ADMIN_PASSWORD_VAR, "init_admin_password"),
    (ENV_SIGNING_KEY, "signing_key"),
    (ENV_SIGNING_KEY_FILE, "signing_key_file"),
    (ENV_PREVIOUS_PUBLIC_KEYS, "previous_public_keys"),
    (ENV_JOB_WORKERS, "job_workers"),
    (ENV_BACKUP_DIR, "backup_dir"),
    (ENV_SIGNOFF_KEY_FILE, "signoff_key_file"),
    (ENV_SIGNOFF_TRUSTED_KEYS, "signoff_trusted_keys"),
    (ENV_OIDC_ISSUER, "oidc_issuer"),
    (ENV_OIDC_AUDIENCE, "oidc_audience"),
    (ENV_OIDC_ROLE_MAP, "oidc_role_map"),
    (ENV_OTLP_ENDPOINT, "otlp_endpoint"),
    (ENV_OTEL_SERVICE_NAME, "otel_service_name"),
    (ENV_SENTRY_DSN, "sentry_dsn"),
];

/// Secrets a configuration file must not hold: they come from the environment only.
pub const ENV_ONLY_FIELDS: &[&str] = &["init_admin_password", "signing_key"];

/// How strict the server is about its own set-up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Local use: human-readable defaults are accepted.
    #[default]
    Development,
    /// Deployed: refuses settings that are only safe on a laptop.
    Production,
}

impl std::str::FromStr for Mode {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "development" | "dev" => Ok(Mode::Development),
            "production" | "prod" => Ok(Mode::Production),
            other => Err(ConfigError::Invalid {
                field: "mode",
                message: format!("`{other}` is not development or production"),
            }),
        }
    }
}

/// Everything `vouch serve` can be told. `Serialize` and `ToSchema` exist for the generated
/// configuration reference (`config_reference`); secrets serialize redacted.
#[derive(Clone, Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address and port the HTTP API listens on (`--listen`, `VOUCH_LISTEN`).
    /// Default `127.0.0.1:8080`: reachable from this machine only until you choose otherwise.
    #[schema(value_type = String)]
    pub listen: SocketAddr,
    /// Database URL (`DATABASE_URL`). `postgres://user:pass@host/db` for PostgreSQL (several
    /// replicas can share it), `sqlite:///path/file.db` for SQLite. When absent the server uses
    /// the SQLite file `vouch.db` in `data_dir`, created on first start.
    pub database_url: Option<String>,
    /// Directory for the default SQLite database (`VOUCH_DATA_DIR`). Default `./vouch-data`.
    #[schema(value_type = String)]
    pub data_dir: PathBuf,
    /// `development` or `production` (`VOUCH_MODE`). Production refuses a plaintext admin key
    /// given in the configuration file.
    #[schema(inline)]
    pub mode: Mode,
    /// Largest request body accepted, in bytes; larger requests get 413. Default 16 MiB, which
    /// holds the biggest audit reports seen in practice with room to spare.
    pub max_body_bytes: usize,
    /// Connections kept in the database pool at most. Default 10.
    pub db_max_connections: u32,
    /// Seconds a request waits for a database connection before failing with 503. Default 5.
    pub db_acquire_timeout_secs: u64,
    /// Seconds in-flight requests get to finish after SIGTERM or Ctrl-C. Default 30.
    pub shutdown_grace_secs: u64,
    /// Log filter, e.g. `info` or `vouch_server=debug,sqlx=warn` (`VOUCH_LOG`). Default `info`.
    /// Logs are JSON lines on stderr.
    pub log: String,
    /// A bootstrap admin API key (`VOUCH_INIT_ADMIN_KEY`, `vk_` followed by 64 hex digits).
    /// When set, the key is stored (hash only) if no key with that hash exists yet, so a
    /// deployment can provision its first admin key from a secret store. Prefer
    /// `vouch serve --init-admin-key`, which generates one and prints it once.
    #[serde(serialize_with = "redacted")]
    pub init_admin_key: Option<String>,
    /// Requests per second one client address may make on average (0: no limit). Default 50.
    /// Applies before authentication, so guessing keys is limited too; `/healthz` and
    /// `/readyz` are exempt. Clients over it get 429 with `Retry-After`.
    pub rate_limit_ip_per_sec: u32,
    /// Requests one client address may make at once above that rate. Default 100.
    pub rate_limit_ip_burst: u32,
    /// Requests per second one API key may make on average (0: no limit). Default 50.
    pub rate_limit_key_per_sec: u32,
    /// Requests one API key may make at once above that rate. Default 100.
    pub rate_limit_key_burst: u32,
    /// Username of the first admin user (`VOUCH_INIT_ADMIN_USER`, default `admin` when a
    /// password is given). Created with `VOUCH_INIT_ADMIN_PASSWORD` only while the server has
    /// no user at all; later starts leave users alone.
    pub init_admin_user: Option<String>,
    /// Password of the first admin user: from `VOUCH_INIT_ADMIN_PASSWORD` only, never from the
    /// configuration file. It must pass the password policy.
    #[serde(serialize_with = "redacted")]
    pub init_admin_password: Option<String>,
    /// The Ed25519 key that signs access tokens, from `VOUCH_SIGNING_KEY` only (never from the
    /// configuration file): a PKCS#8 PEM private key, or the 32-byte seed in hex or base64.
    #[serde(serialize_with = "redacted")]
    pub signing_key: Option<String>,
    /// A file holding the signing key in one of those formats (`VOUCH_SIGNING_KEY_FILE`), e.g.
    /// from `openssl genpkey -algorithm ed25519`. Without a key, development mode signs with a
    /// key generated at start (tokens die with the process) and production mode refuses to
    /// start.
    #[schema(value_type = Option<String>)]
    pub signing_key_file: Option<PathBuf>,
    /// Public keys of earlier signing keys, still accepted for verification so a key rotation
    /// logs nobody out: each entry is the JWK `x` value (base64url) shown by
    /// `/.well-known/jwks.json`, 64 hex digits, or a path to a PEM file (public or private
    /// key). `VOUCH_PREVIOUS_PUBLIC_KEYS` takes a comma-separated list. Remove an entry once the
    /// tokens it signed have expired (`access_token_ttl_secs` after the rotation).
    pub previous_public_keys: Vec<String>,
    /// Lifetime of an access token (a JWT) in seconds. Default 900 (15 minutes).
    pub access_token_ttl_secs: u64,
    /// Lifetime of a refresh token in seconds; every use rotates it. Default 1,209,600 (14 days).
    pub refresh_token_ttl_secs: u64,
    /// The `iss` claim of the access tokens this server issues and accepts. Default `vouch`.
    pub token_issuer: String,
    /// The `aud` claim of the access tokens this server issues and accepts. Default `vouch-api`.
    pub token_audience: String,
    /// Job workers (tokio tasks) this server runs (`VOUCH_JOB_WORKERS`). Default 2; 0 runs
    /// none (the server still accepts jobs; another replica runs them).
    pub job_workers: usize,
    /// Seconds a worker's lease on a running job lasts; the worker renews it every third of
    /// that. A job whose lease expired (its worker died) is taken back by any worker.
    /// Default 30.
    pub job_lease_secs: u64,
    /// Seconds one attempt of a job may run before it is abandoned as timed out (then retried
    /// while attempts remain). Default 600.
    pub job_timeout_secs: u64,
    /// Attempts a job gets before it fails for good (transient failures only: a permanent
    /// error, such as a missing path, fails at once). Default 3.
    pub job_max_attempts: u32,
    /// First retry delay ceiling in milliseconds; it doubles per attempt up to
    /// `job_retry_cap_ms`, and the actual delay is drawn uniformly below it (full jitter).
    /// Default 5000.
    pub job_retry_base_ms: u64,
    /// Largest retry delay ceiling in milliseconds. Default 300000 (5 minutes).
    pub job_retry_cap_ms: u64,
    /// Milliseconds an idle worker waits before looking for work again (a job created on this
    /// server wakes its workers at once). Default 1000.
    pub job_poll_ms: u64,
    /// Test harness only: accepts the job kind `sleep` (waits `seconds`, then audits like
    /// `audit`), so fault tests can stop a server mid-job deterministically. Default false.
    pub job_test_kinds: bool,
    /// Webhooks: an audit run whose overall score is at least this many points below the
    /// project's previous audit run sends a `score_drop` event. Default 1 (any drop).
    pub webhook_score_drop_threshold: u32,
    /// Webhooks: milliseconds one delivery attempt may take (connect, send, answer) before it
    /// counts as failed. Default 10000.
    pub webhook_timeout_ms: u64,
    /// Webhooks: delay before the first retry, in milliseconds; each further retry doubles it,
    /// with random jitter (between half and all of it). Default 1000.
    pub webhook_backoff_initial_ms: u64,
    /// Webhooks: the longest delay between two retries, in milliseconds. Default 3600000 (1 h).
    pub webhook_backoff_max_ms: u64,
    /// Webhooks: attempts after which a delivery is given up and marked dead. Default 15.
    pub webhook_max_attempts: u32,
    /// Webhooks: seconds after which a delivery that keeps failing is marked dead, whatever
    /// its attempts. Default 86400 (a day).
    pub webhook_max_age_secs: u64,
    /// Webhooks: consecutive failed deliveries to one endpoint that open its circuit breaker;
    /// while open, its deliveries wait instead of being tried. Default 5.
    pub webhook_breaker_failures: u32,
    /// Webhooks: milliseconds an open breaker waits before letting one probe delivery through
    /// (half-open). Default 60000.
    pub webhook_breaker_cooldown_ms: u64,
    /// Webhooks: milliseconds between two looks at the outbox when nothing woke the sender
    /// (a stored run wakes it at once). Default 1000.
    pub webhook_poll_ms: u64,
    /// Directory scheduled backups are written to (`VOUCH_BACKUP_DIR`), as
    /// `vouch-backup-<UTC time>.jsonl.gz` logical archives. Scheduled backups run when this and
    /// `backup_interval_secs` are both set; enable them on one replica only.
    #[schema(value_type = Option<String>)]
    pub backup_dir: Option<PathBuf>,
    /// Seconds between scheduled backups, the first one at start; 0 (the default) turns them
    /// off. 86400 backs up daily.
    pub backup_interval_secs: u64,
    /// Scheduled backups kept: after each backup the oldest beyond this many are deleted
    /// (0 keeps all). Default 7.
    pub backup_keep: usize,
    /// Scheduled backups older than this many days are deleted after each backup (the newest
    /// is always kept); 0, the default, sets no age limit.
    pub backup_keep_days: u64,
    /// The Ed25519 key that signs the sign-offs users make in the server (dashboard, `POST
    /// /api/v1/projects/{name}/checklist/signoffs`): a PKCS#8 PEM file (`VOUCH_SIGNOFF_KEY_FILE`),
    /// e.g. from `openssl genpkey -algorithm ed25519`. Without one, development mode signs with
    /// a key generated at start and production mode refuses to start.
    #[schema(value_type = Option<String>)]
    pub signoff_key_file: Option<PathBuf>,
    /// Public keys (64 hex digits, as `vouch keygen` prints them) of the people whose uploaded
    /// sign-offs this server accepts (`VOUCH_SIGNOFF_TRUSTED_KEYS`, comma-separated). Empty, the
    /// default, accepts any sign-off whose signature verifies.
    pub signoff_trusted_keys: Vec<String>,
    /// Seconds an API key's old secret keeps working after `POST /api/v1/api-keys/{id}/rotate`
    /// (the request's `grace_seconds` overrides it; 0 ends it at once). Default 86400 (a day),
    /// time for CI to pick up the new secret.
    pub api_key_rotation_grace_secs: u64,
    /// OIDC: the external issuer whose access tokens are accepted (`VOUCH_OIDC_ISSUER`),
    /// exactly as its tokens' `iss` claim says it, e.g. `https://login.example.com/realms/eng`.
    /// Its keys come from `{issuer}/.well-known/openid-configuration` → `jwks_uri`. Unset (the
    /// default): OIDC is off. Production mode requires https.
    pub oidc_issuer: Option<String>,
    /// OIDC: the `aud` the issuer's tokens must carry, usually the client id registered for
    /// vouch (`VOUCH_OIDC_AUDIENCE`). Required with `oidc_issuer`.
    pub oidc_audience: Option<String>,
    /// OIDC: the claim holding the user's groups or roles (a string or a list of strings).
    /// `a.b` reads a nested claim (Keycloak: `realm_access.roles`). Default `groups`.
    pub oidc_roles_claim: String,
    /// OIDC: claim value → vouch role (`viewer`, `engineer`, `admin`), as a TOML table, e.g.
    /// `[oidc_role_map]` with `"platform-admins" = "admin"`. A user with several mapped values
    /// gets the highest role; with none, 403. Required with `oidc_issuer`. `VOUCH_OIDC_ROLE_MAP`
    /// replaces it with `value=role` pairs separated by commas (`platform-admins=admin,sre=engineer`;
    /// values that contain a comma, such as LDAP DNs, need the TOML table).
    pub oidc_role_map: std::collections::BTreeMap<String, String>,
    /// OIDC: seconds the issuer's keys are used before they are fetched again. Default 3600.
    pub oidc_jwks_cache_secs: u64,
    /// OIDC: the fewest seconds between two fetches of the issuer's keys, whatever triggers
    /// them (a token with an unknown `kid`, a failed fetch). Default 10.
    pub oidc_jwks_min_refetch_secs: u64,
    /// OIDC: milliseconds one request to the issuer (discovery or keys) may take. Default 5000.
    pub oidc_fetch_timeout_ms: u64,
    /// Base URL of an OpenTelemetry collector's OTLP/HTTP receiver, e.g.
    /// `http://otel-collector:4318` (`OTEL_EXPORTER_OTLP_ENDPOINT`). When set, the server
    /// exports traces (protobuf, POSTed to `<endpoint>/v1/traces`): a span per request, job run
    /// and webhook delivery, continuing a caller's W3C `traceparent`. Unset (the default):
    /// nothing is recorded or exported.
    pub otlp_endpoint: Option<String>,
    /// `service.name` of the exported traces (`OTEL_SERVICE_NAME`). Default `vouch-server`.
    pub otel_service_name: String,
    /// DSN of a Sentry-protocol error tracker (Sentry, or a self-hosted Sentry or GlitchTip),
    /// e.g. `https://<key>@errors.example.com/7` (`VOUCH_SENTRY_DSN`). When set, every log
    /// line at error level (the causes of 5xx answers, failed workers and backups) and every panic is sent
    /// there as an event with the line's fields, the info and warn lines before it as
    /// breadcrumbs; the environment is the mode, the release `vouch@<version>`. No request
    /// bodies, headers or user data are sent. Unset (the default): nothing leaves the server.
    #[serde(serialize_with = "redacted")]
    pub sentry_dsn: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: None,
            data_dir: PathBuf::from("vouch-data"),
            mode: Mode::Development,
            max_body_bytes: 16 * 1024 * 1024,
            db_max_connections: 10,
            db_acquire_timeout_secs: 5,
            shutdown_grace_secs: 30,
            log: "info".to_string(),
            init_admin_key: None,
            rate_limit_ip_per_sec: 50,
            rate_limit_ip_burst: 100,
            rate_limit_key_per_sec: 50,
            rate_limit_key_burst: 100,
            init_admin_user: None,
            init_admin_password: None,
            signing_key: None,
            signing_key_file: None,
            previous_public_keys: Vec::new(),
            access_token_ttl_secs: 15 * 60,
            refresh_token_ttl_secs: 14 * 24 * 3600,
            token_issuer: "vouch".to_string(),
            token_audience: "vouch-api".to_string(),
            job_workers: 2,
            job_lease_secs: 30,
            job_timeout_secs: 600,
            job_max_attempts: 3,
            job_retry_base_ms: 5_000,
            job_retry_cap_ms: 300_000,
            job_poll_ms: 1_000,
            job_test_kinds: false,
            webhook_score_drop_threshold: 1,
            webhook_timeout_ms: 10_000,
            webhook_backoff_initial_ms: 1_000,
            webhook_backoff_max_ms: 3_600_000,
            webhook_max_attempts: 15,
            webhook_max_age_secs: 86_400,
            webhook_breaker_failures: 5,
            webhook_breaker_cooldown_ms: 60_000,
            webhook_poll_ms: 1_000,
            backup_dir: None,
            backup_interval_secs: 0,
            backup_keep: 7,
            backup_keep_days: 0,
            signoff_key_file: None,
            signoff_trusted_keys: Vec::new(),
            api_key_rotation_grace_secs: 86_400,
            oidc_issuer: None,
            oidc_audience: None,
            oidc_roles_claim: "groups".to_string(),
            oidc_role_map: std::collections::BTreeMap::new(),
            oidc_jwks_cache_secs: 3_600,
            oidc_jwks_min_refetch_secs: 10,
            oidc_fetch_timeout_ms: 5_000,
            otlp_endpoint: None,
            otel_service_name: "vouch-server".to_string(),
            sentry_dsn: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid configuration file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("invalid {field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
}

impl Config {
    /// Defaults, then the TOML file when given, then the environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let mut config = match file {
            Some(path) => Config::from_file(path)?,
            None => Config::default(),
        };
        config.apply_env(|name| std::env::var(name).ok())?;
        Ok(config)
    }

    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let config: Config = toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        // Serialized, a secret is null exactly when unset.
        let values = serde_json::to_value(&config).unwrap_or_default();
        if let Some(field) = ENV_ONLY_FIELDS
            .iter()
            .copied()
            .find(|f| !values[*f].is_null())
        {
            let env = ENV_FIELDS
                .iter()
                .find(|(_, f)| *f == field)
                .map_or("", |(e, _)| e);
            return Err(ConfigError::Parse {
                path: path.to_path_buf(),
                message: format!(
                    "`{field}` is a secret read from {env} only, never from the configuration file"
                ),
            });
        }
        if config.mode == Mode::Production && config.init_admin_key.is_some() {
            return Err(ConfigError::Invalid {
                field: "init_admin_key",
                message: "a key in the configuration file is refused in production mode; \
                          pass it through VOUCH_INIT_ADMIN_KEY from your secret store"
                    .into(),
            });
        }
        Ok(config)
    }

    /// Overrides fields from environment variables; `lookup` is `std::env::var` outside tests.
    pub fn apply_env(
        &mut self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<(), ConfigError> {
        let set = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        if let Some(listen) = set(ENV_LISTEN) {
            self.listen = parse_listen(&listen)?;
        }
        if let Some(url) = set(ENV_DATABASE_URL) {
            self.database_url = Some(url);
        }
        if let Some(dir) = set(ENV_DATA_DIR) {
            self.data_dir = PathBuf::from(dir);
        }
        if let Some(mode) = set(ENV_MODE) {
            self.mode = mode.parse()?;
        }
        if let Some(key) = set(ENV_INIT_ADMIN_KEY) {
            self.init_admin_key = Some(key);
        }
        if let Some(log) = set(ENV_LOG) {
            self.log = log;
        }
        if let Some(user) = set(ENV_INIT_ADMIN_USER) {
            self.init_admin_user = Some(user);
        }
        if let Some(password) = lookup(ENV_INIT_ADMIN_PASSWORD_VAR).filter(|v| !v.is_empty()) {
            self.init_admin_password = Some(password);
        }
        if let Some(key) = set(ENV_SIGNING_KEY) {
            self.signing_key = Some(key);
        }
        if let Some(file) = set(ENV_SIGNING_KEY_FILE) {
            self.signing_key_file = Some(PathBuf::from(file));
        }
        if let Some(keys) = set(ENV_PREVIOUS_PUBLIC_KEYS) {
            self.previous_public_keys = comma_list(&keys);
        }
        if let Some(workers) = set(ENV_JOB_WORKERS) {
            self.job_workers = workers.trim().parse().map_err(|_| ConfigError::Invalid {
                field: "job_workers",
                message: format!("`{workers}` is not a number of workers"),
            })?;
        }
        if let Some(dir) = set(ENV_BACKUP_DIR) {
            self.backup_dir = Some(PathBuf::from(dir));
        }
        if let Some(file) = set(ENV_SIGNOFF_KEY_FILE) {
            self.signoff_key_file = Some(PathBuf::from(file));
        }
        if let Some(keys) = set(ENV_SIGNOFF_TRUSTED_KEYS) {
            self.signoff_trusted_keys = comma_list(&keys);
        }
        if let Some(issuer) = set(ENV_OIDC_ISSUER) {
            self.oidc_issuer = Some(issuer);
        }
        if let Some(audience) = set(ENV_OIDC_AUDIENCE) {
            self.oidc_audience = Some(audience);
        }
        if let Some(pairs) = set(ENV_OIDC_ROLE_MAP) {
            self.oidc_role_map = parse_role_map(&pairs)?;
        }
        if let Some(endpoint) = set(ENV_OTLP_ENDPOINT) {
            self.otlp_endpoint = Some(endpoint);
        }
        if let Some(name) = set(ENV_OTEL_SERVICE_NAME) {
            self.otel_service_name = name;
        }
        if let Some(dsn) = set(ENV_SENTRY_DSN) {
            self.sentry_dsn = Some(dsn);
        }
        Ok(())
    }

    /// The database URL in effect: `database_url`, else the SQLite file in `data_dir`.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("vouch.db").display()
            ),
        }
    }
}

/// A secret in serialized form: whether it is set, never its value.
fn redacted<S: Serializer>(value: &Option<String>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(_) => serializer.serialize_str("(redacted)"),
        None => serializer.serialize_none(),
    }
}

/// `value=role,value=role` (the role names are checked when the OIDC settings are built).
fn parse_role_map(pairs: &str) -> Result<std::collections::BTreeMap<String, String>, ConfigError> {
    pairs
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.rsplit_once('=') {
            Some((value, role)) if !value.trim().is_empty() => {
                Ok((value.trim().to_string(), role.trim().to_string()))
            }
            _ => Err(ConfigError::Invalid {
                field: "oidc_role_map",
                message: format!("`{pair}` is not `claim value=role`"),
            }),
        })
        .collect()
}

pub fn parse_listen(value: &str) -> Result<SocketAddr, ConfigError> {
    value.trim().parse().map_err(|_| ConfigError::Invalid {
        field: "listen",
        message: format!("`{value}` is not an address like 127.0.0.1:8080"),
    })
}

/// A comma-separated list, blanks dropped.
fn comma_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_the_file_defaults() {
        let mut config = Config::default();
        config
            .apply_env(|name| match name {
                ENV_LISTEN => Some("0.0.0.0:9000".into()),
                ENV_DATABASE_URL => Some("postgres://u@h/db".into()),
                ENV_MODE => Some("production".into()),
                _ => None,
            })
            .unwrap();
        assert_eq!(config.listen.port(), 9000);
        assert_eq!(config.effective_database_url(), "postgres://u@h/db");
        assert_eq!(config.mode, Mode::Production);
    }

    #[test]
    fn default_database_is_a_sqlite_file_in_the_data_dir() {
        let config = Config {
            data_dir: PathBuf::from("/srv/vouch"),
            ..Config::default()
        };
        assert_eq!(
            config.effective_database_url(),
            "sqlite:///srv/vouch/vouch.db?mode=rwc"
        );
    }

    #[test]
    fn bad_values_are_clear_errors() {
        let mut config = Config::default();
        let err = config
            .apply_env(|name| (name == ENV_MODE).then(|| "staging".into()))
            .unwrap_err();
        assert!(err.to_string().contains("staging"), "{err}");
        let err = parse_listen("localhost").unwrap_err();
        assert!(err.to_string().contains("127.0.0.1:8080"), "{err}");
    }

    #[test]
    fn a_toml_file_sets_fields_and_rejects_unknown_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vouch-server.toml");
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:7000\"\nmax_body_bytes = 1024\n",
        )
        .unwrap();
        let config = Config::from_file(&path).unwrap();
        assert_eq!(config.listen.port(), 7000);
        assert_eq!(config.max_body_bytes, 1024);
        std::fs::write(&path, "listn = \"127.0.0.1:7000\"\n").unwrap();
        let err = Config::from_file(&path).unwrap_err();
        assert!(err.to_string().contains("listn"), "{err}");
    }

    #[test]
    fn token_secrets_come_from_the_environment_never_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vouch-server.toml");
        for field in ["signing_key", "init_admin_password"] {
            std::fs::write(&path, format!("{field} = \"x\"\n")).unwrap();
            let err = Config::from_file(&path).unwrap_err();
            assert!(err.to_string().contains(field), "{err}");
        }
        let mut config = Config::default();
        config
            .apply_env(|name| match name {
                ENV_SIGNING_KEY => Some("seed".into()),
                ENV_INIT_ADMIN_PASSWORD_VAR => Some("a long pass phrase".into()),
                ENV_PREVIOUS_PUBLIC_KEYS => Some("k1, k2,".into()),
                _ => None,
            })
            .unwrap();
        assert_eq!(config.signing_key.as_deref(), Some("seed"));
        assert_eq!(
            config.init_admin_password.as_deref(),
            Some("a long pass phrase")
        );
        assert_eq!(config.previous_public_keys, ["k1", "k2"]);
        config
            .apply_env(|name| {
                (name == ENV_OIDC_ROLE_MAP).then(|| "platform-admins = admin, sre=engineer,".into())
            })
            .unwrap();
        assert_eq!(
            config.oidc_role_map,
            [
                ("platform-admins".to_string(), "admin".to_string()),
                ("sre".to_string(), "engineer".to_string())
            ]
            .into()
        );
        let err = config
            .apply_env(|name| (name == ENV_OIDC_ROLE_MAP).then(|| "admins".into()))
            .unwrap_err();
        assert!(err.to_string().contains("`admins`"), "{err}");
        assert_eq!(config.access_token_ttl_secs, 900);
    }
}
