//! Scanning one buffer: keyword hits → per-rule windows (merged, so ten million hits on one
//! line cost one regex pass, not ten million) → regex captures → validation and placeholder
//! filters. Never holds more than the input and the hits.

use crate::filter;
use crate::rule::{Category, Reach, Validation};
use crate::ruleset::Ruleset;
use sha2::{Digest, Sha256};
use std::ops::Range;
use vouch_keywords::Match;

/// Bytes of context a rule's regex sees before and after a keyword hit.
const BEFORE: usize = 256;
const AFTER: usize = 512;
/// A pathological file stops yielding hits after this many (the scan still ends).
const MAX_HITS_PER_FILE: usize = 1_000;

/// One candidate secret that passed its rule's validation and the placeholder filters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretHit {
    pub rule: &'static str,
    /// 1-based.
    pub line: u32,
    pub column: u32,
    /// Byte range of the secret in the buffer.
    pub span: Range<usize>,
    /// `sha256(rule + secret)`, 16 hex: stable across files, lines and runs; the same secret
    /// in several files groups on it.
    pub fingerprint: String,
    /// First 4 characters then `****`: the only form of the secret ever shown.
    pub redacted: String,
}

/// Scans `bytes` with every rule of `set`.
pub fn scan(set: &Ruleset, bytes: &[u8]) -> Vec<SecretHit> {
    let mut hits = KeywordHits::new(set, bytes);
    set.keywords.for_each(bytes, |m| {
        hits.add(m);
        std::ops::ControlFlow::Continue(())
    });
    hits.scan()
}

/// The windows of a scan, built from keyword hits as a search reports them, so the hits are
/// never held: for a caller whose one search of `bytes` looks for other words too.
pub struct KeywordHits<'a> {
    set: &'a Ruleset,
    bytes: &'a [u8],
    /// For each rule, the merged byte ranges around its keywords' hits.
    windows: Vec<Vec<Range<usize>>>,
}

impl<'a> KeywordHits<'a> {
    pub fn new(set: &'a Ruleset, bytes: &'a [u8]) -> KeywordHits<'a> {
        KeywordHits {
            set,
            bytes,
            windows: vec![Vec::new(); set.rules.len()],
        }
    }

    /// One occurrence of [`Ruleset::keywords`] (`pattern` indexes that list; ASCII case
    /// insensitive, overlapping, reported in order of their end).
    pub fn add(&mut self, m: Match) {
        let (set, bytes) = (self.set, self.bytes);
        let mut nearby: Option<Range<usize>> = None;
        let mut lines: Option<Range<usize>> = None;
        for &rule in &set.keyword_rules[m.pattern] {
            let window = match set.rules[rule].reach {
                Reach::Nearby => nearby.get_or_insert_with(|| nearby_window(bytes, &m)),
                Reach::KeywordLineAndNext => {
                    lines.get_or_insert_with(|| keyword_lines_window(bytes, &m))
                }
            };
            let ranges = &mut self.windows[rule];
            match ranges.last_mut() {
                // Hits arrive in order of their end: extend the last window when they overlap.
                Some(last) if window.start <= last.end => {
                    last.start = last.start.min(window.start);
                    last.end = last.end.max(window.end);
                }
                _ => ranges.push(window.clone()),
            }
        }
    }

    /// Runs each rule's regex on its windows.
    pub fn scan(self) -> Vec<SecretHit> {
        scan_windows(self.set, self.bytes, self.windows)
    }
}

