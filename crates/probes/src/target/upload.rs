//! A large request body generated on the fly and streamed, so a probe can send more than a
//! service should accept without holding it in memory, stop as soon as the service answers,
//! and tell how many bytes went out before that answer.

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// Bytes per frame handed to the connection.
const CHUNK: usize = 64 * 1024;

/// What to stream: `prefix`, then filler bytes, then `suffix`, `len` bytes in all.
#[derive(Clone, Debug)]
pub struct Upload {
    pub content_type: &'static str,
    prefix: Bytes,
    fill: Bytes,
    suffix: Bytes,
    len: u64,
}

impl Upload {
    /// A valid JSON document of exactly `len` bytes: `{"<field>":"aaaa…"}` (never shorter
    /// than the braces and quotes). A service without a limit parses and accepts it.
    pub fn json_string(field: &str, len: u64) -> Upload {
        let prefix = Bytes::from(format!("{{\"{field}\":\""));
        let suffix = Bytes::from_static(b"\"}");
        let frame = (prefix.len() + suffix.len()) as u64;
        Upload {
            content_type: "application/json",
            prefix,
            fill: Bytes::from(vec![b'a'; CHUNK]),
            suffix,
            len: len.max(frame),
        }
    }

    /// Total bytes (the `Content-Length` the request declares).
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The body and the handle that watches and stops it.
    pub(super) fn into_body(self) -> (UploadBody, Arc<Progress>) {
        let progress = Arc::new(Progress::default());
        let body = UploadBody {
            upload: self,
            pos: 0,
            progress: progress.clone(),
        };
        (body, progress)
    }
}

const SENDING: u8 = 0;
const PAUSED: u8 = 1;
const ABORTED: u8 = 2;

/// Shared between the body (polled by the connection) and the sender.
#[derive(Default)]
pub(super) struct Progress {
    sent: AtomicU64,
    state: AtomicU8,
    waker: Mutex<Option<Waker>>,
}

impl Progress {
    /// Bytes handed to the connection so far.
    pub(super) fn sent(&self) -> u64 {
        self.sent.load(Ordering::SeqCst)
    }

    /// No more bytes, but the connection stays open while the answer is read.
    pub(super) fn pause(&self) {
        let _ = self
            .state
            .compare_exchange(SENDING, PAUSED, Ordering::SeqCst, Ordering::SeqCst);
    }

    /// Ends the body with an error so the connection is closed, not left half-sent.
    pub(super) fn abort(&self) {
        self.state.store(ABORTED, Ordering::SeqCst);
        if let Some(waker) = self.lock_waker().take() {
            waker.wake();
        }
    }

    fn lock_waker(&self) -> std::sync::MutexGuard<'_, Option<Waker>> {
        self.waker.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The body was stopped because the service answered before the end.
#[derive(Debug, thiserror::Error)]
#[error("upload stopped: the service answered before the whole body was sent")]
pub struct Stopped;

pub(super) struct UploadBody {
    upload: Upload,
    pos: u64,
    progress: Arc<Progress>,
}

impl UploadBody {
    fn next_chunk(&self) -> Bytes {
        let u = &self.upload;
        let prefix_end = u.prefix.len() as u64;
        let suffix_start = u.len - u.suffix.len() as u64;
        if self.pos < prefix_end {
            u.prefix.clone()
        } else if self.pos < suffix_start {
            let n = (suffix_start - self.pos).min(CHUNK as u64) as usize;
            u.fill.slice(..n)
        } else {
            u.suffix.clone()
        }
    }
}

impl Body for UploadBody {
    type Data = Bytes;
    type Error = Stopped;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Stopped>>> {
        match self.progress.state.load(Ordering::SeqCst) {
            ABORTED => return Poll::Ready(Some(Err(Stopped))),
            PAUSED => {
                *self.progress.lock_waker() = Some(cx.waker().clone());
                // `abort` may have run between the load and storing the waker.
                if self.progress.state.load(Ordering::SeqCst) == ABORTED {
                    return Poll::Ready(Some(Err(Stopped)));
                }
                return Poll::Pending;
            }
            _ => {}
        }
        if self.pos >= self.upload.len {
            return Poll::Ready(None);
        }
        let chunk = self.next_chunk();
        self.pos += chunk.len() as u64;
        self.progress
            .sent
            .fetch_add(chunk.len() as u64, Ordering::SeqCst);
        Poll::Ready(Some(Ok(Frame::data(chunk))))
    }

    fn is_end_stream(&self) -> bool {
        self.pos >= self.upload.len
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.upload.len - self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(body: &mut UploadBody) -> Vec<u8> {
        let mut cx = Context::from_waker(Waker::noop());
        let mut out = Vec::new();
        while let Poll::Ready(Some(Ok(frame))) = Pin::new(&mut *body).poll_frame(&mut cx) {
            out.extend_from_slice(&frame.into_data().expect("data frame"));
        }
        out
    }

    #[test]
    fn streams_a_valid_json_document_of_the_exact_length() {
        let (mut body, progress) = Upload::json_string("name", 200_000).into_body();
        let bytes = drain(&mut body);
        assert_eq!(bytes.len(), 200_000);
        assert_eq!(progress.sent(), 200_000);
        let doc: serde_json::Value = serde_json::from_slice(&bytes).expect("valid JSON");
        assert_eq!(doc["name"].as_str().map(str::len), Some(200_000 - 11));
        assert!(body.is_end_stream());
    }

    #[test]
    fn tiny_lengths_still_give_a_document() {
        let (mut body, _) = Upload::json_string("n", 0).into_body();
        assert_eq!(drain(&mut body), br#"{"n":""}"#);
    }

    #[test]
    fn pause_holds_the_rest_and_abort_ends_with_an_error() {
        let (mut body, progress) = Upload::json_string("name", 1_000_000).into_body();
        let mut cx = Context::from_waker(Waker::noop());
        assert!(matches!(
            Pin::new(&mut body).poll_frame(&mut cx),
            Poll::Ready(Some(Ok(_)))
        ));
        let before = progress.sent();
        progress.pause();
        assert!(Pin::new(&mut body).poll_frame(&mut cx).is_pending());
        assert_eq!(progress.sent(), before);
        progress.abort();
        assert!(matches!(
            Pin::new(&mut body).poll_frame(&mut cx),
            Poll::Ready(Some(Err(Stopped)))
        ));
    }
}
