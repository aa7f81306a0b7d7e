//! What every worker does per request: (re)connect when needed, send within the timeout,
//! and tell the recorder what happened.

use super::connection::Connection;
use crate::plan::Endpoint;
use crate::progress::Live;
use crate::recorder::TransportError;
use bytes::Bytes;
use http::Request;
use http::header::{CONTENT_LENGTH, HOST, HeaderValue};
use http_body_util::Full;
use std::net::SocketAddr;
use std::time::Duration;

pub enum Sent {
    Response { status: u16, bytes: u64 },
    Failed(TransportError),
}

/// A worker's connection slot: empty until connected, emptied again after any failure.
pub struct Slot {
    addr: SocketAddr,
    connection: Option<Connection>,
}

impl Slot {
    pub fn new(addr: SocketAddr, connection: Option<Connection>) -> Slot {
        Slot { addr, connection }
    }

    /// One request, connect included, bounded by `timeout`.
    pub async fn send(&mut self, endpoint: &Endpoint, timeout: Duration, live: &Live) -> Sent {
        live.sent();
        let attempt = tokio::time::timeout(timeout, async {
            if self.connection.is_none() {
                self.connection = Some(Connection::open(self.addr).await?);
            }
            let connection = self.connection.as_mut().ok_or(TransportError::Connect)?;
            connection.exchange(build(endpoint)).await
        })
        .await;
        let outcome = match attempt {
            Ok(Ok(answer)) => {
                if !answer.reusable {
                    self.connection = None;
                }
                Sent::Response {
                    status: answer.status,
                    bytes: answer.bytes,
                }
            }
            Ok(Err(kind)) => {
                self.connection = None;
                Sent::Failed(kind)
            }
            Err(_elapsed) => {
                // The connection is mid-request in an unknown state: never reuse it.
                self.connection = None;
                Sent::Failed(TransportError::Timeout)
            }
        };
        live.done(&outcome);
        outcome
    }
}

pub async fn connect(addr: SocketAddr, timeout: Duration) -> Option<Connection> {
    tokio::time::timeout(timeout, Connection::open(addr))
        .await
        .ok()
        .and_then(Result::ok)
}

fn build(endpoint: &Endpoint) -> Request<Full<Bytes>> {
    let mut request = Request::new(Full::new(endpoint.body.clone()));
    *request.method_mut() = endpoint.method.clone();
    // The request line carries only the path; the server name goes in Host.
    *request.uri_mut() = endpoint.target.request_uri.clone();
    let headers = request.headers_mut();
    headers.clone_from(&endpoint.headers);
    if !headers.contains_key(HOST)
        && let Ok(host) = HeaderValue::from_str(&endpoint.target.authority)
    {
        headers.insert(HOST, host);
    }
    if !endpoint.body.is_empty() && !headers.contains_key(CONTENT_LENGTH) {
        headers.insert(CONTENT_LENGTH, HeaderValue::from(endpoint.body.len()));
    }
    request
}