fn scan_windows(set: &Ruleset, bytes: &[u8], windows: Vec<Vec<Range<usize>>>) -> Vec<SecretHit> {
    let mut hits: Vec<SecretHit> = Vec::new();
    for (rule_index, ranges) in windows.into_iter().enumerate() {
        if ranges.is_empty() {
            continue;
        }
        let rule = set.rules[rule_index];
        let regex = &set.regexes[rule_index];
        for range in ranges {
            for caps in regex.captures_iter(&bytes[range.clone()]) {
                let Some(m) = caps.get(rule.group) else {
                    continue;
                };
                let span = range.start + m.start()..range.start + m.end();
                let Ok(secret) = std::str::from_utf8(&bytes[span.clone()]) else {
                    continue;
                };
                if !validates(rule.validation, secret) || filter::is_not_a_secret(secret) {
                    continue;
                }
                if hits.iter().any(|h| h.rule == rule.id && h.span == span) {
                    continue;
                }
                let (line, column) = line_col(bytes, span.start);
                hits.push(SecretHit {
                    rule: rule.id,
                    line,
                    column,
                    fingerprint: fingerprint(rule.id, secret),
                    redacted: redact(secret),
                    span,
                });
                if hits.len() >= MAX_HITS_PER_FILE {
                    return hits;
                }
            }
        }
    }
    drop_generic_duplicates(set, &mut hits);
    hits.sort_by_key(|h| (h.span.start, h.rule));
    hits
}

/// Chunk size for [`scan_reader`]: files of any size are scanned in bounded memory.
pub const CHUNK: usize = 8 << 20;
/// Overlap between chunks: wider than any window, so a secret across a boundary is seen whole.
const OVERLAP: usize = 4 * (BEFORE + AFTER);

/// Scans a stream chunk by chunk (a 1 GB single-line file, a pipe) with memory bounded by
/// [`CHUNK`]; hits carry positions in the whole stream.
pub fn scan_reader(
    set: &Ruleset,
    mut reader: impl std::io::Read,
) -> std::io::Result<(Vec<SecretHit>, u64)> {
    let mut hits = Vec::new();
    let mut buffer: Vec<u8> = Vec::with_capacity(CHUNK + OVERLAP);
    // Stream offset of buffer[0]; lines ended and chars of the open line before buffer[0].
    let mut base = 0usize;
    let mut lines_before = 0u32;
    let mut line_chars_before = 0u32;
    let mut total = 0u64;
    loop {
        let kept = buffer.len();
        buffer.resize(kept + CHUNK, 0);
        let mut filled = kept;
        while filled < buffer.len() {
            match reader.read(&mut buffer[filled..])? {
                0 => break,
                n => filled += n,
            }
        }
        total += (filled - kept) as u64;
        buffer.truncate(filled);
        let last = filled < kept + CHUNK;
        // This round reports hits starting before `owned_end`; the rest is re-read next round.
        let owned_end = if last {
            buffer.len()
        } else {
            buffer.len().saturating_sub(OVERLAP)
        };
        for mut hit in scan(set, &buffer) {
            // Earlier rounds reported everything before `base`; hits past `owned_end` are
            // reported next round with their full context.
            if hit.span.start >= owned_end {
                continue;
            }
            let newline_before = memchr::memchr(b'\n', &buffer[..hit.span.start]).is_some();
            hit.line += lines_before;
            if !newline_before {
                hit.column += line_chars_before;
            }
            hit.span = base + hit.span.start..base + hit.span.end;
            if hits.len() < MAX_HITS_PER_FILE {
                hits.push(hit);
            }
        }
        if last {
            return Ok((hits, total));
        }
        // Advance to owned_end, keeping the overlap for the next round.
        let consumed = &buffer[..owned_end];
        let newlines = memchr::memchr_iter(b'\n', consumed).count() as u32;
        let tail_start = memchr::memrchr(b'\n', consumed).map_or(0, |i| i + 1);
        let tail_chars = String::from_utf8_lossy(&consumed[tail_start..])
            .chars()
            .count() as u32;
        line_chars_before = if newlines > 0 {
            tail_chars
        } else {
            line_chars_before + tail_chars
        };
        lines_before += newlines;
        base += owned_end;
        buffer.drain(..owned_end);
    }
}

