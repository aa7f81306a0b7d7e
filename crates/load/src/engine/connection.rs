//! One HTTP/1.1 keep-alive connection: writes a pre-serialised request, reads the response
//! into a reused buffer and counts the body without keeping it. One request at a time (no
//! pipelining, like wrk), so per request the cost is one write and, usually, one read.

use super::dial::{Dial, Stream};
use super::wire::{Chunked, Framing, Head, parse_head};
use crate::recorder::TransportError;
use std::io::ErrorKind;
use tokio::io::{AsyncReadExt, AsyncWriteExt, Interest};

/// Read buffer size; it grows up to `MAX_HEAD` only for a head that does not fit.
const BUFFER: usize = 16 * 1024;
const MAX_HEAD: usize = 256 * 1024;

pub struct Connection {
    stream: Stream,
    buf: Vec<u8>,
    /// Unconsumed bytes are `buf[start..end]`.
    start: usize,
    end: usize,
}

/// What came back for one request.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    /// Body bytes (chunk framing excluded).
    pub bytes: u64,
    /// False when the server closed the connection with (or after) this response.
    pub reusable: bool,
}

impl Connection {
    pub async fn open(dial: &Dial) -> Result<Connection, TransportError> {
        let stream = dial.connect().await.map_err(|_| TransportError::Connect)?;
        Ok(Connection {
            stream,
            buf: vec![0; BUFFER],
            start: 0,
            end: 0,
        })
    }

    /// Sends `request` and reads the whole response. After an error the connection is
    /// unusable.
    pub async fn exchange(
        &mut self,
        request: &[u8],
        head_request: bool,
    ) -> Result<Answer, TransportError> {
        // Anything left over belongs to no request we sent: the stream is out of step.
        if self.start != self.end {
            return Err(TransportError::Protocol);
        }
        self.write_all(request).await?;
        let head = self.read_head(head_request).await?;
        let bytes = match head.framing {
            Framing::Empty => 0,
            Framing::Length(n) => self.skip(n).await?,
            Framing::Chunked => self.skip_chunked().await?,
            Framing::UntilClose => self.skip_to_close().await?,
        };
        Ok(Answer {
            status: head.status,
            bytes,
            reusable: head.keep_alive,
        })
    }

    async fn write_all(&mut self, mut data: &[u8]) -> Result<(), TransportError> {
        let stream = match &mut self.stream {
            Stream::Plain(tcp) => tcp,
            Stream::Tls(tls) => {
                tls.write_all(data).await.map_err(|e| io_error(&e))?;
                return tls.flush().await.map_err(|e| io_error(&e));
            }
        };
        while !data.is_empty() {
            match stream.try_write(data) {
                Ok(0) => return Err(TransportError::Closed),
                Ok(n) => data = &data[n..],
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    stream.writable().await.map_err(|e| io_error(&e))?;
                }
                Err(e) => return Err(io_error(&e)),
            }
        }
        Ok(())
    }

    /// The final response head (interim 1xx answers are skipped), consumed from the buffer.
    async fn read_head(&mut self, head_request: bool) -> Result<Head, TransportError> {
        loop {
            if let Some(head) = parse_head(&self.buf[self.start..self.end], head_request)? {
                self.consume(head.len);
                if head.is_interim() {
                    continue;
                }
                return Ok(head);
            }
            if self.fill().await? == 0 {
                return Err(TransportError::Closed);
            }
        }
    }

    async fn skip(&mut self, mut left: u64) -> Result<u64, TransportError> {
        let total = left;
        loop {
            let take = left.min((self.end - self.start) as u64);
            self.consume(take as usize);
            left -= take;
            if left == 0 {
                return Ok(total);
            }
            if self.fill().await? == 0 {
                return Err(TransportError::Closed);
            }
        }
    }

    async fn skip_chunked(&mut self) -> Result<u64, TransportError> {
        let mut decoder = Chunked::default();
        let mut payload = 0;
        loop {
            let (used, n) = decoder.feed(&self.buf[self.start..self.end])?;
            self.consume(used);
            payload += n;
            if decoder.done() {
                return Ok(payload);
            }
            if self.fill().await? == 0 {
                return Err(TransportError::Closed);
            }
        }
    }

    async fn skip_to_close(&mut self) -> Result<u64, TransportError> {
        let mut total = 0u64;
        loop {
            total += (self.end - self.start) as u64;
            self.consume(self.end - self.start);
            if self.fill().await? == 0 {
                return Ok(total);
            }
        }
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    /// Reads more bytes after the unconsumed ones; 0 at end of stream.
    async fn fill(&mut self) -> Result<usize, TransportError> {
        if self.end == self.buf.len() {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            } else if self.buf.len() < MAX_HEAD {
                self.buf.resize(self.buf.len() * 2, 0);
            } else {
                return Err(TransportError::Protocol);
            }
        }
        let stream = match &mut self.stream {
            Stream::Plain(tcp) => tcp,
            Stream::Tls(tls) => {
                let n = tls
                    .read(&mut self.buf[self.end..])
                    .await
                    .map_err(|e| io_error(&e))?;
                self.end += n;
                return Ok(n);
            }
        };
        loop {
            match stream.try_read(&mut self.buf[self.end..]) {
                Ok(n) => {
                    if n > 0 && self.end + n < self.buf.len() {
                        // A short read drained the socket: forget the readiness now, so the
                        // next read waits for data instead of paying a read that finds none.
                        // Data arriving later raises readiness again (a new event).
                        let _ = stream.try_io(Interest::READABLE, || {
                            Err::<(), _>(ErrorKind::WouldBlock.into())
                        });
                    }
                    self.end += n;
                    return Ok(n);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    stream.readable().await.map_err(|e| io_error(&e))?;
                }
                Err(e) => return Err(io_error(&e)),
            }
        }
    }
}

fn io_error(error: &std::io::Error) -> TransportError {
    match error.kind() {
        ErrorKind::ConnectionReset
        | ErrorKind::ConnectionAborted
        | ErrorKind::BrokenPipe
        | ErrorKind::UnexpectedEof => TransportError::Closed,
        ErrorKind::TimedOut => TransportError::Timeout,
        _ => TransportError::Io,
    }
}
