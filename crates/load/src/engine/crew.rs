//! The workers' threads: one OS thread per core, each with its own single-threaded tokio
//! runtime and a fixed share of the connections. A connection's I/O, timer and bookkeeping
//! never leave its thread (no work stealing, no cross-core wake-ups), which is what wrk does
//! with one event loop per thread.

use super::connection::Connection;
use super::dial::Dial;
use super::worker::{Slot, connect};
use crate::error::LoadError;
use crate::progress::Live;
use crate::recorder::Recorder;
use std::future::Future;
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What one worker (one connection) recorded.
pub struct Finished {
    pub recorder: Recorder,
    /// When its last measured request ended.
    pub last: Option<Instant>,
}

/// Threads with their connections open, waiting for the start signal.
pub struct Crew<C> {
    go: Vec<mpsc::SyncSender<Arc<C>>>,
    results: mpsc::Receiver<Vec<Finished>>,
    threads: Vec<JoinHandle<()>>,
}

/// Starts `threads` threads (at most one per connection) and opens `connections` connections
/// spread over them, before any clock starts, so connect time lands in no request's latency.
/// A connection that fails here is retried on first use. Each connection then runs
/// `work(context, slot)` once [`Crew::go`] hands out the context.
pub fn assemble<C, F, Fut>(
    addr: Dial,
    threads: usize,
    connections: usize,
    timeout: Duration,
    live: Arc<Live>,
    work: F,
) -> Result<Crew<C>, LoadError>
where
    C: Send + Sync + 'static,
    F: Fn(Arc<C>, Slot) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Finished> + Send + 'static,
{
    let threads = threads.clamp(1, connections.max(1));
    let work = Arc::new(work);
    let (ready_tx, ready_rx) = mpsc::channel::<Result<(), String>>();
    let (results_tx, results) = mpsc::channel();
    let mut crew = Crew {
        go: Vec::with_capacity(threads),
        results,
        threads: Vec::with_capacity(threads),
    };
    for t in 0..threads {
        let addr = addr.clone();
        let share = connections / threads + usize::from(t < connections % threads);
        let (go_tx, go_rx) = mpsc::sync_channel::<Arc<C>>(1);
        let (ready_tx, results_tx, live, work) = (
            ready_tx.clone(),
            results_tx.clone(),
            live.clone(),
            work.clone(),
        );
        let spawned = std::thread::Builder::new()
            .name(format!("vouch-load-{t}"))
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                        return;
                    }
                };
                let opened = runtime.block_on(open_all(&addr, share, timeout));
                let _ = ready_tx.send(Ok(()));
                drop(ready_tx);
                // No context means the run was called off before it started.
                let Ok(context) = go_rx.recv() else { return };
                let finished = runtime.block_on(async move {
                    let mut set = tokio::task::JoinSet::new();
                    for connection in opened {
                        let slot = Slot::new(addr.clone(), connection, live.clone());
                        set.spawn(work(context.clone(), slot));
                    }
                    let mut out = Vec::with_capacity(set.len());
                    while let Some(joined) = set.join_next().await {
                        if let Ok(done) = joined {
                            out.push(done);
                        }
                    }
                    out
                });
                let _ = results_tx.send(finished);
            })
            .map_err(|e| LoadError::Runtime(e.to_string()))?;
        crew.go.push(go_tx);
        crew.threads.push(spawned);
    }
    drop(ready_tx);
    for _ in 0..threads {
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(message)) => return Err(LoadError::Runtime(message)),
            Err(_) => return Err(LoadError::Runtime("a worker thread ended".into())),
        }
    }
    Ok(crew)
}

async fn open_all(addr: &Dial, count: usize, timeout: Duration) -> Vec<Option<Connection>> {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..count {
        set.spawn(connect(addr.clone(), timeout));
    }
    let mut out = Vec::with_capacity(count);
    while let Some(joined) = set.join_next().await {
        out.push(joined.ok().flatten());
    }
    out
}

impl<C> Crew<C> {
    /// Starts every worker with `context`.
    pub fn go(&mut self, context: Arc<C>) {
        for go in self.go.drain(..) {
            let _ = go.send(context.clone());
        }
    }

    /// Waits for every worker. When `deadline` passes first, calls `on_deadline` once (to tell
    /// the workers to stop) and keeps waiting.
    pub fn finish(self, deadline: Option<Instant>, on_deadline: impl FnOnce()) -> Vec<Finished> {
        let mut on_deadline = Some(on_deadline);
        let mut pending = self.threads.len();
        let mut out = Vec::new();
        while pending > 0 {
            let got = match deadline.filter(|_| on_deadline.is_some()) {
                Some(deadline) => {
                    let wait = deadline.saturating_duration_since(Instant::now());
                    match self.results.recv_timeout(wait) {
                        Ok(finished) => Some(finished),
                        Err(mpsc::RecvTimeoutError::Timeout) => {
                            if let Some(stop) = on_deadline.take() {
                                stop();
                            }
                            continue;
                        }
                        Err(mpsc::RecvTimeoutError::Disconnected) => None,
                    }
                }
                None => self.results.recv().ok(),
            };
            match got {
                Some(finished) => {
                    out.extend(finished);
                    pending -= 1;
                }
                // Every thread has ended (one may have panicked): take what came back.
                None => break,
            }
        }
        for thread in self.threads {
            let _ = thread.join();
        }
        out
    }
}
