//! Open model: requests are due at a constant rate whatever the server does. Latency runs from
//! each request's intended send time, so a stall shows in full for every request that should
//! have left during it (no coordinated omission). A request that leaves late is counted; one
//! still unsent when the hard time limit hits is counted as missed.

use super::connection::Connection;
use super::pacer::{self, Schedule};
use super::worker::{Sent, Slot};
use super::{RunOutput, measured_span};
use crate::plan::Plan;
use crate::progress::Live;
use crate::recorder::Recorder;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// A request that leaves more than this after its intended time counts as late.
pub const LATE_AFTER: Duration = Duration::from_millis(1);

pub async fn run(
    plan: Arc<Plan>,
    addr: SocketAddr,
    connections: Vec<Option<Connection>>,
    rate: f64,
    live: Arc<Live>,
) -> RunOutput {
    let warm = (rate * plan.warmup.as_secs_f64()).floor() as u64;
    let by_duration = (rate * plan.duration.as_secs_f64()).round().max(1.0) as u64;
    let measured_total = plan
        .max_requests
        .map_or(by_duration, |cap| cap.min(by_duration));
    let schedule = Arc::new(Schedule {
        // A short lead so every worker is waiting when the first request falls due.
        start: Instant::now() + Duration::from_millis(5),
        interval: Duration::from_secs_f64(1.0 / rate),
        total: warm + measured_total,
    });
    let window_start = schedule.intended(warm);
    // Past this, nothing new is sent: the last request's due time plus one timeout.
    let hard_stop = schedule.intended(schedule.total) + plan.timeout;
    let permits = Arc::new(Semaphore::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let next = Arc::new(AtomicU64::new(0));
    let pacer = pacer::spawn(schedule.clone(), permits.clone(), stop.clone());

    let mut set = tokio::task::JoinSet::new();
    for connection in connections {
        let (plan, live, schedule, permits, next) = (
            plan.clone(),
            live.clone(),
            schedule.clone(),
            permits.clone(),
            next.clone(),
        );
        set.spawn(async move {
            let mut slot = Slot::new(addr, connection);
            let mut recorder = Recorder::new(plan.endpoints.len());
            let mut last = None;
            while let Ok(permit) = permits.acquire().await {
                permit.forget();
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n + 1 >= schedule.total {
                    // The last request is taken: wake the idle workers so they can finish.
                    permits.close();
                }
                if n >= schedule.total || Instant::now() >= hard_stop {
                    break;
                }
                let intended = schedule.intended(n);
                let index = plan.pick(n);
                let sent_at = Instant::now();
                let outcome = slot.send(&plan.endpoints[index], plan.timeout, &live).await;
                let done = Instant::now();
                if n >= warm {
                    let delay = sent_at.saturating_duration_since(intended);
                    recorder.delay(delay, delay > LATE_AFTER);
                    match outcome {
                        Sent::Response { status, bytes } => recorder.response(
                            index,
                            status,
                            done.saturating_duration_since(intended),
                            done - sent_at,
                            bytes,
                        ),
                        Sent::Failed(kind) => recorder.failure(index, kind),
                    }
                    last = Some(done);
                }
            }
            (recorder, last)
        });
    }

    let mut recorder = Recorder::new(plan.endpoints.len());
    let mut lasts = Vec::new();
    let deadline = tokio::time::Instant::from_std(hard_stop);
    loop {
        tokio::select! {
            joined = set.join_next() => match joined {
                Some(Ok((r, last))) => { recorder.merge(r); lasts.push(last); }
                Some(Err(_)) => {}
                None => break,
            },
            _ = tokio::time::sleep_until(deadline), if !permits.is_closed() => {
                // Out of time: stop handing out requests; in-flight ones end within the timeout.
                permits.close();
                stop.store(true, Ordering::Relaxed);
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    let _ = pacer.join();
    let taken = next.load(Ordering::Relaxed).min(schedule.total);
    RunOutput {
        recorder,
        measured: measured_span(window_start, lasts.into_iter()),
        missed: schedule.total - taken.max(warm),
        planned: Some(measured_total),
    }
}
