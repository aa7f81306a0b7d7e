//! One HTTP/1.1 keep-alive connection, driven inside the worker task that uses it (no extra
//! task per connection, so a request never waits for another thread to read its response).

use crate::recorder::TransportError;
use bytes::Bytes;
use http::Request;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::pin::pin;
use tokio::net::TcpStream;

type Driver = http1::Connection<TokioIo<TcpStream>, Full<Bytes>>;

pub struct Connection {
    sender: http1::SendRequest<Full<Bytes>>,
    driver: std::pin::Pin<Box<Driver>>,
}

/// What came back for one request.
pub struct Answer {
    pub status: u16,
    pub bytes: u64,
    /// False when the server closed the connection with (or after) this response.
    pub reusable: bool,
}

impl Connection {
    pub async fn open(addr: SocketAddr) -> Result<Connection, TransportError> {
        let stream = TcpStream::connect(addr)
            .await
            .map_err(|_| TransportError::Connect)?;
        // Small requests must leave at once, not wait for Nagle's timer.
        let _ = stream.set_nodelay(true);
        let (sender, driver) = http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| classify(&e))?;
        Ok(Connection {
            sender,
            driver: Box::pin(driver),
        })
    }

    /// Sends `request` and reads the whole body. After an error the connection is unusable.
    pub async fn exchange(
        &mut self,
        request: Request<Full<Bytes>>,
    ) -> Result<Answer, TransportError> {
        let Connection { sender, driver } = self;
        let mut work = pin!(async {
            sender.ready().await?;
            let response = sender.send_request(request).await?;
            let status = response.status().as_u16();
            let mut body = response.into_body();
            let mut bytes = 0u64;
            while let Some(frame) = body.frame().await {
                if let Some(data) = frame?.data_ref() {
                    bytes += data.len() as u64;
                }
            }
            Ok::<_, hyper::Error>((status, bytes))
        });
        tokio::select! {
            biased;
            result = &mut work => {
                let (status, bytes) = result.map_err(|e| classify(&e))?;
                Ok(Answer { status, bytes, reusable: true })
            }
            ended = driver.as_mut() => {
                // The connection is over; the response may still have arrived whole before
                // the server closed it (`Connection: close`), so finish reading what is there.
                let driver_error = ended.err().map(|e| classify(&e));
                match work.await {
                    Ok((status, bytes)) => Ok(Answer { status, bytes, reusable: false }),
                    Err(e) => Err(driver_error.unwrap_or_else(|| classify(&e))),
                }
            }
        }
    }
}

fn classify(error: &hyper::Error) -> TransportError {
    if error.is_timeout() {
        return TransportError::Timeout;
    }
    if error.is_parse() || error.is_parse_status() {
        return TransportError::Protocol;
    }
    if error.is_incomplete_message() || error.is_canceled() || error.is_closed() {
        return TransportError::Closed;
    }
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        if let Some(io) = inner.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            return match io.kind() {
                ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof => {
                    TransportError::Closed
                }
                TimedOut => TransportError::Timeout,
                _ => TransportError::Io,
            };
        }
        source = inner.source();
    }
    TransportError::Io
}
