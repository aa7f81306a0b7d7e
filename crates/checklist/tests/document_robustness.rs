//! Bad input never panics: random bytes, every truncation of every fixture, and byte flips.
//! Whatever parses must render back to the same bytes; binary input is a clear error.

mod support;

use support::fixture;
use vouch_checklist::document::{Document, DocumentError};
use vouch_checklist::model::Status;

/// xorshift64: a tiny deterministic generator so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn check(bytes: &[u8]) {
    if let Ok(doc) = Document::parse(bytes) {
        assert_eq!(doc.render(), bytes);
    }
}

fn check_with_edits(bytes: &[u8]) {
    if let Ok(mut doc) = Document::parse(bytes) {
        assert_eq!(doc.render(), bytes);
        // Editing whatever was found must not panic either, and keeps the text parseable.
        for i in 0..doc.items().len() {
            let _ = doc.set_status(i, Status::Done);
            let _ = doc.annotate(i, "CMP001");
        }
        let edited = doc.render();
        assert!(Document::parse(&edited).is_ok());
        let _ = doc.diff();
    }
}

fn all_fixtures() -> Vec<Vec<u8>> {
    ["shared", "shapes"]
        .iter()
        .flat_map(|folder| support::fixture_names(folder))
        .map(|name| fixture(&name))
        .collect()
}

#[test]
fn every_truncation_of_every_fixture() {
    for bytes in all_fixtures() {
        // Every cut in the first bytes (BOMs, UTF-16 pairs, front matter), then every third
        // byte: debug builds parse a few hundred documents a second.
        let ends = (0..bytes.len().min(64)).chain((64..=bytes.len()).step_by(3));
        for end in ends {
            if end % 9 == 0 {
                check_with_edits(&bytes[..end]);
            } else {
                check(&bytes[..end]);
            }
        }
    }
}

#[test]
fn random_bytes_and_byte_flips() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..1_000 {
        let len = (rng.next() % 300) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        check(&bytes);
    }
    // Random Markdown-ish text: the characters checklists are made of.
    let alphabet: Vec<char> = "- *+1.[]x X→✅❌~|#`<!>_:\n\r\t ab🔴ðŸ”´".chars().collect();
    for _ in 0..600 {
        let len = (rng.next() % 200) as usize;
        let text: String = (0..len)
            .map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize])
            .collect();
        check_with_edits(text.as_bytes());
    }
    for bytes in all_fixtures() {
        for _ in 0..40 {
            let mut flipped = bytes.clone();
            if flipped.is_empty() {
                break;
            }
            let at = (rng.next() % flipped.len() as u64) as usize;
            flipped[at] = rng.next() as u8;
            check_with_edits(&flipped);
        }
    }
}

#[test]
fn binary_and_broken_encodings_are_clear_errors() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
    assert!(matches!(
        Document::parse(png),
        Err(DocumentError::Binary(_))
    ));
    // UTF-16 with a BOM but an odd number of bytes.
    assert!(matches!(
        Document::parse(b"\xFF\xFE-\0 \0x"),
        Err(DocumentError::InvalidEncoding { .. })
    ));
    // A UTF-8 BOM followed by invalid UTF-8.
    assert!(matches!(
        Document::parse(b"\xEF\xBB\xBF- [ ] caf\xE9"),
        Err(DocumentError::InvalidEncoding { offset: 12, .. })
    ));
    assert!(matches!(
        Document::parse(b"\xFF\xFE\0\0"),
        Err(DocumentError::Unsupported(_))
    ));
}

#[test]
fn legacy_windows_1252_text_is_read_and_written_back() {
    let bytes = b"# Launch checklist\n\n- [ ] Caf\xE9 menu cached\n";
    let mut doc = Document::parse(bytes).unwrap();
    assert_eq!(doc.items()[0].text, "Café menu cached");
    doc.set_status(0, Status::Done).unwrap();
    assert_eq!(
        doc.render(),
        b"# Launch checklist\n\n- [x] Caf\xE9 menu cached\n"
    );
}

#[test]
fn empty_and_prose_only_documents_have_no_items() {
    for text in ["", "\n\n", "# Title\n\nJust prose.\n", "- a\n- b\n"] {
        let doc = Document::parse(text.as_bytes()).unwrap();
        assert!(doc.items().is_empty(), "{text:?}");
        assert_eq!(doc.render(), text.as_bytes());
    }
}
