//! JSON log lines on stderr; the request span's fields (request_id, method, path) are in every
//! line logged while the request runs. With error tracking on, error lines also go to the
//! tracker (`error_tracking`).

use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Installs the global subscriber; a second call (tests start several servers) is a no-op.
pub fn init(filter: &str, error_tracking: bool) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let json = tracing_subscriber::fmt::layer()
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .with_writer(std::io::stderr);
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(json)
        .with(error_tracking.then(super::error_tracking::layer))
        .try_init();
}
