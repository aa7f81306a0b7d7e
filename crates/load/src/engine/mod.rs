//! Runs a [`Plan`]: resolves the target, opens the connections, then drives the open or the
//! closed model on a tokio runtime and hands back what the workers recorded.

mod closed;
mod connection;
mod open;
mod pacer;
pub mod worker;

use crate::error::LoadError;
use crate::plan::{Model, Plan};
use crate::progress::Live;
use crate::recorder::Recorder;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a run produced, before summarising.
pub struct RunOutput {
    pub recorder: Recorder,
    /// From the start of measurement to the last measured response.
    pub measured: Duration,
    /// Open model: requests due in the measured window that were never sent because the run
    /// hit its hard time limit (the server could not keep up).
    pub missed: u64,
    /// Open model: requests planned for the measured window.
    pub planned: Option<u64>,
}

/// Runs the plan to completion. Blocks the calling thread; bounded by the plan's duration,
/// warmup and timeout.
pub fn run(plan: &Plan, live: Arc<Live>) -> Result<RunOutput, LoadError> {
    plan.validate()?;
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if plan.threads > 0 {
        builder.worker_threads(plan.threads);
    }
    let runtime = builder
        .enable_all()
        .build()
        .map_err(|e| LoadError::Runtime(e.to_string()))?;
    let plan = Arc::new(plan.clone());
    runtime.block_on(async move {
        let addr = resolve(&plan).await?;
        let connections = open_all(addr, plan.model.connections(), plan.timeout).await;
        Ok(match plan.model {
            Model::Open { rate, .. } => open::run(plan, addr, connections, rate, live).await,
            Model::Closed { .. } => closed::run(plan, addr, connections, live).await,
        })
    })
}

async fn resolve(plan: &Plan) -> Result<SocketAddr, LoadError> {
    let target = &plan.endpoints[0].target;
    let mut addrs = tokio::net::lookup_host((target.host.as_str(), target.port))
        .await
        .map_err(|e| LoadError::Resolve {
            host: target.host.clone(),
            message: e.to_string(),
        })?;
    addrs.next().ok_or_else(|| LoadError::Resolve {
        host: target.host.clone(),
        message: "no address".to_string(),
    })
}

/// Opens every connection before the clock starts, like wrk, so connect time does not land in
/// the first requests' latency. A connection that fails here is retried on first use.
async fn open_all(
    addr: SocketAddr,
    count: usize,
    timeout: Duration,
) -> Vec<Option<connection::Connection>> {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..count {
        set.spawn(worker::connect(addr, timeout));
    }
    let mut out = Vec::with_capacity(count);
    while let Some(joined) = set.join_next().await {
        out.push(joined.ok().flatten());
    }
    out
}

/// The latest of the workers' last measured responses, relative to `window_start`.
fn measured_span(window_start: Instant, last: impl Iterator<Item = Option<Instant>>) -> Duration {
    last.flatten()
        .max()
        .map(|t| t.saturating_duration_since(window_start))
        .unwrap_or_default()
}
