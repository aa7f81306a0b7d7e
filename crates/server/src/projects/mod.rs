//! Projects: the services under review (`/api/v1/projects`).

pub mod routes;
pub mod types;
