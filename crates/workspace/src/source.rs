//! File text with a line index, so evidence can quote the offending line cheaply.

use std::sync::Arc;

/// Text of one file (lossily decoded to UTF-8 when needed) with line starts.
#[derive(Debug)]
pub struct SourceText {
    /// Path relative to the audited root, `/`-separated.
    pub path: String,
    pub text: String,
    /// Byte offset of each line start (u32: files over 4 GiB are never read).
    line_starts: Vec<u32>,
}

impl SourceText {
    pub fn new(path: impl Into<String>, text: String) -> Arc<SourceText> {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i as u32 + 1));
        Arc::new(SourceText {
            path: path.into(),
            text,
            line_starts,
        })
    }

    /// Decodes bytes: UTF-8 (BOM stripped), UTF-16 with BOM, else lossy UTF-8.
    pub fn from_bytes(path: impl Into<String>, bytes: &[u8]) -> Arc<SourceText> {
        SourceText::new(path, decode_text(bytes))
    }

    /// Number of lines (a trailing newline does not open a new line).
    pub fn line_count(&self) -> usize {
        if self.text.ends_with('\n') {
            self.line_starts.len() - 1
        } else {
            self.line_starts.len()
        }
    }

    /// Line `n` (1-based) without its line ending, or "" when out of range.
    pub fn line(&self, n: usize) -> &str {
        if n == 0 || n > self.line_starts.len() {
            return "";
        }
        let start = self.line_starts[n - 1] as usize;
        let end = self
            .line_starts
            .get(n)
            .map_or(self.text.len(), |&e| e as usize);
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// Iterates `(line_number, line)` from 1.
    pub fn lines(&self) -> impl Iterator<Item = (usize, &str)> {
        (1..=self.line_count()).map(move |n| (n, self.line(n)))
    }

    /// 1-based (line, column) of a byte offset; column counts characters.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let idx = match self.line_starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[idx] as usize;
        let col = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            + 1;
        (idx + 1, col)
    }
}

/// UTF-8 (with or without BOM), UTF-16 LE/BE with BOM; anything else is decoded lossily.
pub fn decode_text(bytes: &[u8]) -> String {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return text.into_owned();
    }
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_positions() {
        let s = SourceText::new("f", "a\r\nbc\n\nd".into());
        assert_eq!(s.line_count(), 4);
        assert_eq!(s.line(1), "a");
        assert_eq!(s.line(2), "bc");
        assert_eq!(s.line(4), "d");
        assert_eq!(s.line(5), "");
        assert_eq!(s.position(4), (2, 2));
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for c in "flask==3.0\n".encode_utf16() {
            bytes.extend(c.to_le_bytes());
        }
        assert_eq!(decode_text(&bytes), "flask==3.0\n");
        assert_eq!(decode_text(b"\xEF\xBB\xBFx"), "x");
    }
}
