//! The server's HTTP API, end to end against a real server, on SQLite and on PostgreSQL.

mod receiver;
mod support;

mod auth;
mod idempotency;
mod migrations;
mod ops;
mod probes;
mod projects;
mod rate_limit;
mod readiness;
mod runs;
mod shutdown;
mod webhooks;
