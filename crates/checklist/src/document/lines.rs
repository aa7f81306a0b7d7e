//! Byte offset to 1-based line number, and the end of a line's content.

pub(crate) struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(source: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { starts }
    }

    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset).max(1)
    }
}

/// Offset just after the last non-blank character of the line that contains `offset`,
/// never past `limit`.
pub(crate) fn content_end(source: &str, offset: usize, limit: usize) -> usize {
    let limit = limit.min(source.len());
    let line_end = source[offset..limit]
        .find('\n')
        .map_or(limit, |i| offset + i);
    let content = source[offset..line_end].trim_end();
    offset + content.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_content_ends() {
        let source = "a\r\nbb  \r\n\nc";
        let lines = Lines::new(source);
        assert_eq!(lines.line_of(0), 1);
        assert_eq!(lines.line_of(3), 2);
        assert_eq!(lines.line_of(9), 3);
        assert_eq!(lines.line_of(10), 4);
        assert_eq!(content_end(source, 3, source.len()), 5);
    }
}
