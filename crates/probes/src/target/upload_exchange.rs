//! The body-size probe's request, written by hand on a connection of its own. The body is
//! written while the connection is read, so an early answer stops the upload at once; and
//! when a service answers 413 and then resets the connection (it closed without reading the
//! rest of the body, as hyper-based servers do), the answer already received is still read.
//! An HTTP client library reports the failed write instead, depending on timing.

use super::wire::{self, Framing, Head};
use super::{BODY_LIMIT, Exchange, Request, RequestError, Target, USER_AGENT, Upload};
use reqwest::Url;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

/// The answer to a streamed upload and how much of it went out first.
#[derive(Debug)]
pub struct Streamed {
    pub answer: Result<Exchange, RequestError>,
    /// Body bytes handed to the connection before the response headers arrived (or before the
    /// connection failed).
    pub sent: u64,
    /// The body's declared length.
    pub total: u64,
}

impl Streamed {
    pub fn whole_body_sent(&self) -> bool {
        self.sent >= self.total
    }
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// What came back on the connection.
struct Answer {
    head: Head,
    body: Vec<u8>,
    truncated: bool,
    /// Time to the response head.
    elapsed: std::time::Duration,
}

impl Target {
    /// Streams `upload` as the request body (one request of the budget, within `--timeout`).
    /// Once the response head arrives no more bytes are sent; the connection is closed after
    /// the answer is read. `request`'s own body, if any, is not sent.
    pub async fn send_upload(
        &self,
        request: Request,
        upload: Upload,
    ) -> Result<Streamed, RequestError> {
        let url = self.url(&request.path)?;
        self.acquire().await?;
        let total = upload.len();
        let head = self.upload_head(&request, &url, &upload)?;
        let sent = AtomicU64::new(0);
        let attempt = async {
            let stream = self.open(&url).await?;
            exchange(stream, &head, &upload, &sent).await
        };
        let answer = match tokio::time::timeout(self.timeout, attempt).await {
            Ok(Ok(answer)) => Ok(Exchange {
                with_credentials: request.credentials && self.token.is_some(),
                method: request.method,
                url,
                status: answer.head.status,
                headers: answer.head.headers,
                body: answer.body,
                truncated: answer.truncated,
                elapsed: answer.elapsed,
            }),
            Ok(Err(reason)) => Err(RequestError::Failed {
                method: request.method.to_string(),
                url: url.to_string(),
                reason,
            }),
            Err(_) => Err(RequestError::Timeout {
                method: request.method.to_string(),
                url: url.to_string(),
                after: self.timeout,
            }),
        };
        Ok(Streamed {
            answer,
            sent: sent.load(Ordering::SeqCst),
            total,
        })
    }

    /// The request line and headers: the global `--header`s, the credentials when asked for,
    /// the request's own headers, and `Connection: close` (the connection is not reused).
    fn upload_head(
        &self,
        request: &Request,
        url: &Url,
        upload: &Upload,
    ) -> Result<Vec<u8>, RequestError> {
        let host = url
            .host_str()
            .ok_or_else(|| RequestError::Invalid(format!("{url}: no host")))?;
        let authority = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        };
        let target = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        let mut head = format!(
            "{} {target} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: {USER_AGENT}\r\n\
             Accept: */*\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
            request.method,
            upload.content_type,
            upload.len()
        )
        .into_bytes();
        let credentials = request
            .credentials
            .then_some(self.token.as_ref())
            .flatten()
            .map(|t| (&reqwest::header::AUTHORIZATION, t));
        let headers = self.headers.iter().chain(credentials).chain(
            request
                .headers
                .iter()
                .filter(|(name, _)| *name != reqwest::header::CONTENT_TYPE)
                .map(|(n, v)| (n, v)),
        );
        for (name, value) in headers {
            head.extend_from_slice(name.as_str().as_bytes());
            head.extend_from_slice(b": ");
            head.extend_from_slice(value.as_bytes());
            head.extend_from_slice(b"\r\n");
        }
        head.extend_from_slice(b"\r\n");
        Ok(head)
    }

    /// TCP, and TLS for `https` URLs.
    async fn open(&self, url: &Url) -> Result<Box<dyn Io>, String> {
        let host = url
            .host_str()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = url
            .port_or_known_default()
            .ok_or_else(|| format!("{url}: no port"))?;
        let tcp = TcpStream::connect((host.as_str(), port))
            .await
            .map_err(|e| format!("TCP connect: {e}"))?;
        let _ = tcp.set_nodelay(true);
        if url.scheme() == "https" {
            Ok(Box::new(self.tls_stream(&host, tcp).await?))
        } else {
            Ok(Box::new(tcp))
        }
    }
}

/// Writes the head and the body while reading; stops writing when the response head arrives
/// or a write fails, then reads the answer. `sent` counts body bytes written.
async fn exchange(
    stream: Box<dyn Io>,
    request_head: &[u8],
    upload: &Upload,
    sent: &AtomicU64,
) -> Result<Answer, String> {
    let started = Instant::now();
    let (mut reader, mut writer) = tokio::io::split(stream);
    let mut buf = Vec::with_capacity(16 * 1024);
    let mut write_error = writer
        .write_all(request_head)
        .await
        .err()
        .map(|e| e.to_string());
    let mut writing = write_error.is_none();
    let mut pos = 0u64;
    let head = loop {
        if let Some(head) = next_final_head(&mut buf)? {
            break head;
        }
        tokio::select! {
            read = reader.read_buf(&mut buf) => match read {
                Ok(0) => return Err(no_answer("the connection closed", &write_error)),
                Ok(_) => {}
                Err(e) => return Err(no_answer(&e.to_string(), &write_error)),
            },
            written = write_some(&mut writer, upload, pos), if writing => match written {
                Ok(n) => {
                    pos += n as u64;
                    sent.store(pos, Ordering::SeqCst);
                    writing = pos < upload.len();
                }
                Err(e) => {
                    write_error = Some(e.to_string());
                    writing = false;
                }
            },
        }
    };
    let elapsed = started.elapsed();
    let rest = buf.split_off(head.len);
    let (body, truncated) = read_body(&mut reader, head.framing, rest).await;
    Ok(Answer {
        head,
        body,
        truncated,
        elapsed,
    })
}

