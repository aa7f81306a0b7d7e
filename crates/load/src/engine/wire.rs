//! The HTTP/1.1 wire format the engine needs: each endpoint's request serialised once before
//! the run (so the hot path only copies bytes into a socket), and response heads parsed into
//! the framing of the body that follows (RFC 9112 §6.3).

use crate::plan::Endpoint;
use crate::recorder::TransportError;
use bytes::Bytes;
use http::Method;
use http::header::{CONTENT_LENGTH, HOST, TRANSFER_ENCODING};

/// An endpoint's request as it goes on the wire.
#[derive(Clone, Debug)]
pub struct WireRequest {
    pub bytes: Bytes,
    /// A HEAD request: the response never has a body, whatever its headers say.
    pub head: bool,
}

impl WireRequest {
    pub fn encode(endpoint: &Endpoint) -> WireRequest {
        let headers = &endpoint.headers;
        let mut out = Vec::with_capacity(128 + endpoint.body.len());
        out.extend_from_slice(endpoint.method.as_str().as_bytes());
        out.push(b' ');
        out.extend_from_slice(endpoint.target.path_and_query.as_bytes());
        out.extend_from_slice(b" HTTP/1.1\r\n");
        if !headers.contains_key(HOST) {
            line(&mut out, b"host", endpoint.target.authority.as_bytes());
        }
        for (name, value) in headers {
            line(&mut out, name.as_str().as_bytes(), value.as_bytes());
        }
        // Servers such as nginx answer 411 to a POST without a length, even an empty one.
        let expects_body = matches!(endpoint.method, Method::POST | Method::PUT | Method::PATCH);
        if (expects_body || !endpoint.body.is_empty())
            && !headers.contains_key(CONTENT_LENGTH)
            && !headers.contains_key(TRANSFER_ENCODING)
        {
            let length = endpoint.body.len().to_string();
            line(&mut out, b"content-length", length.as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&endpoint.body);
        WireRequest {
            bytes: Bytes::from(out),
            head: endpoint.method == Method::HEAD,
        }
    }
}

fn line(out: &mut Vec<u8>, name: &[u8], value: &[u8]) {
    out.extend_from_slice(name);
    out.extend_from_slice(b": ");
    out.extend_from_slice(value);
    out.extend_from_slice(b"\r\n");
}

/// How the body after a response head ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    Empty,
    Length(u64),
    Chunked,
    /// No length given: the body runs until the server closes the connection.
    UntilClose,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    pub status: u16,
    /// Bytes of the head, blank line included.
    pub len: usize,
    pub framing: Framing,
    /// The connection may carry another request after this response.
    pub keep_alive: bool,
}

impl Head {
    /// 1xx answers other than 101 precede the real response and have no body.
    pub fn is_interim(&self) -> bool {
        (100..200).contains(&self.status) && self.status != 101
    }
}

/// Header lines a response head may have; more is treated as a malformed response.
const MAX_HEADERS: usize = 128;

/// Parses the response head at the start of `buf`; `None` when it is not complete yet.
pub fn parse_head(buf: &[u8], head_request: bool) -> Result<Option<Head>, TransportError> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    let len = match response.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(_) => return Err(TransportError::Protocol),
    };
    let status = response.code.ok_or(TransportError::Protocol)?;
    let http11 = response.version == Some(1);
    let mut keep_alive = http11;
    let mut length: Option<u64> = None;
    let mut chunked = false;
    let mut other_coding = false;
    for header in response.headers.iter() {
        if header.name.eq_ignore_ascii_case("content-length") {
            let value = std::str::from_utf8(header.value)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
                .ok_or(TransportError::Protocol)?;
            // Differing lengths make the framing ambiguous (a smuggling vector): refuse it.
            if length.is_some_and(|l| l != value) {
                return Err(TransportError::Protocol);
            }
            length = Some(value);
        } else if header.name.eq_ignore_ascii_case("transfer-encoding") {
            // Only the last coding decides the framing.
            let last = header.value.rsplit(|b| *b == b',').next().unwrap_or(b"");
            chunked = last.trim_ascii().eq_ignore_ascii_case(b"chunked");
            other_coding = !chunked;
        } else if header.name.eq_ignore_ascii_case("connection") {
            for token in header.value.split(|b| *b == b',') {
                let token = token.trim_ascii();
                if token.eq_ignore_ascii_case(b"close") {
                    keep_alive = false;
                } else if token.eq_ignore_ascii_case(b"keep-alive") && !http11 {
                    keep_alive = true;
                }
            }
        }
    }
    let no_body = head_request || (100..200).contains(&status) || status == 204 || status == 304;
    let framing = if no_body {
        Framing::Empty
    } else if chunked {
        Framing::Chunked
    } else if other_coding {
        Framing::UntilClose
    } else {
        match length {
            Some(0) => Framing::Empty,
            Some(n) => Framing::Length(n),
            None => Framing::UntilClose,
        }
    };
    Ok(Some(Head {
        status,
        len,
        framing,
        keep_alive: keep_alive && framing != Framing::UntilClose && status != 101,
    }))
}

