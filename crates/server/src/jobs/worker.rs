//! Workers: tokio tasks that claim jobs, hold the lease with heartbeats while the job runs,
//! bound each attempt by the job timeout, and record the outcome (a run, a retry with backoff,
//! or a failure). On shutdown a worker gives its job back to the queue instead of letting the
//! lease run out. Each worker also re-queues jobs whose worker died (expired leases).

use super::backoff::Backoff;
use super::execute::{JobError, execute};
use super::status::{JobsHandle, RunningGuard};
use crate::clock;
use crate::config::Config;
use crate::db::Db;
use crate::ops::metrics::Metrics;
use crate::ops::traces;
use crate::repo::jobs::{self, JobRecord};
use crate::runs::store;
use opentelemetry::KeyValue;
use opentelemetry::trace::SpanKind;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The job settings of [`Config`], as durations.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub lease: Duration,
    pub timeout: Duration,
    pub poll: Duration,
    pub backoff: Backoff,
    pub test_kinds: bool,
    /// The score drop that notifies webhooks (as for uploaded runs).
    pub score_drop_threshold: u32,
}

impl Settings {
    pub fn of(config: &Config) -> Settings {
        Settings {
            lease: Duration::from_secs(config.job_lease_secs.max(1)),
            timeout: Duration::from_secs(config.job_timeout_secs.max(1)),
            poll: Duration::from_millis(config.job_poll_ms.max(10)),
            backoff: Backoff {
                base: Duration::from_millis(config.job_retry_base_ms),
                cap: Duration::from_millis(config.job_retry_cap_ms),
            },
            test_kinds: config.job_test_kinds,
            score_drop_threshold: config.webhook_score_drop_threshold,
        }
    }

    fn lease_ms(&self) -> i64 {
        i64::try_from(self.lease.as_millis()).unwrap_or(i64::MAX)
    }
}

/// The workers of one server; [`Workers::stop`] ends them (dropping this does too).
pub struct Workers {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Workers {
    pub fn start(
        db: &Db,
        config: &Config,
        handle: &Arc<JobsHandle>,
        metrics: &Arc<Metrics>,
        webhooks: &Arc<crate::webhooks::Handle>,
    ) -> Workers {
        let (stop, stopped) = watch::channel(false);
        let settings = Settings::of(config);
        let server = server_id();
        let tasks = (0..config.job_workers)
            .map(|index| {
                let worker = Worker {
                    owner: format!("{server}/{index}"),
                    db: db.clone(),
                    settings,
                    handle: Arc::clone(handle),
                    metrics: Arc::clone(metrics),
                    webhooks: Arc::clone(webhooks),
                    stop: stopped.clone(),
                };
                let running = handle.enter();
                tokio::spawn(worker.run(running))
            })
            .collect();
        Workers { stop, tasks }
    }

    /// Asks every worker to stop (a running job goes back to the queue) and waits for them.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            if let Err(e) = task.await {
                tracing::error!(error = %e, "a job worker failed");
            }
        }
    }
}

/// `host/pid/random`: unique per process, readable in `lease_owner`.
fn server_id() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "server".into());
    let mut random = [0u8; 3];
    let _ = getrandom::fill(&mut random);
    format!(
        "{host}/{}/{}",
        std::process::id(),
        crate::auth::keys::hex(&random)
    )
}

struct Worker {
    owner: String,
    db: Db,
    settings: Settings,
    handle: Arc<JobsHandle>,
    metrics: Arc<Metrics>,
    /// Woken when a stored run queued webhook deliveries.
    webhooks: Arc<crate::webhooks::Handle>,
    stop: watch::Receiver<bool>,
}

/// How one attempt ended.
enum Ended {
    Finished(Result<String, JobError>),
    LeaseLost,
    Stopping,
}

impl Worker {
    async fn run(mut self, _running: RunningGuard) {
        loop {
            if *self.stop.borrow() {
                break;
            }
            // Listen for the bell before looking, so a job created meanwhile is not missed.
            let notified = self.handle.wake.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            match self.next_job().await {
                Ok(Some(job)) => {
                    self.run_job(job).await;
                    continue;
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "cannot claim a job"),
            }
            tokio::select! {
                () = stopped(&mut self.stop) => break,
                () = &mut notified => {}
                () = tokio::time::sleep(self.settings.poll) => {}
            }
        }
    }

    async fn next_job(&self) -> Result<Option<JobRecord>, sqlx::Error> {
        let now = clock::now_ms();
        let (requeued, failed) = jobs::recover_expired(&self.db, now).await?;
        if requeued + failed > 0 {
            tracing::warn!(requeued, failed, "recovered jobs whose worker stopped");
        }
        jobs::claim(&self.db, &self.owner, now, self.settings.lease_ms()).await
    }

