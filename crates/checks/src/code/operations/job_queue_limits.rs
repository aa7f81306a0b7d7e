use super::verdicts::flagged_facts;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct JobQueueLimits;

static META: ControlMeta = ControlMeta {
    id: "CODE028",
    slug: "job_queue_limits",
    title: "Background jobs have time limits and retries configured",
    area: Area::Resilience,
    severity: Severity::Medium,
    remediation: "Configure a time limit and a bounded retry policy on every job queue task or \
                  worker: Celery `time_limit`/`soft_time_limit` with `max_retries` and \
                  `autoretry_for`/`retry_backoff` (or the app-wide `task_time_limit`), RQ \
                  `job_timeout` and `Retry(max=..., interval=[...])`, Dramatiq `time_limit` and \
                  `max_retries`, BullMQ `attempts`/`backoff` with a worker `lockDuration`, asynq \
                  `asynq.Timeout(...)`/`asynq.MaxRetry(...)`.",
    references: &[
        "https://docs.celeryq.dev/en/stable/userguide/tasks.html#retrying",
        "https://docs.celeryq.dev/en/stable/userguide/workers.html#time-limits",
        "https://python-rq.org/docs/jobs/",
        "https://docs.bullmq.io/guide/retrying-failing-jobs",
    ],
    concepts: &[
        "job queue",
        "background jobs",
        "task time limits",
        "job retries",
        "worker timeouts",
        "Celery",
        "BullMQ",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every job queue task or worker the code defines (Celery, RQ, Dramatiq, Huey, BullMQ, Bull,
asynq, machinery, Sidekiq-likes) has a time limit and a retry policy, on the task or through the
app-wide configuration. Tasks without them fail, each at its definition. NotApplicable when the
code uses no job queue.

## Why it matters in production

A job without a time limit that hangs on a dead connection holds a worker slot forever; a few
of them and the queue stops draining while it looks healthy. A job without retries loses work
on the first transient error; a job with unbounded retries hammers a broken dependency and
never leaves the queue.

## Example

Bad:

```python
@celery_app.task
def send_invoice(invoice_id: int) -> None:
    ...
```

Good:

```python
@celery_app.task(
    autoretry_for=(httpx.TransportError,), retry_backoff=True, max_retries=5,
    soft_time_limit=60, time_limit=90,
)
def send_invoice(invoice_id: int) -> None:
    ...
```

## References

- Celery, Tasks: Retrying
- Celery, Workers: Time limits
- RQ, Jobs (timeouts and retries)
- BullMQ, Retrying failing jobs
"#,
};

impl Check for JobQueueLimits {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        flagged_facts(
            ws,
            |kind| match kind {
                FactKind::JobQueue { limits } => Some(*limits),
                _ => None,
            },
            "the code uses no job queue",
            |detail| format!("job without a time limit and retry policy: {detail}"),
        )
    }
}
