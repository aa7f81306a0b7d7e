//! The background sender: claims due deliveries from the outbox, POSTs them, and records each
//! attempt (delivered, retry later with backoff, or dead) and its effect on the endpoint's
//! circuit breaker. One per server process; replicas share the outbox safely because every
//! claim is atomic and expires, so a process that died leaves nothing stuck.

use super::Handle;
use super::backoff;
use super::signature::{SIGNATURE_HEADER, TIMESTAMP_HEADER, sign};
use crate::auth::keys;
use crate::clock;
use crate::config::Config;
use crate::db::Db;
use crate::ops::traces;
use crate::repo::outbox::{self, Claim, DeliveryRecord, Outcome};
use crate::repo::webhooks::{self, EndpointRecord};
use opentelemetry::KeyValue;
use opentelemetry::trace::SpanKind;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

/// Deliveries claimed per look at the outbox.
const BATCH: i64 = 10;
/// Slack for the claim beyond the time its attempts may take.
const CLAIM_MARGIN_MS: i64 = 30_000;

#[derive(Clone, Debug)]
pub struct Settings {
    pub timeout: Duration,
    pub backoff_initial_ms: u64,
    pub backoff_max_ms: u64,
    pub max_attempts: u32,
    pub max_age_ms: i64,
    pub breaker_failures: u32,
    pub breaker_cooldown_ms: i64,
    pub poll: Duration,
}

impl Settings {
    pub fn from_config(config: &Config) -> Settings {
        Settings {
            timeout: Duration::from_millis(config.webhook_timeout_ms.max(1)),
            backoff_initial_ms: config.webhook_backoff_initial_ms,
            backoff_max_ms: config.webhook_backoff_max_ms,
            max_attempts: config.webhook_max_attempts.max(1),
            max_age_ms: millis(config.webhook_max_age_secs.saturating_mul(1000)),
            breaker_failures: config.webhook_breaker_failures.max(1),
            breaker_cooldown_ms: millis(config.webhook_breaker_cooldown_ms),
            poll: Duration::from_millis(config.webhook_poll_ms.max(10)),
        }
    }

    /// A claim outlives every attempt of its batch, made one after the other.
    fn claim_ms(&self) -> i64 {
        millis(u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX))
            .saturating_mul(BATCH)
            .saturating_add(CLAIM_MARGIN_MS)
    }
}

