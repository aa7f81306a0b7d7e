//! HTTP/1.1 on the wire for the one request vouch writes itself (the streamed upload): the
//! request head, the response head and a chunked body.

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// A response head larger than this is not HTTP a probe should wait for.
pub(super) const MAX_HEAD: usize = 64 * 1024;
const MAX_HEADERS: usize = 128;

/// How the response body ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Framing {
    Length(u64),
    Chunked,
    /// Until the server closes the connection.
    Close,
    /// No body (1xx, 204, 304).
    Empty,
}

#[derive(Debug)]
pub(super) struct Head {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub framing: Framing,
    /// Bytes of the buffer the head took.
    pub len: usize,
}

/// The response head at the start of `buf`: `Ok(None)` while it is incomplete.
pub(super) fn parse_head(buf: &[u8]) -> Result<Option<Head>, String> {
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut slots);
    let len = match response.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) if buf.len() > MAX_HEAD => {
            return Err(format!("the response head is over {MAX_HEAD} bytes"));
        }
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(e) => return Err(format!("the answer is not HTTP/1.x: {e}")),
    };
    let code = response.code.unwrap_or_default();
    let status =
        StatusCode::from_u16(code).map_err(|_| format!("the status code {code} is not valid"))?;
    let mut headers = HeaderMap::new();
    for h in response.headers.iter() {
        // A header that is not valid HTTP is left out rather than failing the answer.
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(h.name.as_bytes()),
            HeaderValue::from_bytes(h.value),
        ) {
            headers.append(name, value);
        }
    }
    let framing = framing(status, &headers);
    Ok(Some(Head {
        status,
        headers,
        framing,
        len,
    }))
}

fn framing(status: StatusCode, headers: &HeaderMap) -> Framing {
    if status.is_informational() || matches!(status.as_u16(), 204 | 304) {
        return Framing::Empty;
    }
    let chunked = headers
        .get_all("transfer-encoding")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        return Framing::Chunked;
    }
    match headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
    {
        Some(n) => Framing::Length(n),
        None => Framing::Close,
    }
}

/// The data of a chunked body read so far, and whether its last chunk was seen (a malformed
/// size line ends it too: nothing after it can be framed).
pub(super) fn dechunk(raw: &[u8]) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let mut at = 0;
    loop {
        match httparse::parse_chunk_size(&raw[at..]) {
            Ok(httparse::Status::Complete((_, 0))) => return (out, true),
            Ok(httparse::Status::Complete((used, size))) => {
                at += used;
                let end = at.saturating_add(usize::try_from(size).unwrap_or(usize::MAX));
                if end > raw.len() {
                    out.extend_from_slice(&raw[at..]);
                    return (out, false);
                }
                out.extend_from_slice(&raw[at..end]);
                // The CRLF after the data.
                at = end + 2;
                if at > raw.len() {
                    return (out, false);
                }
            }
            Ok(httparse::Status::Partial) => return (out, false),
            Err(_) => return (out, true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_parse_with_their_framing() {
        let raw = b"HTTP/1.1 413 Payload Too Large\r\ncontent-length: 5\r\nX-A: 1\r\n\r\nabcde";
        let head = parse_head(raw).unwrap().unwrap();
        assert_eq!(head.status.as_u16(), 413);
        assert_eq!(head.framing, Framing::Length(5));
        assert_eq!(&raw[head.len..], b"abcde");
        assert_eq!(head.headers["x-a"], "1");

        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        assert_eq!(
            parse_head(chunked).unwrap().unwrap().framing,
            Framing::Chunked
        );
        let close = b"HTTP/1.0 500 Oops\r\n\r\n";
        assert_eq!(parse_head(close).unwrap().unwrap().framing, Framing::Close);
        let cont = b"HTTP/1.1 100 Continue\r\n\r\n";
        assert_eq!(parse_head(cont).unwrap().unwrap().framing, Framing::Empty);
    }

    #[test]
    fn partial_garbage_and_huge_heads() {
        assert!(parse_head(b"HTTP/1.1 413 Pay").unwrap().is_none());
        assert!(parse_head(b"SSH-2.0-OpenSSH\r\n\r\n").is_err());
        let mut huge = b"HTTP/1.1 200 OK\r\nX: ".to_vec();
        huge.resize(MAX_HEAD + 10, b'a');
        assert!(parse_head(&huge).is_err());
    }

    #[test]
    fn chunked_bodies_decode_as_they_arrive() {
        let raw = b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
        assert_eq!(dechunk(raw), (b"hello world".to_vec(), true));
        assert_eq!(dechunk(&raw[..7]), (b"hell".to_vec(), false));
        assert_eq!(dechunk(&raw[..10]), (b"hello".to_vec(), false));
        assert_eq!(dechunk(&raw[..12]), (b"hello".to_vec(), false));
        assert_eq!(dechunk(b"zz\r\n"), (Vec::new(), true));
        assert_eq!(dechunk(b""), (Vec::new(), false));
    }
}