/// One write of the next part of the body (the last one flushes, for TLS).
async fn write_some(
    writer: &mut (impl AsyncWrite + Unpin),
    upload: &Upload,
    pos: u64,
) -> std::io::Result<usize> {
    let chunk = upload.chunk_at(pos);
    let n = writer.write(&chunk).await?;
    if n == 0 {
        return Err(std::io::ErrorKind::WriteZero.into());
    }
    if pos + n as u64 >= upload.len() {
        writer.flush().await?;
    }
    Ok(n)
}

/// The first non-1xx head in `buf`; interim answers (100 Continue) are dropped from it.
fn next_final_head(buf: &mut Vec<u8>) -> Result<Option<Head>, String> {
    loop {
        let Some(head) = wire::parse_head(buf)? else {
            return Ok(None);
        };
        if !head.status.is_informational() {
            return Ok(Some(head));
        }
        buf.drain(..head.len);
    }
}

fn no_answer(how: &str, write_error: &Option<String>) -> String {
    match write_error {
        Some(w) => format!("{how} before an HTTP answer (writing the body failed: {w})"),
        None => format!("{how} before an HTTP answer"),
    }
}

/// The body as framed, up to [`BODY_LIMIT`]; a connection that ends early keeps what came.
async fn read_body(
    reader: &mut (impl AsyncRead + Unpin),
    framing: Framing,
    mut raw: Vec<u8>,
) -> (Vec<u8>, bool) {
    let limit = BODY_LIMIT as u64;
    loop {
        let (body, done) = match framing {
            Framing::Empty => (Vec::new(), true),
            Framing::Length(n) => {
                let have = raw.len() as u64;
                if have >= n.min(limit) {
                    raw.truncate(n.min(limit) as usize);
                    return (raw, n > limit);
                }
                (Vec::new(), false)
            }
            Framing::Chunked => wire::dechunk(&raw),
            Framing::Close => (Vec::new(), false),
        };
        if done {
            return (body, false);
        }
        if raw.len() >= BODY_LIMIT + wire::MAX_HEAD {
            let mut body = if framing == Framing::Chunked {
                body
            } else {
                raw
            };
            body.truncate(BODY_LIMIT);
            return (body, true);
        }
        match reader.read_buf(&mut raw).await {
            Ok(n) if n > 0 => {}
            _ => {
                let body = match framing {
                    Framing::Chunked => wire::dechunk(&raw).0,
                    _ => raw,
                };
                return (body, false);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::Method;
    use tokio::io::AsyncWriteExt;
    use tokio::net::TcpListener;

    /// A server that reads `read` bytes, answers `answer` and closes the socket with the
    /// rest of the body unread (the kernel resets the connection).
    async fn server(read: usize, answer: &'static [u8]) -> std::net::SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut got = vec![0; read];
            let _ = socket.read_exact(&mut got).await;
            socket.write_all(answer).await.unwrap();
            drop(socket);
        });
        addr
    }

    fn target(addr: std::net::SocketAddr) -> Target {
        Target::new(
            &format!("http://{addr}"),
            &super::super::TargetOptions::default(),
        )
        .unwrap()
    }

    #[tokio::test]
    async fn an_answer_before_a_reset_is_read() {
        let addr = server(
            4096,
            b"HTTP/1.1 413 Payload Too Large\r\ncontent-type: text/plain\r\ncontent-length: 9\r\n\r\ntoo large",
        )
        .await;
        let t = target(addr);
        let streamed = t
            .send_upload(
                Request::new(Method::POST, "/items"),
                Upload::json_string("name", 64 << 20),
            )
            .await
            .unwrap();
        assert!(!streamed.whole_body_sent(), "sent {}", streamed.sent);
        let ex = streamed.answer.expect("the 413 is read despite the reset");
        assert_eq!(ex.status.as_u16(), 413);
        assert_eq!(ex.body, b"too large");
    }

    #[tokio::test]
    async fn chunked_answers_and_interim_heads() {
        let addr = server(
            10,
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 400 Bad Request\r\ntransfer-encoding: chunked\r\n\r\n4\r\nnope\r\n0\r\n\r\n",
        )
        .await;
        let streamed = target(addr)
            .send_upload(
                Request::new(Method::PUT, "/x?y=1"),
                Upload::json_string("name", 32 << 20),
            )
            .await
            .unwrap();
        let ex = streamed.answer.unwrap();
        assert_eq!(ex.status.as_u16(), 400);
        assert_eq!(ex.body, b"nope");
    }

    #[tokio::test]
    async fn a_close_without_an_answer_is_a_failure_with_the_reason() {
        let addr = server(100, b"").await;
        let streamed = target(addr)
            .send_upload(
                Request::new(Method::POST, "/"),
                Upload::json_string("name", 32 << 20),
            )
            .await
            .unwrap();
        match streamed.answer {
            Err(RequestError::Failed { reason, .. }) => {
                assert!(reason.contains("before an HTTP answer"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
    }
}
