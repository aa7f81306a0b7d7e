use std::time::Duration;

/// Why a request got no response. Probes pass it up with `?`; the runner turns it into an
/// Unknown (budget, timeout) or Error (anything else) outcome.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("the request budget is spent ({max} requests, see --max-requests)")]
    BudgetExhausted { max: u32 },
    #[error("{method} {url} timed out after {}s (see --timeout)", after.as_secs_f64())]
    Timeout {
        method: String,
        url: String,
        after: Duration,
    },
    #[error("{method} {url}: {reason}")]
    Failed {
        method: String,
        url: String,
        reason: String,
    },
    #[error("invalid request: {0}")]
    Invalid(String),
}

/// Why a target could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("invalid URL `{url}`: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("invalid option: {0}")]
    InvalidOption(String),
    #[error("OpenAPI document {source_name}: {reason}")]
    OpenApi { source_name: String, reason: String },
    #[error("cannot read the repository {path}: {reason}")]
    Repo { path: String, reason: String },
    #[error("HTTP client: {0}")]
    Client(String),
}
