//! `vouch load`: an HTTP load generator with an open (constant arrival rate, coordinated
//! omission corrected) and a closed (fixed concurrency) model, HDR latency histograms,
//! k6-style thresholds and results as `LOAD` controls.

pub mod controls;
pub mod engine;
pub mod error;
pub mod metric;
pub mod options;
pub mod plan;
pub mod progress;
pub mod recorder;
pub mod render;
pub mod scenario;
pub mod summary;
pub mod target;
pub mod threshold;
pub mod units;

pub use error::LoadError;
pub use metric::measured;
pub use plan::{Endpoint, Model, Plan};
pub use scenario::Scenario;
pub use summary::LoadResult;
pub use target::TargetUrl;
pub use threshold::{Threshold, Verdict};

use progress::Live;
use std::sync::Arc;

/// Runs `plan` and summarises it. Blocks; bounded by the plan's limits.
pub fn run(plan: &Plan, live: Arc<Live>) -> Result<LoadResult, LoadError> {
    let output = engine::run(plan, live)?;
    Ok(LoadResult::from_run(plan, output))
}

/// Each threshold's verdict on `result`, in order.
pub fn judge(result: &LoadResult, thresholds: &[Threshold]) -> Vec<Verdict> {
    thresholds.iter().map(|t| t.evaluate(result)).collect()
}
