//! The server's HTTP API, end to end against a real server, on SQLite and on PostgreSQL.

mod receiver;
mod support;

mod audit_log;
mod auth;
mod backup;
mod catch_panic;
mod checklists;
mod dashboard;
mod dashboard_browser;
mod dashboard_seed;
mod db_outage;
mod idempotency;
mod job_queue;
mod jobs;
mod jobs_fault;
mod key_rotation;
mod migrations;
mod monitoring_as_code;
mod oidc;
mod oidc_issuer;
mod openapi;
mod ops;
mod probes;
mod projects;
mod rate_limit;
mod rbac_matrix;
mod readiness;
mod runs;
mod self_audit;
mod shutdown;
mod signing;
mod traces;
mod upgrade;
mod users;
mod webhooks;
