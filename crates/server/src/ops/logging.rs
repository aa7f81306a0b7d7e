//! JSON log lines on stderr; the request span's fields (request_id, method, path) are in every
//! line logged while the request runs.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; a second call (tests start several servers) is a no-op.
pub fn init(filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
