//! A large request body generated on the fly, so a probe can send more than a service should
//! accept without holding it in memory.

use bytes::Bytes;

/// Bytes per write handed to the connection.
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

    /// The bytes from offset `pos` on, at most one chunk; empty at the end.
    pub(super) fn chunk_at(&self, pos: u64) -> Bytes {
        let prefix_end = self.prefix.len() as u64;
        let suffix_start = self.len - self.suffix.len() as u64;
        if pos >= self.len {
            Bytes::new()
        } else if pos < prefix_end {
            self.prefix.slice(pos as usize..)
        } else if pos < suffix_start {
            let n = (suffix_start - pos).min(CHUNK as u64) as usize;
            self.fill.slice(..n)
        } else {
            self.suffix.slice((pos - suffix_start) as usize..)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything, read the way a connection does: partial writes included.
    fn drain(upload: &Upload, write_at_most: usize) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let chunk = upload.chunk_at(out.len() as u64);
            if chunk.is_empty() {
                return out;
            }
            out.extend_from_slice(&chunk[..chunk.len().min(write_at_most)]);
        }
    }

    #[test]
    fn streams_a_valid_json_document_of_the_exact_length() {
        let upload = Upload::json_string("name", 200_000);
        for write_at_most in [usize::MAX, 1000, 7] {
            let bytes = drain(&upload, write_at_most);
            assert_eq!(bytes.len(), 200_000);
            let doc: serde_json::Value = serde_json::from_slice(&bytes).expect("valid JSON");
            assert_eq!(doc["name"].as_str().map(str::len), Some(200_000 - 11));
        }
    }

    #[test]
    fn tiny_lengths_still_give_a_document() {
        let upload = Upload::json_string("n", 0);
        assert_eq!(drain(&upload, 1), br#"{"n":""}"#);
        assert!(upload.chunk_at(upload.len()).is_empty());
    }
}
