//! Error tracking over the Sentry protocol (Sentry, a self-hosted Sentry, GlitchTip), on when
//! `sentry_dsn` is configured: error-level log lines become events (the info and warn lines
//! before them become breadcrumbs) and panics are reported by the panic hook, with their stack
//! trace. Events are sent from the client's own thread, so a slow or unreachable tracker never
//! delays a request; at exit the queue gets `SHUTDOWN_TIMEOUT` to drain.
//!
//! No personal data is sent (`send_default_pii` off): the server's log lines carry request IDs,
//! routes and error causes, never bodies, headers or credentials.

use crate::config::{Config, Mode};
use sentry::integrations::tracing::{BreadcrumbLayer, ErrorLayer};
use std::time::Duration;
use tracing::Level;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

/// How long the last events may take to leave when the server stops.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, thiserror::Error)]
#[error("invalid sentry_dsn: {0} (expected https://<key>@<host>/<project>)")]
pub struct DsnError(String);

/// The client's settings for `config`, or `None` when no DSN is configured.
pub fn client_options(config: &Config) -> Result<Option<sentry::ClientOptions>, DsnError> {
    let Some(dsn) = config.sentry_dsn.as_deref().map(str::trim) else {
        return Ok(None);
    };
    if dsn.is_empty() {
        return Ok(None);
    }
    let dsn: sentry::types::Dsn = dsn.parse().map_err(|e| DsnError(format!("{e}")))?;
    // The transport is reqwest on rustls without a built-in provider: ring, as everywhere else.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let environment = match config.mode {
        Mode::Development => "development",
        Mode::Production => "production",
    };
    let mut options = sentry::ClientOptions::default();
    options.dsn = Some(dsn);
    options.release = Some(format!("vouch@{}", env!("CARGO_PKG_VERSION")).into());
    options.environment = Some(environment.into());
    options.send_default_pii = false;
    options.shutdown_timeout = SHUTDOWN_TIMEOUT;
    Ok(Some(options))
}

/// Starts the client when `sentry_dsn` is set; keep the guard until the process ends (dropping
/// it flushes the queue). Call before [`super::logging::init`] with `error_tracking: true`.
pub fn init(config: &Config) -> Result<Option<sentry::ClientInitGuard>, DsnError> {
    let Some(options) = client_options(config)? else {
        return Ok(None);
    };
    Ok(Some(sentry::init(options)))
}

/// The log layer that turns error lines into events and the info and warn lines before them
/// into breadcrumbs, which the next event carries. Debug and trace lines are not looked at.
pub fn layer() -> ErrorTrackingLayer {
    ErrorTrackingLayer {
        errors: ErrorLayer::new(),
        breadcrumbs: BreadcrumbLayer::new(),
    }
}

/// Sends each line to one of sentry's layers by its level (sentry's per-layer filters, combined,
/// lost the breadcrumbs).
pub struct ErrorTrackingLayer {
    errors: ErrorLayer,
    breadcrumbs: BreadcrumbLayer,
}

impl<S> Layer<S> for ErrorTrackingLayer
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
        match *event.metadata().level() {
            Level::ERROR => self.errors.on_event(event, ctx),
            Level::WARN | Level::INFO => self.breadcrumbs.on_event(event, ctx),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Bytes;
    use axum::http::Uri;
    use std::sync::Arc;
    use tokio::sync::mpsc;
    use tracing_subscriber::layer::SubscriberExt;

    fn with_dsn(dsn: &str) -> Config {
        Config {
            sentry_dsn: Some(dsn.to_string()),
            mode: Mode::Production,
            ..Config::default()
        }
    }

    #[test]
    fn off_without_a_dsn_and_a_bad_dsn_is_a_clear_error() {
        assert!(client_options(&Config::default()).unwrap().is_none());
        assert!(client_options(&with_dsn("  ")).unwrap().is_none());
        let err = client_options(&with_dsn("errors.example.com/7")).unwrap_err();
        assert!(err.to_string().starts_with("invalid sentry_dsn"), "{err}");
        let options = client_options(&with_dsn("https://k3y@errors.example.com/7"))
            .unwrap()
            .unwrap();
        assert_eq!(options.environment.as_deref(), Some("production"));
        let release = options.release.as_deref().unwrap();
        assert_eq!(release, format!("vouch@{}", env!("CARGO_PKG_VERSION")));
        assert!(!options.send_default_pii);
    }

    /// A local HTTP receiver stands in for the tracker (no Sentry server runs here); what it
    /// receives is what the client really sent over HTTP.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn error_lines_reach_the_tracker_as_events_with_earlier_lines_as_breadcrumbs() {
        let (tx, mut rx) = mpsc::unbounded_channel::<(String, String)>();
        let app = axum::Router::new().fallback(move |uri: Uri, body: Bytes| {
            let tx = tx.clone();
            async move {
                let _ = tx.send((
                    uri.path().to_string(),
                    String::from_utf8_lossy(&body).into(),
                ));
                "{}"
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });

        let mut options = client_options(&with_dsn(&format!("http://k3y@{addr}/42")))
            .unwrap()
            .unwrap();
        // The HTTP transport `sentry::init` adds, without its process-wide panic hook.
        options.default_integrations = false;
        let client = Arc::new(sentry::Client::from(sentry::apply_defaults(options)));
        let hub = Arc::new(sentry::Hub::new(
            Some(client.clone()),
            Arc::new(sentry::Scope::default()),
        ));
        let subscriber = tracing_subscriber::registry().with(layer());
        tracing::subscriber::with_default(subscriber, || {
            sentry::Hub::run(hub, || {
                tracing::info!("job 17 claimed");
                tracing::warn!(endpoint = 3, "webhook delivery failed, retrying");
                tracing::error!(error = "database is locked", "internal error");
                tracing::debug!("not sent at all");
            })
        });
        assert!(client.flush(Some(Duration::from_secs(10))));

        let (path, envelope) = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("the tracker received a request")
            .unwrap();
        assert_eq!(path, "/api/42/envelope/");
        // An event (error is its default level), with the line's fields.
        assert!(envelope.contains("{\"type\":\"event\""), "{envelope}");
        assert!(
            envelope.contains("\"message\":\"internal error\""),
            "{envelope}"
        );
        assert!(envelope.contains("database is locked"), "{envelope}");
        // Earlier lines ride along as breadcrumbs; debug lines are dropped.
        assert!(
            envelope.contains("webhook delivery failed, retrying"),
            "{envelope}"
        );
        assert!(envelope.contains("job 17 claimed"), "{envelope}");
        assert!(!envelope.contains("not sent at all"), "{envelope}");
        assert!(
            envelope.contains("\"environment\":\"production\""),
            "{envelope}"
        );
        // One error line, one event: the info and warn lines are no events of their own.
        assert!(rx.try_recv().is_err());
    }
}
