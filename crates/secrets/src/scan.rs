//! Scanning one buffer: keyword hits → per-rule windows (merged, so ten million hits on one
//! line cost one regex pass, not ten million) → regex captures → validation and placeholder
//! filters. Never holds more than the input and the hits.

use crate::filter;
use crate::rule::Validation;
use crate::ruleset::Ruleset;
use sha2::{Digest, Sha256};
use std::ops::Range;

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
    let windows = rule_windows(set, bytes);
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
    hits.sort_by_key(|h| (h.span.start, h.rule));
    hits
}

/// For each rule, the merged byte ranges around its keywords' hits.
fn rule_windows(set: &Ruleset, bytes: &[u8]) -> Vec<Vec<Range<usize>>> {
    let mut windows: Vec<Vec<Range<usize>>> = vec![Vec::new(); set.rules.len()];
    for m in set.keywords.find_overlapping_iter(bytes) {
        let start = m.start().saturating_sub(BEFORE);
        let end = (m.end() + AFTER).min(bytes.len());
        for &rule in &set.keyword_rules[m.pattern().as_usize()] {
            let ranges = &mut windows[rule];
            match ranges.last_mut() {
                // Hits arrive in order: extend the last window when they overlap.
                Some(last) if start <= last.end => last.end = last.end.max(end),
                _ => ranges.push(start..end),
            }
        }
    }
    // Windows start mid-line; widen each to line starts (bounded) so anchors see context.
    for ranges in &mut windows {
        for r in ranges.iter_mut() {
            let floor = r.start.saturating_sub(BEFORE);
            r.start =
                memchr::memrchr(b'\n', &bytes[floor..r.start]).map_or(floor, |i| floor + i + 1);
        }
    }
    windows
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
    fn many_keyword_hits_merge_into_few_windows() {
        let line = "akia ".repeat(200_000);
        let windows = rule_windows(ruleset(), line.as_bytes());
        let aws = ruleset()
            .rules
            .iter()
            .position(|r| r.id == "SECRET-AWS-ACCESS-KEY-ID")
            .expect("rule exists");
        assert_eq!(windows[aws].len(), 1);
    }
}