/// A secret a provider rule reported (`COHERE_API_KEY=…`) is not reported again by a generic
/// rule (a second finding with another fingerprint for the same credential).
fn drop_generic_duplicates(set: &Ruleset, hits: &mut Vec<SecretHit>) {
    let is_generic = |id: &str| {
        set.rules
            .iter()
            .any(|r| r.id == id && r.category == Category::Generic)
    };
    let provider: Vec<Range<usize>> = hits
        .iter()
        .filter(|h| !is_generic(h.rule))
        .map(|h| h.span.clone())
        .collect();
    if provider.is_empty() {
        return;
    }
    hits.retain(|h| {
        !is_generic(h.rule)
            || !provider
                .iter()
                .any(|s| s.start < h.span.end && h.span.start < s.end)
    });
}

/// For each rule, the merged byte ranges around its keywords' hits.
#[cfg(test)]
fn rule_windows(
    set: &Ruleset,
    bytes: &[u8],
    keyword_hits: impl IntoIterator<Item = Match>,
) -> Vec<Vec<Range<usize>>> {
    let mut hits = KeywordHits::new(set, bytes);
    for m in keyword_hits {
        hits.add(m);
    }
    hits.windows
}

/// [`BEFORE`] and [`AFTER`] bytes around the hit, widened to line starts and ends (bounded)
/// so anchors see context and a token is not cut at the window's edge (a cut token would be
/// reported as a shorter, wrong secret by patterns that accept the end of the window as its
/// end).
fn nearby_window(bytes: &[u8], m: &Match) -> Range<usize> {
    let start = m.start.saturating_sub(BEFORE);
    let end = (m.end + AFTER).min(bytes.len());
    line_start_from(bytes, start)..line_end_from(bytes, end)
}

/// The hit's line and the next one, bounded like [`nearby_window`] on very long lines.
fn keyword_lines_window(bytes: &[u8], m: &Match) -> Range<usize> {
    let start = line_start_from(bytes, m.start);
    let ceil = (m.end + 2 * AFTER).min(bytes.len());
    let end = match memchr::memchr(b'\n', &bytes[m.end..ceil]) {
        Some(i) => line_end_from(bytes, (m.end + i + 1).min(ceil)),
        None => ceil,
    };
    start..end.min(ceil)
}

/// The start of the line holding `at`, looking back at most [`BEFORE`] bytes.
fn line_start_from(bytes: &[u8], at: usize) -> usize {
    let floor = at.saturating_sub(BEFORE);
    memchr::memrchr(b'\n', &bytes[floor..at]).map_or(floor, |i| floor + i + 1)
}

/// The end of the line holding `at`, looking ahead at most [`AFTER`] bytes.
fn line_end_from(bytes: &[u8], at: usize) -> usize {
    let ceil = (at + AFTER).min(bytes.len());
    memchr::memchr(b'\n', &bytes[at..ceil]).map_or(ceil, |i| at + i)
}

fn validates(validation: Validation, secret: &str) -> bool {
    match validation {
        Validation::None => true,
        Validation::Entropy(min) => filter::entropy(secret) >= min,
        Validation::GithubCrc32 => filter::github_checksum_ok(secret),
        Validation::Custom(f) => f(secret),
    }
}

