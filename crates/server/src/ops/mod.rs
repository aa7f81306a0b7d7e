//! Operations endpoints and signals: `/healthz`, `/readyz`, `/metrics`, logging, shutdown, traces,
//! error tracking.

pub mod error_tracking;
pub mod health;
pub mod job_metrics;
pub mod logging;
pub mod metrics;
pub mod process;
pub mod shutdown;
pub mod traces;
