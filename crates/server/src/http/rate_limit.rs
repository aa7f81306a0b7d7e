//! Rate limits per client IP (before authentication, so key guessing is limited too) and per
//! API key (after it, so one CI job cannot starve the others). Each is a keyed GCRA bucket: a
//! steady rate with a burst allowance, one timestamp per client. A refused request gets 429 as
//! `application/problem+json` with `Retry-After`. The health endpoints are exempt: an
//! orchestrator's probes must never be refused.

use crate::app::AppState;
use crate::auth::Principal;
use crate::http::problem::Problem;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Clients remembered before idle ones are forgotten (bounds the memory a flood of source
/// addresses can take).
const MAX_TRACKED: usize = 100_000;

/// A steady rate with a burst: the generic cell rate algorithm, one "theoretical arrival
/// time" per client.
#[derive(Debug)]
pub struct Limiter<K> {
    /// Time one request uses up.
    interval: Duration,
    /// How far ahead of now a client's arrival time may run (the burst).
    tolerance: Duration,
    clients: Mutex<HashMap<K, Instant>>,
}

impl<K: Eq + Hash + Clone> Limiter<K> {
    /// `per_second` requests a second on average, up to `burst` at once. None when
    /// `per_second` is 0 (limiting off).
    pub fn new(per_second: u32, burst: u32) -> Option<Limiter<K>> {
        if per_second == 0 {
            return None;
        }
        let interval = Duration::from_secs(1) / per_second;
        Some(Limiter {
            interval,
            tolerance: interval * burst.max(1).saturating_sub(1),
            clients: Mutex::new(HashMap::new()),
        })
    }

    /// Takes one request for `client` at `now`: Ok, or how long until it would be allowed.
    pub fn check(&self, client: &K, now: Instant) -> Result<(), Duration> {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        let arrival = clients.get(client).copied().unwrap_or(now).max(now);
        let allowed_from = arrival.checked_sub(self.tolerance).unwrap_or(now);
        if allowed_from > now {
            return Err(allowed_from - now);
        }
        if clients.len() >= MAX_TRACKED && !clients.contains_key(client) {
            // Forget clients whose bucket has refilled: they are indistinguishable from new.
            clients.retain(|_, at| *at > now);
        }
        clients.insert(client.clone(), arrival + self.interval);
        Ok(())
    }
}

/// The two limiters, built from the configuration.
#[derive(Debug)]
pub struct RateLimits {
    pub per_ip: Option<Limiter<IpAddr>>,
    pub per_key: Option<Limiter<i64>>,
}

impl RateLimits {
    pub fn new(config: &crate::config::Config) -> RateLimits {
        RateLimits {
            per_ip: Limiter::new(config.rate_limit_ip_per_sec, config.rate_limit_ip_burst),
            per_key: Limiter::new(config.rate_limit_key_per_sec, config.rate_limit_key_burst),
        }
    }
}

/// Per client IP; `/healthz` and `/readyz` are exempt.
pub async fn per_ip(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let exempt = matches!(request.uri().path(), "/healthz" | "/readyz");
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let (false, Some(limiter), Some(ip)) = (exempt, &state.rate_limits.per_ip, ip)
        && let Err(wait) = limiter.check(&ip, Instant::now())
    {
        return too_many(wait, "too many requests from this address");
    }
    next.run(request).await
}

/// Per API key, after authentication.
pub async fn per_key(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let key = request
        .extensions()
        .get::<Principal>()
        .map(Principal::partition);
    if let (Some(limiter), Some(key)) = (&state.rate_limits.per_key, key)
        && let Err(wait) = limiter.check(&key, Instant::now())
    {
        return too_many(wait, "too many requests with this API key");
    }
    next.run(request).await
}

fn too_many(wait: Duration, detail: &str) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut response = Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        format!("{detail}: retry after {seconds} s"),
    )
    .into_response();
    if let Ok(value) = HeaderValue::from_str(&seconds.max(1).to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_steady_rate() {
        let limiter: Limiter<u8> = Limiter::new(10, 3).expect("on");
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check(&1, t0).is_ok());
        }
        let wait = limiter.check(&1, t0).expect_err("burst used up");
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_millis(100),
            "{wait:?}"
        );
        // Another client has its own bucket.
        assert!(limiter.check(&2, t0).is_ok());
        // One interval later one more request fits, and only one.
        let t1 = t0 + Duration::from_millis(100);
        assert!(limiter.check(&1, t1).is_ok());
        assert!(limiter.check(&1, t1).is_err());
        // After a long pause the whole burst is back.
        let t2 = t0 + Duration::from_secs(5);
        for _ in 0..3 {
            assert!(limiter.check(&1, t2).is_ok());
        }
        assert!(limiter.check(&1, t2).is_err());
    }

    #[test]
    fn zero_rate_turns_limiting_off() {
        assert!(Limiter::<u8>::new(0, 10).is_none());
    }

    #[test]
    fn idle_clients_are_forgotten_when_the_table_is_full() {
        let limiter: Limiter<usize> = Limiter::new(1000, 1).expect("on");
        let t0 = Instant::now();
        for client in 0..MAX_TRACKED {
            assert!(limiter.check(&client, t0).is_ok());
        }
        let later = t0 + Duration::from_secs(1);
        assert!(limiter.check(&MAX_TRACKED, later).is_ok());
        let tracked = limiter.clients.lock().expect("lock").len();
        assert_eq!(tracked, 1, "refilled buckets were dropped");
    }
}
