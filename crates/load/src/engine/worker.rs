//! What every worker does per request: (re)connect when needed, send within the timeout,
//! and count what happened for the progress line.

use super::connection::Connection;
use super::deadline::Watchdog;
use super::dial::Dial;
use super::wire::WireRequest;
use crate::progress::{Live, Tally};
use crate::recorder::TransportError;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub enum Sent {
    Response { status: u16, bytes: u64 },
    Failed(TransportError),
}

/// A worker's connection slot: empty until connected, emptied again after any failure.
pub struct Slot {
    addr: Dial,
    connection: Option<Connection>,
    watchdog: Watchdog,
    live: Arc<Live>,
    tally: Tally,
}

impl Slot {
    pub fn new(addr: Dial, connection: Option<Connection>, live: Arc<Live>) -> Slot {
        Slot {
            addr,
            connection,
            watchdog: Watchdog::default(),
            live,
            tally: Tally::default(),
        }
    }

    /// One request, connect included, that must end by `deadline`.
    pub async fn send(&mut self, request: &WireRequest, deadline: Instant) -> Sent {
        self.tally.sent();
        let Slot {
            addr,
            connection,
            watchdog,
            ..
        } = self;
        let attempt = watchdog
            .within(deadline, async {
                if connection.is_none() {
                    *connection = Some(Connection::open(addr).await?);
                }
                let open = connection.as_mut().ok_or(TransportError::Connect)?;
                open.exchange(&request.bytes, request.head).await
            })
            .await;
        let outcome = match attempt {
            Some(Ok(answer)) => {
                if !answer.reusable {
                    *connection = None;
                }
                Sent::Response {
                    status: answer.status,
                    bytes: answer.bytes,
                }
            }
            Some(Err(kind)) => {
                *connection = None;
                Sent::Failed(kind)
            }
            None => {
                // The connection is mid-request in an unknown state: never reuse it.
                *connection = None;
                Sent::Failed(TransportError::Timeout)
            }
        };
        self.tally.done(&outcome);
        outcome
    }

    /// Lets the progress line see this worker's counts (cheap unless it is time to publish).
    pub fn progress(&mut self, now: Instant) {
        self.tally.publish_if_due(&self.live, now);
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.tally.publish(&self.live, Instant::now());
    }
}

pub async fn connect(addr: Dial, timeout: Duration) -> Option<Connection> {
    tokio::time::timeout(timeout, Connection::open(&addr))
        .await
        .ok()
        .and_then(Result::ok)
}
