//! The server's HTTP API, end to end against a real server, on SQLite and on PostgreSQL.

mod support;

mod audit_log;
mod auth;
mod backup;
mod idempotency;
mod migrations;
mod ops;
mod probes;
mod projects;
mod rate_limit;
mod readiness;
mod runs;
mod shutdown;
