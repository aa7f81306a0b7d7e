//! A job as the API takes it (`CreateJob`), stores it (`JobParams`) and shows it (`JobView`).

use super::source::Source;
use crate::clock;
use crate::http::problem::{FieldError, Problem};
use crate::repo::jobs::JobRecord;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use vouch_core::Severity;
use vouch_core::config::Selector;

/// `kind` values: `audit` always, `sleep` only with `job_test_kinds` (test harness).
pub const AUDIT: &str = "audit";
pub const SLEEP: &str = "sleep";
/// A test `sleep` job waits at most this long.
const MAX_SLEEP_SECS: u64 = 3_600;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateJob {
    pub kind: String,
    /// An absolute path on the server, or a git URL (`https://`, `http://`, `ssh://`,
    /// `git://`, `file://`).
    pub repository: String,
    #[serde(default)]
    pub options: AuditOptions,
    /// `sleep` jobs: seconds to wait before the audit.
    pub seconds: Option<u64>,
}

/// What `vouch audit` flags the job passes on.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditOptions {
    /// Only these controls: IDs, prefixes or areas (replaces the repository's vouch.toml's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub select: Vec<String>,
    /// Skip these controls (added to vouch.toml's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<String>,
    /// The gate: fail when a control at or above this severity fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on: Option<String>,
}

/// The `params` column.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct JobParams {
    pub repository: String,
    #[serde(default)]
    pub options: AuditOptions,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<u64>,
}

impl CreateJob {
    /// Checks every field (all errors at once); `test_kinds` enables `sleep`.
    pub fn validate(self, test_kinds: bool) -> Result<(String, JobParams), Problem> {
        let mut errors = Vec::new();
        let kinds: &[&str] = if test_kinds {
            &[AUDIT, SLEEP]
        } else {
            &[AUDIT]
        };
        if !kinds.contains(&self.kind.as_str()) {
            errors.push(FieldError::new(
                "kind",
                format!("must be one of: {}", kinds.join(", ")),
            ));
        }
        if let Err(message) = Source::parse(&self.repository) {
            errors.push(FieldError::new("repository", message));
        }
        for (field, selectors) in [
            ("options.select", &self.options.select),
            ("options.ignore", &self.options.ignore),
        ] {
            for (i, s) in selectors.iter().enumerate() {
                if let Err(message) = Selector::parse(s) {
                    errors.push(FieldError::new(format!("{field}[{i}]"), message));
                }
            }
        }
        if let Some(fail_on) = &self.options.fail_on
            && fail_on.parse::<Severity>().is_err()
        {
            errors.push(FieldError::new(
                "options.fail_on",
                "must be a severity: info, low, medium, high or critical",
            ));
        }
        let sleep = test_kinds && self.kind == SLEEP;
        match (sleep, self.seconds) {
            (true, None) => errors.push(FieldError::new("seconds", "required for sleep jobs")),
            (true, Some(s)) if s > MAX_SLEEP_SECS => errors.push(FieldError::new(
                "seconds",
                format!("at most {MAX_SLEEP_SECS}"),
            )),
            (false, Some(_)) => errors.push(FieldError::new("seconds", "only for sleep jobs")),
            _ => {}
        }
        if !errors.is_empty() {
            return Err(Problem::validation(errors));
        }
        Ok((
            self.kind,
            JobParams {
                repository: self.repository.trim().to_string(),
                options: self.options,
                seconds: self.seconds,
            },
        ))
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JobView {
    pub id: i64,
    pub project: String,
    pub kind: String,
    /// `queued`, `running`, `succeeded` or `failed`.
    pub state: String,
    pub params: Value,
    pub attempts: i64,
    pub max_attempts: i64,
    /// A queued job does not start before this time (retries wait here).
    pub run_after: String,
    pub lease_owner: Option<String>,
    pub lease_expires_at: Option<String>,
    pub heartbeat_at: Option<String>,
    pub last_error: Option<String>,
    /// The run the job stored, once it succeeded.
    pub run_id: Option<i64>,
    pub run_url: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl JobView {
    pub fn new(record: JobRecord, project: &str) -> JobView {
        JobView {
            id: record.id,
            project: project.to_string(),
            kind: record.kind,
            state: record.state,
            params: serde_json::from_str(&record.params).unwrap_or(Value::Null),
            attempts: record.attempts,
            max_attempts: record.max_attempts,
            run_after: clock::rfc3339(record.run_after),
            lease_owner: record.lease_owner,
            lease_expires_at: record.lease_expires_at.map(clock::rfc3339),
            heartbeat_at: record.heartbeat_at.map(clock::rfc3339),
            last_error: record.last_error,
            run_id: record.run_id,
            run_url: record.run_id.map(|id| format!("/api/v1/runs/{id}")),
            created_at: clock::rfc3339(record.created_at),
            updated_at: clock::rfc3339(record.updated_at),
        }
    }
}
