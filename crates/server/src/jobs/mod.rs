//! Durable jobs: audits the server runs itself on a repository path or git URL it can reach.
//! A job is a row in `jobs` (queued → running → succeeded | failed, back to queued for a
//! retry); workers on any replica claim jobs from the database, hold a lease renewed by
//! heartbeats, and store the report as a run exactly like an upload. See docs/server.md.

pub mod audit;
pub mod backoff;
pub mod execute;
pub mod routes;
pub mod source;
pub mod status;
pub mod types;
pub mod worker;

pub use status::JobsHandle;
pub use worker::Workers;
