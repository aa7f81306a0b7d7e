//! API quality, resilience and observability controls over source code (CODE020–049), plus
//! the pieces CODE041–043 share to compare deployment YAML with the routes the code serves.

use crate::registry::Check;

mod actuator;
mod compare;
mod paths;
mod probes;
mod scope;
mod scrape;
mod served;
mod targets;
mod verdicts;

mod body_size_limited;
mod circuit_breaker;
mod consumer_retry_dead_letter;
mod db_pool_bounded;
mod error_tracking;
mod graceful_shutdown;
mod health_endpoints;
mod http_client_timeouts;
mod idempotency_keys;
mod job_queue_limits;
mod metrics_endpoint;
mod probes_target_routes;
mod rate_limiter_wired;
mod recovery_middleware;
mod request_body_validated;
mod request_id;
mod retry_with_backoff;
mod scrape_targets_served;
mod settings_layer;
mod structured_errors;
mod structured_logging;
mod tracing_initialised;
mod websocket_limits;

pub fn checks() -> Vec<&'static dyn Check> {
    vec![
        &rate_limiter_wired::RateLimiterWired,
        &body_size_limited::BodySizeLimited,
        &http_client_timeouts::HttpClientTimeouts,
        &retry_with_backoff::RetryWithBackoff,
        &circuit_breaker::CircuitBreaker,
        &structured_errors::StructuredErrors,
        &request_body_validated::RequestBodyValidated,
        &idempotency_keys::IdempotencyKeys,
        &job_queue_limits::JobQueueLimits,
        &consumer_retry_dead_letter::ConsumerRetryDeadLetter,
        &websocket_limits::WebsocketLimits,
        &db_pool_bounded::DbPoolBounded,
        &settings_layer::SettingsLayer,
        &graceful_shutdown::GracefulShutdown,
        &recovery_middleware::RecoveryMiddleware,
        &metrics_endpoint::MetricsEndpoint,
        &scrape_targets_served::ScrapeTargetsServed,
        &health_endpoints::HealthEndpoints,
        &probes_target_routes::ProbesTargetRoutes,
        &structured_logging::StructuredLogging,
        &request_id::RequestId,
        &tracing_initialised::TracingInitialised,
        &error_tracking::ErrorTracking,
    ]
}
