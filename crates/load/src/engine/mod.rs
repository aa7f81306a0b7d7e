//! Runs a [`Plan`]: resolves the target, serialises each endpoint's request once, opens the
//! connections on one single-threaded runtime per core, then drives the open or the closed
//! model and hands back what the workers recorded.

mod closed;
mod connection;
mod crew;
mod deadline;
mod dial;
mod open;
mod pacer;
pub mod wire;
pub mod worker;

use crate::error::LoadError;
use crate::plan::{Model, Plan};
use crate::progress::Live;
use crate::recorder::Recorder;
use crew::Finished;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wire::WireRequest;

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
    let addr = dial::Dial::new(plan, resolve(plan)?)?;
    let requests: Vec<WireRequest> = plan.endpoints.iter().map(WireRequest::encode).collect();
    let threads = match plan.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let plan = Arc::new(plan.clone());
    match plan.model {
        Model::Open { rate, .. } => open::run(plan, addr, requests, threads, rate, live),
        Model::Closed { .. } => closed::run(plan, addr, requests, threads, live),
    }
}

fn resolve(plan: &Plan) -> Result<SocketAddr, LoadError> {
    let target = &plan.endpoints[0].target;
    let mut addrs = (target.host.as_str(), target.port)
        .to_socket_addrs()
        .map_err(|e| LoadError::Resolve {
            host: target.host.clone(),
            message: e.to_string(),
        })?;
    addrs.next().ok_or_else(|| LoadError::Resolve {
        host: target.host.clone(),
        message: "no address".to_string(),
    })
}

/// Merges the workers' recorders, and measures from `window_start` to the latest of their
/// last measured responses.
fn gather(
    endpoints: usize,
    window_start: Instant,
    finished: Vec<Finished>,
) -> (Recorder, Duration) {
    let mut recorder = Recorder::new(endpoints);
    let mut last: Option<Instant> = None;
    for done in finished {
        recorder.merge(done.recorder);
        last = last.max(done.last);
    }
    let measured = last
        .map(|t| t.saturating_duration_since(window_start))
        .unwrap_or_default();
    (recorder, measured)
}
