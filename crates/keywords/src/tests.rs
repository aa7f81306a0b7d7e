use super::*;
use aho_corasick::AhoCorasickBuilder;

/// The reference: aho-corasick's overlapping search, sorted like ours.
fn reference(patterns: &[&str], hay: &[u8]) -> Vec<(usize, usize, usize)> {
    let ac = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build(patterns)
        .expect("patterns");
    let mut out: Vec<_> = ac
        .find_overlapping_iter(hay)
        .map(|m| (m.end(), m.pattern().as_usize(), m.start()))
        .collect();
    out.sort_unstable();
    out
}

fn ours(patterns: &[&str], hay: &[u8]) -> Vec<(usize, usize, usize)> {
    let mut out: Vec<_> = Keywords::new(patterns)
        .find_all(hay)
        .into_iter()
        .map(|m| (m.end, m.pattern, m.start))
        .collect();
    let sorted = {
        let mut s = out.clone();
        s.sort_by_key(|m| m.0);
        s
    };
    assert_eq!(out, sorted, "matches come in order of their end");
    out.sort_unstable();
    out
}

#[test]
fn finds_overlapping_case_insensitive_matches() {
    let patterns = ["token", "ken", "API_KEY", "apikey", "key", "secret"];
    let hay = b"my Token=1; apiKey and API_KEY; keykey SECRETS";
    assert_eq!(ours(&patterns, hay), reference(&patterns, hay));
    assert!(!ours(&patterns, hay).is_empty());
}

#[test]
fn empty_and_duplicate_patterns() {
    let patterns = ["", "abc", "ABC", "bc"];
    let hay = b"xxABCxx abc";
    assert_eq!(
        ours(&patterns, hay),
        reference(&["\u{0}never", "abc", "ABC", "bc"], hay)
    );
    assert!(Keywords::new::<&str>(&[]).find_all(b"anything").is_empty());
    assert!(Keywords::new(&["abc"]).find_all(b"").is_empty());
}

/// A small deterministic generator (no extra dependency) for haystacks dense in keywords.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn agrees_with_aho_corasick_on_every_split() {
    let patterns = [
        "password",
        "passwd",
        "pass",
        "secret",
        "token",
        "api_key",
        "akia",
        "ghp_",
        "xoxb-",
        "sk_live_",
        "-----begin",
        "bearer",
        "aa",
        "aaa",
        "a",
    ];
    let alphabet = b"aAkKiIpPsSwWdDoOrRtTeEnN_-ghxbl:= \nBEGIN";
    let mut rng = Lcg(7);
    // Lengths around the split thresholds and lane boundaries, and several rounds of lanes.
    for len in [
        0, 1, 7, 511, 512, 513, 1000, 4096, 65_535, 65_536, 65_537, 200_003,
    ] {
        let hay: Vec<u8> = (0..len)
            .map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize])
            .collect();
        assert_eq!(
            ours(&patterns, &hay),
            reference(&patterns, &hay),
            "length {len}"
        );
    }
}

#[test]
fn a_keyword_across_every_lane_boundary_is_found_once() {
    let hay_len = 4 * 3000;
    for at in (2990..3010).chain(5990..6010) {
        let mut hay = vec![b'.'; hay_len];
        hay[at..at + 6].copy_from_slice(b"SECRET");
        let found = Keywords::new(&["secret"]).find_all(&hay);
        assert_eq!(
            found,
            [Match {
                pattern: 0,
                start: at,
                end: at + 6
            }],
            "keyword at {at}"
        );
    }
}

#[test]
fn break_stops_the_search() {
    let kw = Keywords::new(&["x"]);
    let hay = vec![b'x'; 100_000];
    let mut seen = 0;
    kw.for_each(&hay, |_| {
        seen += 1;
        if seen == 3 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    assert_eq!(seen, 3);
}

#[test]
fn non_ascii_bytes_are_plain_bytes() {
    let patterns = ["\u{e9}t\u{e9}", "caf\u{c9}"];
    let hay = "un \u{c9}T\u{c9} au caf\u{c9}".as_bytes();
    assert_eq!(ours(&patterns, hay), reference(&patterns, hay));
}