/// A chunk-size or trailer line longer than this is treated as a malformed response.
const MAX_LINE: usize = 4096;

/// Decodes a chunked body incrementally, counting the payload bytes and discarding them.
#[derive(Debug, Default)]
pub struct Chunked {
    state: ChunkState,
}

#[derive(Debug, Default, PartialEq, Eq)]
enum ChunkState {
    #[default]
    Size,
    Data(u64),
    DataEnd,
    Trailers,
    Done,
}

impl Chunked {
    pub fn done(&self) -> bool {
        self.state == ChunkState::Done
    }

    /// Consumes what it can from `buf`: (bytes consumed, payload bytes among them).
    pub fn feed(&mut self, buf: &[u8]) -> Result<(usize, u64), TransportError> {
        let mut at = 0;
        let mut payload = 0u64;
        loop {
            let rest = &buf[at..];
            match self.state {
                ChunkState::Done => break,
                ChunkState::Size => match httparse::parse_chunk_size(rest) {
                    Ok(httparse::Status::Complete((used, size))) => {
                        at += used;
                        self.state = if size == 0 {
                            ChunkState::Trailers
                        } else {
                            ChunkState::Data(size)
                        };
                    }
                    Ok(httparse::Status::Partial) if rest.len() < MAX_LINE => break,
                    _ => return Err(TransportError::Protocol),
                },
                ChunkState::Data(left) => {
                    if rest.is_empty() {
                        break;
                    }
                    let take = left.min(rest.len() as u64);
                    at += take as usize;
                    payload += take;
                    self.state = if take == left {
                        ChunkState::DataEnd
                    } else {
                        ChunkState::Data(left - take)
                    };
                }
                ChunkState::DataEnd => match rest {
                    [b'\r', b'\n', ..] => {
                        at += 2;
                        self.state = ChunkState::Size;
                    }
                    [] | [b'\r'] => break,
                    _ => return Err(TransportError::Protocol),
                },
                ChunkState::Trailers => {
                    let Some(end) = rest.iter().position(|b| *b == b'\n') else {
                        if rest.len() < MAX_LINE {
                            break;
                        }
                        return Err(TransportError::Protocol);
                    };
                    let blank = rest[..end].iter().all(|b| *b == b'\r');
                    at += end + 1;
                    if blank {
                        self.state = ChunkState::Done;
                    }
                }
            }
        }
        Ok((at, payload))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::TargetUrl;

    fn endpoint(method: &str, body: &str) -> Endpoint {
        let mut e = Endpoint::new(
            "e",
            TargetUrl::parse("http://127.0.0.1:8080/items?page=2").unwrap(),
        );
        e.set_method(method).unwrap();
        e.body = Bytes::from(body.to_string());
        e
    }

    fn text(w: &WireRequest) -> String {
        String::from_utf8(w.bytes.to_vec()).unwrap()
    }

    #[test]
    fn encodes_request_line_host_headers_and_body() {
        let mut e = endpoint("POST", "hello");
        e.add_header_line("X-Token: abc").unwrap();
        let w = WireRequest::encode(&e);
        assert_eq!(
            text(&w),
            "POST /items?page=2 HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nx-token: abc\r\ncontent-length: 5\r\n\r\nhello"
        );
        assert!(!w.head);
    }

    #[test]
    fn a_given_host_replaces_the_default_and_get_has_no_length() {
        let mut e = endpoint("GET", "");
        e.add_header_line("Host: example.test").unwrap();
        assert_eq!(
            text(&WireRequest::encode(&e)),
            "GET /items?page=2 HTTP/1.1\r\nhost: example.test\r\n\r\n"
        );
        let empty_post = WireRequest::encode(&endpoint("POST", ""));
        assert!(text(&empty_post).ends_with("content-length: 0\r\n\r\n"));
        assert!(WireRequest::encode(&endpoint("HEAD", "")).head);
    }

    fn head(raw: &str, head_request: bool) -> Head {
        parse_head(raw.as_bytes(), head_request).unwrap().unwrap()
    }

    #[test]
    fn framing_follows_the_headers() {
        let h = head("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n", false);
        assert_eq!(
            (h.status, h.framing, h.keep_alive),
            (200, Framing::Length(3), true)
        );
        assert_eq!(h.len, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n".len());
        let h = head(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            false,
        );
        assert_eq!(h.framing, Framing::Chunked);
        let h = head("HTTP/1.1 200 OK\r\n\r\n", false);
        assert_eq!((h.framing, h.keep_alive), (Framing::UntilClose, false));
        let h = head(
            "HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n",
            false,
        );
        assert_eq!(h.framing, Framing::Empty);
        let h = head("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", true);
        assert_eq!(h.framing, Framing::Empty);
        assert!(head("HTTP/1.1 100 Continue\r\n\r\n", false).is_interim());
    }

    #[test]
    fn connection_reuse_follows_version_and_connection_header() {
        let close = head(
            "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
            false,
        );
        assert!(!close.keep_alive);
        let old = head("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false);
        assert!(!old.keep_alive);
        let old_kept = head(
            "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n",
            false,
        );
        assert!(old_kept.keep_alive);
    }

    #[test]
    fn partial_and_malformed_heads() {
        assert_eq!(
            parse_head(b"HTTP/1.1 200 OK\r\nContent-Le", false),
            Ok(None)
        );
        for bad in [
            "HTTX/1.1 200 OK\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        ] {
            assert_eq!(
                parse_head(bad.as_bytes(), false),
                Err(TransportError::Protocol),
                "{bad}"
            );
        }
    }

    /// Feeds `body` in pieces of `step` bytes, as reads would deliver it: (payload bytes,
    /// bytes left after the body).
    fn decode(body: &[u8], step: usize) -> Result<(u64, usize), TransportError> {
        let mut decoder = Chunked::default();
        let mut buffered: Vec<u8> = Vec::new();
        let (mut payload, mut consumed) = (0, 0);
        for piece in body.chunks(step) {
            buffered.extend_from_slice(piece);
            let (used, n) = decoder.feed(&buffered)?;
            buffered.drain(..used);
            payload += n;
            consumed += used;
            if decoder.done() {
                return Ok((payload, body.len() - consumed));
            }
        }
        Err(TransportError::Closed)
    }

    #[test]
    fn chunked_bodies_decode_whatever_the_read_sizes() {
        let body = b"5\r\nhello\r\n1;ext=1\r\n!\r\n0\r\nX-Trailer: t\r\n\r\nNEXT";
        for step in 1..body.len() {
            assert_eq!(decode(body, step), Ok((6, 4)), "step {step}");
        }
        assert_eq!(decode(b"0\r\n\r\n", 64), Ok((0, 0)));
        assert_eq!(
            decode(b"5\r\nhelloXX0\r\n\r\n", 64),
            Err(TransportError::Protocol)
        );
        assert_eq!(decode(b"zz\r\n", 64), Err(TransportError::Protocol));
    }
}
