//! Closed model: each connection sends its next request as soon as the previous one is
//! answered. Latency runs from the send to the end of the body.

use super::connection::Connection;
use super::worker::{Sent, Slot};
use super::{RunOutput, measured_span};
use crate::plan::Plan;
use crate::progress::Live;
use crate::recorder::Recorder;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub async fn run(
    plan: Arc<Plan>,
    addr: SocketAddr,
    connections: Vec<Option<Connection>>,
    live: Arc<Live>,
) -> RunOutput {
    let start = Instant::now();
    let window_start = start + plan.warmup;
    let end = window_start + plan.duration;
    let issued = Arc::new(AtomicU64::new(0));
    let workers = connections.len() as u64;
    let mut set = tokio::task::JoinSet::new();
    for (id, connection) in connections.into_iter().enumerate() {
        let (plan, live, issued) = (plan.clone(), live.clone(), issued.clone());
        set.spawn(async move {
            let mut slot = Slot::new(addr, connection);
            let mut recorder = Recorder::new(plan.endpoints.len());
            let mut last = None;
            let mut n = id as u64;
            loop {
                let sent_at = Instant::now();
                if sent_at >= end {
                    break;
                }
                let measured = sent_at >= window_start;
                if measured
                    && let Some(cap) = plan.max_requests
                    && issued.fetch_add(1, Ordering::Relaxed) >= cap
                {
                    break;
                }
                let index = plan.pick(n);
                n += workers;
                let endpoint = &plan.endpoints[index];
                let outcome = slot.send(endpoint, plan.timeout, &live).await;
                let done = Instant::now();
                if measured {
                    record(&mut recorder, index, outcome, done - sent_at);
                    last = Some(done);
                }
            }
            (recorder, last)
        });
    }
    let mut recorder = Recorder::new(plan.endpoints.len());
    let mut lasts = Vec::new();
    while let Some(joined) = set.join_next().await {
        if let Ok((r, last)) = joined {
            recorder.merge(r);
            lasts.push(last);
        }
    }
    RunOutput {
        recorder,
        measured: measured_span(window_start, lasts.into_iter()),
        missed: 0,
        planned: None,
    }
}

fn record(recorder: &mut Recorder, index: usize, outcome: Sent, latency: Duration) {
    match outcome {
        Sent::Response { status, bytes } => {
            recorder.response(index, status, latency, latency, bytes);
        }
        Sent::Failed(kind) => recorder.failure(index, kind),
    }
}
