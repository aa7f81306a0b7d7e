//! One attempt of a job: fetch the repository, run the audit off the async threads, return the
//! JSON report. Errors say whether another attempt could succeed.

use super::audit;
use super::source::Source;
use super::types::{JobParams, SLEEP};
use crate::repo::jobs::JobRecord;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobError {
    /// Retrying cannot help (a missing path, a bad configuration): the job fails now.
    Permanent(String),
    /// Might work later (network, a clone, a crash of the audit): retried with backoff.
    Transient(String),
}

impl JobError {
    pub fn message(&self) -> &str {
        match self {
            JobError::Permanent(m) | JobError::Transient(m) => m,
        }
    }
}

/// Runs the job's audit; `test_kinds` allows `sleep` (wait, then audit).
pub async fn execute(job: &JobRecord, test_kinds: bool) -> Result<String, JobError> {
    let params: JobParams = serde_json::from_str(&job.params)
        .map_err(|e| JobError::Permanent(format!("the job's parameters are invalid: {e}")))?;
    if job.kind == SLEEP {
        if !test_kinds {
            return Err(JobError::Permanent(
                "sleep jobs run only on servers with job_test_kinds enabled".into(),
            ));
        }
        tokio::time::sleep(Duration::from_secs(params.seconds.unwrap_or(0))).await;
    }
    let source = Source::parse(&params.repository).map_err(JobError::Permanent)?;
    let checkout = source.fetch().await?;
    let shown = params.repository.clone();
    let options = params.options;
    // The engine is CPU-bound and synchronous: a blocking thread keeps the API responsive.
    tokio::task::spawn_blocking(move || {
        let report = audit::run(&checkout.dir, &shown, &options);
        drop(checkout);
        report
    })
    .await
    .map_err(|e| JobError::Transient(format!("the audit stopped unexpectedly: {e}")))?
}