fn fingerprint(rule: &str, secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(rule.as_bytes());
    h.update([0]);
    h.update(secret.as_bytes());
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `sk_live_abcdef…` → `sk_l****`.
pub fn redact(secret: &str) -> String {
    let keep: String = secret.chars().take(4).collect();
    format!("{keep}****")
}

fn line_col(bytes: &[u8], offset: usize) -> (u32, u32) {
    let before = &bytes[..offset];
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line as u32, column as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruleset;

    #[test]
    fn finds_an_aws_key_and_redacts_it() {
        let src = b"region = eu-west-1\naws_access_key_id = AKIAZ3MNQ7WXYR4TPLKB\n";
        let hits = scan(ruleset(), src);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].rule, "SECRET-AWS-ACCESS-KEY-ID");
        assert_eq!((hits[0].line, hits[0].column), (2, 21));
        assert_eq!(hits[0].redacted, "AKIA****");
    }

    #[test]
    fn documentation_example_key_is_silent() {
        let src = b"aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n";
        assert!(scan(ruleset(), src).is_empty());
    }

    #[test]
    fn fingerprint_is_stable_across_positions() {
        let a = scan(ruleset(), b"k = AKIAZ3MNQ7WXYR4TPLKB\n");
        let b = scan(ruleset(), b"\n\n\n   other = AKIAZ3MNQ7WXYR4TPLKB\n");
        assert_eq!(a[0].fingerprint, b[0].fingerprint);
    }

    #[test]
    fn chunked_scan_matches_whole_scan_across_boundaries() {
        // Secrets placed around chunk boundaries, on long lines and after many lines.
        let mut text = String::new();
        let mut expected = Vec::new();
        for i in 0..6 {
            while text.len() < (i + 1) * CHUNK - 10 - i * 7 {
                text.push_str(if i % 2 == 0 {
                    "filler text without anything\n"
                } else {
                    "x"
                });
            }
            text.push_str(" id = AKIAZ3MNQ7WXYR4TPLK");
            text.push((b'A' + i as u8) as char);
            text.push('\n');
        }
        for hit in scan(ruleset(), text.as_bytes()) {
            expected.push((
                hit.line,
                hit.column,
                hit.span.clone(),
                hit.fingerprint.clone(),
            ));
        }
        let (hits, total) = scan_reader(ruleset(), text.as_bytes()).expect("in-memory read");
        let got: Vec<_> = hits
            .into_iter()
            .map(|h| (h.line, h.column, h.span, h.fingerprint))
            .collect();
        assert_eq!(total as usize, text.len());
        assert_eq!(expected.len(), 6);
        assert_eq!(got, expected);
    }

    #[test]
    fn a_provider_secret_is_not_reported_again_as_generic() {
        let src = b"COHERE_API_KEY=q8Zr2LmX0pWv7TnB4kYcHs3Dq8Zr2LmX0pWv7TnB\n";
        let hits = scan(ruleset(), src);
        assert_eq!(
            hits.iter().map(|h| h.rule).collect::<Vec<_>>(),
            vec!["SECRET-COHERE-API-KEY"]
        );
    }

    #[test]
    fn a_token_at_the_window_edge_is_not_cut() {
        // The token ends more than 512 bytes after its keyword, on the same line.
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let token: String = (0..900)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                alphabet[(x % 64) as usize] as char
            })
            .collect();
        let text = format!("AWS_SESSION_TOKEN={token}\n");
        let hits = scan(ruleset(), text.as_bytes());
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].span, 18..18 + 900);
    }

    #[test]
    fn many_keyword_hits_merge_into_few_windows() {
        let line = "akia ".repeat(200_000);
        let windows = rule_windows(
            ruleset(),
            line.as_bytes(),
            ruleset().keywords.find_all(line.as_bytes()),
        );
        let aws = ruleset()
            .rules
            .iter()
            .position(|r| r.id == "SECRET-AWS-ACCESS-KEY-ID")
            .expect("rule exists");
        assert_eq!(windows[aws].len(), 1);
    }

    #[test]
    fn generic_rules_search_only_the_keyword_line_and_the_next() {
        let filler = "    let total = items.iter().map(|i| i.price).sum::<u64>();\n".repeat(20);
        let text = format!(
            "{filler}    env:\n      - name: BILLING_API_TOKEN\n        value: q8Zr2LmX0pWv7TnB4kYcHs3D\n{filler}"
        );
        let hits = scan(ruleset(), text.as_bytes());
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].rule, "SECRET-GENERIC-SECRET");
        assert_eq!(&text[hits[0].span.clone()], "q8Zr2LmX0pWv7TnB4kYcHs3D");

        let generic = ruleset()
            .rules
            .iter()
            .position(|r| r.id == "SECRET-GENERIC-SECRET")
            .expect("rule exists");
        let windows = rule_windows(
            ruleset(),
            text.as_bytes(),
            ruleset().keywords.find_all(text.as_bytes()),
        );
        let name_line = text.find("      - name").expect("name line");
        let value_end = text.find("4kYcHs3D").expect("value") + "4kYcHs3D".len();
        assert_eq!(windows[generic], vec![name_line..value_end]);
    }
}
