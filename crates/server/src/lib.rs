//! `vouch serve`: the readiness server. This first slice keeps projects and their runs (audit
//! and checklist reports uploaded by CI with API keys) in SQLite or PostgreSQL, with the
//! operations endpoints a production service needs. See docs/server.md.
//!
//! Layout: `config` (one struct), `db` (pool, migrations, readiness), `repo` (all SQL, one file
//! per table family), domain folders with their routes and types (`projects`, `runs`, `auth`),
//! `http` (problems, middleware), `ops` (health, metrics, logging, shutdown), `server` (start
//! and stop).

pub mod app;
pub mod audit_log;
pub mod auth;
pub mod backup;
pub mod checklists;
pub mod clock;
pub mod config;
pub mod config_reference;
pub mod dashboard;
pub mod db;
pub mod fresh_cache;
pub mod http;
pub mod jobs;
pub mod openapi;
pub mod ops;
pub mod projects;
pub mod repo;
pub mod runs;
pub mod server;
pub mod users;
pub mod webhooks;

pub use config::{Config, Mode};
pub use server::{Running, ServeError, open_database, run, start};
