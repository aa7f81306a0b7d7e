//! Reports are stored gzip-compressed: JSON reports shrink 5-20x, and the original bytes come
//! back unchanged.

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use std::io::{Read, Write};

pub fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    // Level 1: most of the size win at a fraction of the CPU of the default level.
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::fast());
    encoder.write_all(bytes)?;
    encoder.finish()
}

pub fn gunzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() * 4);
    GzDecoder::new(bytes).read_to_end(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_shrinks_json() {
        let json = br#"{"schema":"vouch.report/v1","results":[]}"#.repeat(100);
        let packed = gzip(&json).unwrap();
        assert!(packed.len() < json.len() / 5, "{} bytes", packed.len());
        assert_eq!(gunzip(&packed).unwrap(), json);
        assert!(gunzip(b"not gzip").is_err());
    }
}
