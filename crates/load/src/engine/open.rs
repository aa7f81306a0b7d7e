//! Open model: requests are due at a constant rate whatever the server does. Latency runs from
//! each request's intended send time, so a stall shows in full for every request that should
//! have left during it (no coordinated omission). A request that leaves late is counted; one
//! still unsent when the hard time limit hits is counted as missed.

use super::crew::{self, Finished};
use super::dial::Dial;
use super::pacer::{self, Schedule};
use super::wire::WireRequest;
use super::worker::{Sent, Slot};
use super::{RunOutput, gather};
use crate::error::LoadError;
use crate::plan::Plan;
use crate::progress::Live;
use crate::recorder::Recorder;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// A request that leaves more than this after its intended time counts as late.
pub const LATE_AFTER: Duration = Duration::from_millis(1);

/// What every worker shares; set when the clock starts.
struct Run {
    plan: Arc<Plan>,
    requests: Vec<WireRequest>,
    schedule: Arc<Schedule>,
    /// Requests before this number are warmup: sent, not measured.
    warm: u64,
    /// Past this, nothing new is sent: the last request's due time plus one timeout.
    hard_stop: Instant,
    /// One permit per request that has fallen due (released by the pacer).
    permits: Arc<Semaphore>,
    /// The next request number to take.
    next: AtomicU64,
}

pub fn run(
    plan: Arc<Plan>,
    addr: Dial,
    requests: Vec<WireRequest>,
    threads: usize,
    rate: f64,
    live: Arc<Live>,
) -> Result<RunOutput, LoadError> {
    let warm = (rate * plan.warmup.as_secs_f64()).floor() as u64;
    let by_duration = (rate * plan.duration.as_secs_f64()).round().max(1.0) as u64;
    let measured_total = plan
        .max_requests
        .map_or(by_duration, |cap| cap.min(by_duration));
    let connections = plan.model.connections();
    let mut crew = crew::assemble(addr, threads, connections, plan.timeout, live, worker)?;

    let schedule = Arc::new(Schedule {
        // A short lead so every worker is waiting when the first request falls due.
        start: Instant::now() + Duration::from_millis(5),
        interval: Duration::from_secs_f64(1.0 / rate),
        total: warm + measured_total,
    });
    let window_start = schedule.intended(warm);
    let hard_stop = schedule.intended(schedule.total) + plan.timeout;
    let permits = Arc::new(Semaphore::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let pacer = pacer::spawn(schedule.clone(), permits.clone(), stop.clone());
    let context = Arc::new(Run {
        plan: plan.clone(),
        requests,
        schedule: schedule.clone(),
        warm,
        hard_stop,
        permits: permits.clone(),
        next: AtomicU64::new(0),
    });
    crew.go(context.clone());
    let finished = crew.finish(Some(hard_stop), || {
        // Out of time: stop handing out requests; in-flight ones end within the timeout.
        permits.close();
        stop.store(true, Ordering::Relaxed);
    });
    stop.store(true, Ordering::Relaxed);
    let _ = pacer.join();
    let (recorder, measured) = gather(plan.endpoints.len(), window_start, finished);
    let taken = context.next.load(Ordering::Relaxed).min(schedule.total);
    Ok(RunOutput {
        recorder,
        measured,
        missed: schedule.total - taken.max(warm),
        planned: Some(measured_total),
    })
}

async fn worker(run: Arc<Run>, mut slot: Slot) -> Finished {
    let plan = &run.plan;
    let schedule = &run.schedule;
    let mut recorder = Recorder::new(plan.endpoints.len());
    let mut last = None;
    while let Ok(permit) = run.permits.acquire().await {
        permit.forget();
        let n = run.next.fetch_add(1, Ordering::Relaxed);
        if n + 1 >= schedule.total {
            // The last request is taken: wake the idle workers so they can finish.
            run.permits.close();
        }
        let sent_at = Instant::now();
        if n >= schedule.total || sent_at >= run.hard_stop {
            break;
        }
        let intended = schedule.intended(n);
        let index = plan.pick(n);
        let outcome = slot
            .send(&run.requests[index], sent_at + plan.timeout)
            .await;
        let done = Instant::now();
        if n >= run.warm {
            let delay = sent_at.saturating_duration_since(intended);
            recorder.delay(delay, delay > LATE_AFTER);
            match outcome {
                Sent::Response { status, bytes } => {
                    recorder.response(
                        index,
                        status,
                        done.saturating_duration_since(intended),
                        bytes,
                    );
                    recorder.service_time(done - sent_at);
                }
                Sent::Failed(kind) => recorder.failure(index, kind),
            }
            last = Some(done);
        }
        slot.progress(done);
    }
    Finished { recorder, last }
}