fn millis(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

#[derive(Debug, thiserror::Error)]
pub enum SenderError {
    #[error("cannot build the webhook HTTP client: {0}")]
    Client(#[from] reqwest::Error),
}

/// The running sender; `stop` ends it after the attempts in flight are given back.
pub struct SenderTask {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl SenderTask {
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if let Err(e) = self.task.await {
            tracing::error!(error = %e, "the webhook sender ended abnormally");
        }
    }
}

#[derive(Clone)]
struct Sender {
    db: Db,
    settings: Arc<Settings>,
    handle: Arc<Handle>,
    client: reqwest::Client,
    stop: watch::Receiver<bool>,
}

pub fn spawn(db: Db, settings: Settings, handle: Arc<Handle>) -> Result<SenderTask, SenderError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        // A webhook URL is exactly where it goes: a redirect is an endpoint error.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("vouch-server/", env!("CARGO_PKG_VERSION")))
        // Each attempt also sets it; this covers any request built without one.
        .timeout(settings.timeout)
        .build()?;
    let (stop_tx, stop) = watch::channel(false);
    let sender = Sender {
        db,
        settings: Arc::new(settings),
        handle,
        client,
        stop,
    };
    let task = tokio::spawn(sender.run());
    Ok(SenderTask {
        stop: stop_tx,
        task,
    })
}

impl Sender {
    async fn run(mut self) {
        loop {
            if *self.stop.borrow() {
                return;
            }
            let busy = match self.tick().await {
                Ok(claimed) => claimed > 0,
                Err(e) => {
                    tracing::warn!(error = %e, "webhook outbox unavailable; retrying");
                    false
                }
            };
            if busy {
                continue;
            }
            let poll = self.settings.poll;
            tokio::select! {
                changed = self.stop.changed() => if changed.is_err() { return },
                () = self.handle.wake.notified() => {}
                () = tokio::time::sleep(poll) => {}
            }
        }
    }

    /// One look at the outbox: half-open probes first, then due deliveries. Returns how many
    /// deliveries were claimed.
    async fn tick(&self) -> Result<usize, sqlx::Error> {
        let now = clock::now_ms();
        let until = now.saturating_add(self.settings.claim_ms());
        let token = keys::generate().map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        let mut claimed = Vec::new();
        for endpoint in webhooks::probe_candidates(&self.db, now).await? {
            if !webhooks::begin_probe(&self.db, endpoint, now, until).await? {
                continue;
            }
            let probe = outbox::claim(&self.db, Claim::Probe(endpoint), now, until, &token).await?;
            if probe.is_empty() {
                webhooks::cancel_probe(&self.db, endpoint, now).await?;
            }
            claimed.extend(probe);
        }
        claimed.extend(outbox::claim(&self.db, Claim::Due(BATCH), now, until, &token).await?);
        let count = claimed.len();
        let mut by_endpoint: BTreeMap<i64, Vec<DeliveryRecord>> = BTreeMap::new();
        for delivery in claimed {
            by_endpoint
                .entry(delivery.endpoint_id)
                .or_default()
                .push(delivery);
        }
        let token: Arc<str> = token.into();
        let mut groups = JoinSet::new();
        for (endpoint_id, deliveries) in by_endpoint {
            let Some(endpoint) = webhooks::find(&self.db, endpoint_id).await? else {
                continue;
            };
            groups.spawn(
                self.clone()
                    .deliver_group(endpoint, deliveries, token.clone()),
            );
        }
        while let Some(done) = groups.join_next().await {
            if let Err(e) = done {
                tracing::error!(error = %e, "a webhook delivery task failed");
            }
        }
        Ok(count)
    }

    /// An endpoint's claimed deliveries, one after the other; the rest are given back when
    /// the breaker opens or the server stops.
    async fn deliver_group(
        self,
        endpoint: EndpointRecord,
        deliveries: Vec<DeliveryRecord>,
        token: Arc<str>,
    ) {
        let mut stop = self.stop.clone();
        for (i, delivery) in deliveries.iter().enumerate() {
            let carry_on = tokio::select! {
                result = self.attempt(&endpoint, delivery, &token) => match result {
                    Ok(breaker_open) => !breaker_open,
                    Err(e) => {
                        tracing::warn!(error = %e, delivery = delivery.id, "cannot record a webhook attempt");
                        false
                    }
                },
                () = stopped(&mut stop) => false,
            };
            if !carry_on {
                let rest: Vec<i64> = deliveries[i..].iter().map(|d| d.id).collect();
                if let Err(e) = outbox::release(&self.db, &rest, &token).await {
                    tracing::warn!(error = %e, "cannot give back webhook claims; they expire");
                }
                // A probe cut short by a stop: the next process may probe at once.
                if endpoint.breaker_state == "half_open"
                    && let Err(e) =
                        webhooks::cancel_probe(&self.db, endpoint.id, clock::now_ms()).await
                {
                    tracing::warn!(error = %e, "cannot give back the probe; it expires");
                }
                return;
            }
        }
    }

    /// POSTs one delivery and records the result. True when the endpoint's breaker is open
    /// afterwards.
    async fn attempt(
        &self,
        endpoint: &EndpointRecord,
        delivery: &DeliveryRecord,
        token: &str,
    ) -> Result<bool, sqlx::Error> {
        let timestamp = clock::now_ms() / 1000;
        let mut span = traces::TraceSpan::start(
            "webhook delivery",
            SpanKind::Client,
            vec![
                KeyValue::new("vouch.webhook.endpoint_id", endpoint.id),
                KeyValue::new("vouch.webhook.delivery_id", delivery.id),
                KeyValue::new("vouch.webhook.event", delivery.event.clone()),
                KeyValue::new("vouch.webhook.attempt", delivery.attempts.saturating_add(1)),
            ],
        );
        let mut trace_headers = reqwest::header::HeaderMap::new();
        span.inject(&mut trace_headers);
        let mut request = self
            .client
            .post(&endpoint.url)
            .timeout(self.settings.timeout)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("x-vouch-event", &delivery.event)
            .header("x-vouch-delivery", delivery.id.to_string())
            .header(TIMESTAMP_HEADER, timestamp.to_string())
            .headers(trace_headers)
            .body(delivery.body.clone());
        if let Some(secret) = &endpoint.secret {
            request = request.header(
                SIGNATURE_HEADER,
                sign(secret, timestamp, delivery.body.as_bytes()),
            );
        }
        let (status, error) = match request.send().await {
            Ok(response) if response.status().is_success() => {
                let status = i64::from(response.status().as_u16());
                span.set(KeyValue::new("http.response.status_code", status));
                self.delivered(endpoint, delivery, token, status).await?;
                return Ok(false);
            }
            Ok(response) => {
                let status = response.status();
                (Some(i64::from(status.as_u16())), format!("HTTP {status}"))
            }
            Err(e) => (None, describe(&e, self.settings.timeout)),
        };
        if let Some(status) = status {
            span.set(KeyValue::new("http.response.status_code", status));
        }
        span.fail(error.clone());
        self.failed(endpoint, delivery, token, status, &error).await
    }

    async fn delivered(
        &self,
        endpoint: &EndpointRecord,
        delivery: &DeliveryRecord,
        token: &str,
        status: i64,
    ) -> Result<(), sqlx::Error> {
        let now = clock::now_ms();
        let outcome = Outcome {
            state: "delivered",
            next_attempt_at: delivery.next_attempt_at,
            last_status: Some(status),
            last_error: None,
            finished_at: Some(now),
        };
        outbox::finish_attempt(&self.db, delivery.id, token, &outcome).await?;
        webhooks::breaker_success(&self.db, endpoint.id).await
    }

    async fn failed(
        &self,
        endpoint: &EndpointRecord,
        delivery: &DeliveryRecord,
        token: &str,
        status: Option<i64>,
        error: &str,
    ) -> Result<bool, sqlx::Error> {
        let s = &self.settings;
        self.handle.count_failure(endpoint.id);
        let now = clock::now_ms();
        let attempts = delivery.attempts.saturating_add(1);
        let dead = attempts >= i64::from(s.max_attempts)
            || now.saturating_sub(delivery.created_at) >= s.max_age_ms;
        let delay = backoff::delay_ms(
            u32::try_from(attempts).unwrap_or(u32::MAX),
            s.backoff_initial_ms,
            s.backoff_max_ms,
        );
        let outcome = Outcome {
            state: if dead { "dead" } else { "pending" },
            next_attempt_at: now.saturating_add(millis(delay)),
            last_status: status,
            last_error: Some(error),
            finished_at: dead.then_some(now),
        };
        tracing::warn!(
            endpoint = endpoint.id,
            delivery = delivery.id,
            attempts,
            dead,
            error,
            "webhook delivery failed"
        );
        outbox::finish_attempt(&self.db, delivery.id, token, &outcome).await?;
        let state = webhooks::breaker_failure(
            &self.db,
            endpoint.id,
            i64::from(s.breaker_failures),
            now.saturating_add(s.breaker_cooldown_ms),
        )
        .await?;
        Ok(state == "open")
    }
}

/// Resolves once the server is stopping (or the sender's owner is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopped| *stopped).await;
}

/// What went wrong, without the response body (it is the receiver's, not ours to keep).
fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        format!("no answer within {} ms", timeout.as_millis())
    } else if e.is_connect() {
        "cannot connect".into()
    } else {
        "the request failed".into()
    }
}
