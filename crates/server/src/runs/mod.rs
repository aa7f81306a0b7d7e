//! Runs: uploaded audit, probe, load and checklist reports (`/api/v1/projects/{name}/runs`, `/api/v1/runs`).

pub mod compress;
pub mod ingest;
pub mod load;
pub mod routes;
pub mod store;
pub mod types;
