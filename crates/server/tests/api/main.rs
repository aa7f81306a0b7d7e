//! The server's HTTP API, end to end against a real server, on SQLite and on PostgreSQL.

mod receiver;
mod support;

mod audit_log;
mod auth;
mod backup;
mod checklists;
mod dashboard;
mod dashboard_browser;
mod dashboard_seed;
mod idempotency;
mod job_queue;
mod jobs;
mod jobs_fault;
mod migrations;
mod ops;
mod probes;
mod projects;
mod rate_limit;
mod rbac_matrix;
mod readiness;
mod runs;
mod shutdown;
mod signing;
mod upgrade;
mod users;
mod webhooks;
