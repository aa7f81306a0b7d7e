//! The security audit log: an append-only, hash-chained record of security events (API keys
//! created, revoked or rotated, the bootstrap admin key, and later logins, roles, sign-offs and
//! settings). Each entry's hash covers its own fields and the previous entry's hash, so
//! editing or deleting a row breaks the chain at that row; `verify` finds the first break.
//!
//! Appends are serialised (PostgreSQL: a transaction-level advisory lock; SQLite: `BEGIN
//! IMMEDIATE`, the single writer), and `seq` is the primary key, so two writers can never fork
//! the chain.

pub mod chain;
pub mod routes;
pub mod verify;

use crate::clock;
use crate::db::{Backend, Db};
use crate::repo::audit_log::{self as repo, AuditEntry};
use serde_json::Value;

pub use verify::{Break, Report, verify};

/// Event kinds written by this server (`area.action`).
pub mod kinds {
    pub const API_KEY_CREATED: &str = "api_key.created";
    pub const API_KEY_REVOKED: &str = "api_key.revoked";
    pub const API_KEY_ROTATED: &str = "api_key.rotated";
    pub const ADMIN_KEY_BOOTSTRAPPED: &str = "api_key.bootstrapped";
}

/// Who did what to what. `actor` and `subject` are short references such as `api-key:3`,
/// `user:alice` or `system`; `detail` is any JSON value (never a secret).
#[derive(Clone, Debug)]
pub struct SecurityEvent {
    pub kind: String,
    pub actor: String,
    pub subject: String,
    pub detail: Value,
}

impl SecurityEvent {
    pub fn new(
        kind: &str,
        actor: impl Into<String>,
        subject: impl Into<String>,
        detail: Value,
    ) -> Self {
        SecurityEvent {
            kind: kind.to_string(),
            actor: actor.into(),
            subject: subject.into(),
            detail,
        }
    }
}

/// The actor reference of an API key.
pub fn api_key_ref(id: i64) -> String {
    format!("api-key:{id}")
}

/// The actor of a request: `api-key:ID` for a key, `user:ID` for a user.
pub fn actor(principal: &crate::auth::Principal) -> String {
    match principal.key_id() {
        Some(id) => api_key_ref(id),
        None => principal.subject(),
    }
}

/// The actor of events the server causes itself (start-up provisioning).
pub const SYSTEM: &str = "system";

/// A constant key for PostgreSQL's advisory lock that serialises appends ("vouchaud").
const APPEND_LOCK: i64 = 0x766f_7563_6861_7564;

/// Appends `event` to the chain and returns the stored entry.
pub async fn record(db: &Db, event: SecurityEvent) -> Result<AuditEntry, sqlx::Error> {
    let detail =
        serde_json::to_string(&event.detail).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let mut tx = match db.backend {
        // IMMEDIATE takes the write lock now, so the last row read below stays the last one.
        Backend::Sqlite => db.pool.begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => {
            let mut tx = db.pool.begin().await?;
            sqlx::query("SELECT 1 FROM pg_advisory_xact_lock($1)")
                .bind(APPEND_LOCK)
                .execute(&mut *tx)
                .await?;
            tx
        }
    };
    let (seq, prev_hash) = match repo::last(&mut tx).await? {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, chain::GENESIS.to_string()),
    };
    let mut entry = AuditEntry {
        seq,
        at: clock::now_ms(),
        kind: event.kind,
        actor: event.actor,
        subject: event.subject,
        detail,
        prev_hash,
        hash: String::new(),
    };
    entry.hash = chain::hash(&entry);
    repo::insert(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(entry)
}
