//! What the rest of the server knows of its workers: how many run (for `/readyz`), and a bell
//! that wakes idle workers when a job is created here (other replicas find it by polling).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Notify;

#[derive(Debug, Default)]
pub struct JobsHandle {
    pub configured: usize,
    running: AtomicUsize,
    pub wake: Notify,
}

impl JobsHandle {
    pub fn new(configured: usize) -> JobsHandle {
        JobsHandle {
            configured,
            ..JobsHandle::default()
        }
    }

    pub fn running(&self) -> usize {
        self.running.load(Ordering::SeqCst)
    }

    /// Counts a worker as running until the returned guard is dropped (also on panic). Taken
    /// before the worker task is spawned, so `/readyz` counts it from the start.
    pub fn enter(self: &Arc<Self>) -> RunningGuard {
        self.running.fetch_add(1, Ordering::SeqCst);
        RunningGuard(Arc::clone(self))
    }
}

pub struct RunningGuard(Arc<JobsHandle>);

impl Drop for RunningGuard {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::SeqCst);
    }
}
