//! Closed model: each connection sends its next request as soon as the previous one is
//! answered. Latency runs from the send to the end of the body.

use super::crew::{self, Finished};
use super::dial::Dial;
use super::wire::WireRequest;
use super::worker::{Sent, Slot};
use super::{RunOutput, gather};
use crate::error::LoadError;
use crate::plan::Plan;
use crate::progress::Live;
use crate::recorder::Recorder;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// What every worker shares; set when the clock starts.
struct Run {
    plan: Arc<Plan>,
    requests: Vec<WireRequest>,
    window_start: Instant,
    end: Instant,
    /// Measured requests handed out so far (only consulted with `--requests`).
    issued: AtomicU64,
    /// Numbers each worker's requests (worker i takes i, i + workers, …) for the endpoint mix.
    next_id: AtomicU64,
    workers: u64,
}

pub fn run(
    plan: Arc<Plan>,
    addr: Dial,
    requests: Vec<WireRequest>,
    threads: usize,
    live: Arc<Live>,
) -> Result<RunOutput, LoadError> {
    let connections = plan.model.connections();
    let mut crew = crew::assemble(addr, threads, connections, plan.timeout, live, worker)?;
    let start = Instant::now();
    let window_start = start + plan.warmup;
    let context = Arc::new(Run {
        requests,
        window_start,
        end: window_start + plan.duration,
        issued: AtomicU64::new(0),
        next_id: AtomicU64::new(0),
        workers: connections as u64,
        plan: plan.clone(),
    });
    crew.go(context);
    let (recorder, measured) = gather(plan.endpoints.len(), window_start, crew.finish(None, || {}));
    Ok(RunOutput {
        recorder,
        measured,
        missed: 0,
        planned: None,
    })
}

async fn worker(run: Arc<Run>, mut slot: Slot) -> Finished {
    let plan = &run.plan;
    let mut recorder = Recorder::new(plan.endpoints.len());
    let mut last = None;
    let mut n = run.next_id.fetch_add(1, Ordering::Relaxed);
    loop {
        let sent_at = Instant::now();
        if sent_at >= run.end {
            break;
        }
        let measured = sent_at >= run.window_start;
        if measured
            && let Some(cap) = plan.max_requests
            && run.issued.fetch_add(1, Ordering::Relaxed) >= cap
        {
            break;
        }
        let index = plan.pick(n);
        n += run.workers;
        let outcome = slot
            .send(&run.requests[index], sent_at + plan.timeout)
            .await;
        let done = Instant::now();
        if measured {
            match outcome {
                Sent::Response { status, bytes } => {
                    recorder.response(index, status, done - sent_at, bytes);
                }
                Sent::Failed(kind) => recorder.failure(index, kind),
            }
            last = Some(done);
        }
        slot.progress(done);
    }
    Finished { recorder, last }
}