    async fn run_job(&self, job: JobRecord) {
        tracing::info!(job = job.id, attempt = job.attempts, owner = %self.owner, "job started");
        let mut span = traces::TraceSpan::start(
            "job",
            SpanKind::Consumer,
            vec![
                KeyValue::new("vouch.job.id", job.id),
                KeyValue::new("vouch.job.kind", job.kind.clone()),
                KeyValue::new("vouch.job.attempt", job.attempts),
            ],
        );
        let started = Instant::now();
        let mut stop = self.stop.clone();
        let attempt = tokio::time::timeout(
            self.settings.timeout,
            execute(&job, self.settings.test_kinds),
        );
        let ended = tokio::select! {
            result = attempt => Ended::Finished(result.unwrap_or_else(|_| {
                Err(JobError::Transient(format!(
                    "timed out after {} s",
                    self.settings.timeout.as_secs()
                )))
            })),
            () = self.keep_lease(job.id) => Ended::LeaseLost,
            () = stopped(&mut stop) => Ended::Stopping,
        };
        let outcome = match ended {
            Ended::Finished(Ok(report)) => self.store(&job, report).await,
            Ended::Finished(Err(error)) => self.record_failure(&job, error).await,
            Ended::LeaseLost => {
                tracing::warn!(
                    job = job.id,
                    "lost the job's lease; another worker owns it now"
                );
                "lost"
            }
            Ended::Stopping => self.give_back(&job).await,
        };
        self.metrics
            .jobs
            .observe(&job.kind, outcome, started.elapsed().as_secs_f64());
        span.set(KeyValue::new("vouch.job.outcome", outcome));
        if matches!(outcome, "failed" | "error") {
            span.fail(outcome);
        }
    }

    /// Renews the lease every third of its length; returns once the lease is lost.
    async fn keep_lease(&self, id: i64) {
        let every = self.settings.lease / 3;
        let mut renewed = Instant::now();
        loop {
            tokio::time::sleep(every).await;
            let now = clock::now_ms();
            match jobs::heartbeat(&self.db, id, &self.owner, now, self.settings.lease_ms()).await {
                Ok(true) => renewed = Instant::now(),
                Ok(false) => return,
                Err(e) => {
                    tracing::warn!(job = id, error = %e, "cannot renew the job's lease");
                    if renewed.elapsed() >= self.settings.lease {
                        return;
                    }
                }
            }
        }
    }

    /// Stores the report as a run and completes the job, in one transaction.
    async fn store(&self, job: &JobRecord, report: String) -> &'static str {
        let prepared = match store::prepare(report.into()).await {
            Ok(prepared) => prepared,
            Err(problem) => {
                let detail = problem.detail.unwrap_or_default();
                let error = JobError::Permanent(format!("the report was rejected: {detail}"));
                return self.record_failure(job, error).await;
            }
        };
        let now = clock::now_ms();
        let run = prepared.new_run(job.project_id, job.created_by, now);
        let effects = jobs::RunEffects {
            signals: prepared.signals(),
            score_drop_threshold: self.settings.score_drop_threshold,
        };
        match jobs::succeed_with_run(&self.db, job.id, &self.owner, &run, &effects, now).await {
            Ok(Some((run, enqueued))) => {
                if enqueued > 0 {
                    self.webhooks.wake();
                }
                tracing::info!(job = job.id, run = run.id, "job succeeded");
                "succeeded"
            }
            Ok(None) => {
                tracing::warn!(
                    job = job.id,
                    "finished after losing the lease; result dropped"
                );
                "lost"
            }
            Err(e) => {
                // The lease runs out and another attempt stores the run.
                tracing::warn!(job = job.id, error = %e, "cannot store the job's run");
                "error"
            }
        }
    }

    /// A permanent error, or the last attempt, fails the job; otherwise it is retried later.
    async fn record_failure(&self, job: &JobRecord, error: JobError) -> &'static str {
        let now = clock::now_ms();
        let message = error.message();
        let exhausted = job.attempts >= job.max_attempts;
        let (result, outcome) = match error {
            JobError::Transient(_) if !exhausted => {
                let attempt = u32::try_from(job.attempts).unwrap_or(u32::MAX);
                let delay = self.settings.backoff.delay(attempt);
                let run_after = now + i64::try_from(delay.as_millis()).unwrap_or(i64::MAX);
                tracing::warn!(
                    job = job.id,
                    error = message,
                    delay_ms = delay.as_millis() as u64,
                    "job failed; retrying later"
                );
                let done =
                    jobs::retry_later(&self.db, job.id, &self.owner, message, run_after, now);
                (done.await, "retried")
            }
            _ => {
                let message = if exhausted && matches!(error, JobError::Transient(_)) {
                    format!(
                        "{message} (attempt {} of {})",
                        job.attempts, job.max_attempts
                    )
                } else {
                    message.to_string()
                };
                tracing::warn!(job = job.id, error = %message, "job failed");
                (
                    jobs::fail(&self.db, job.id, &self.owner, &message, now).await,
                    "failed",
                )
            }
        };
        match result {
            Ok(true) => outcome,
            Ok(false) => "lost",
            Err(e) => {
                tracing::warn!(job = job.id, error = %e, "cannot record the job's failure");
                "error"
            }
        }
    }

    /// Shutdown: the job goes back to the queue for another worker (or the next start).
    async fn give_back(&self, job: &JobRecord) -> &'static str {
        match jobs::release(&self.db, job.id, &self.owner, clock::now_ms()).await {
            Ok(_) => {
                tracing::info!(job = job.id, "shutting down: job returned to the queue");
                "released"
            }
            Err(e) => {
                tracing::warn!(job = job.id, error = %e, "cannot return the job; its lease will expire");
                "error"
            }
        }
    }
}

/// Resolves once stopping was asked for (or the [`Workers`] handle is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}
