//! Editing: set_status and annotate change only the marker or comment bytes, in the
//! document's own marker style, encoding, BOM, line endings and mojibake.

mod support;

use support::{fixture, parse};
use vouch_checklist::document::{Document, EditError};
use vouch_checklist::model::Status;

/// The single differing span between two byte strings: (start, old bytes, new bytes).
fn byte_change(before: &[u8], after: &[u8]) -> (usize, Vec<u8>, Vec<u8>) {
    let prefix = before.iter().zip(after).take_while(|(a, b)| a == b).count();
    let suffix = before[prefix..]
        .iter()
        .rev()
        .zip(after[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    (
        prefix,
        before[prefix..before.len() - suffix].to_vec(),
        after[prefix..after.len() - suffix].to_vec(),
    )
}

fn index_of(doc: &Document, line: usize) -> usize {
    doc.items()
        .iter()
        .position(|i| i.line == line)
        .expect("item on line")
}

#[test]
fn ticking_a_plain_task_changes_one_byte() {
    let bytes = fixture("shared/ledger-api-launch.md");
    let mut doc = parse(&bytes);
    let i = index_of(&doc, 8);
    doc.set_status(i, Status::Done).unwrap();
    let (_, old, new) = byte_change(&bytes, &doc.render());
    assert_eq!((old.as_slice(), new.as_slice()), (&b" "[..], &b"x"[..]));
    assert_eq!(doc.items()[i].status, Status::Done);
    // Unticking restores the original bytes exactly.
    doc.set_status(i, Status::Open).unwrap();
    assert_eq!(doc.render(), bytes);
    assert!(!doc.is_modified());
}

#[test]
fn document_marker_style_is_kept() {
    let bytes = fixture("shared/payments-prr.md");
    let mut doc = parse(&bytes);
    let i = index_of(&doc, 18);
    doc.set_status(i, Status::Done).unwrap();
    let (_, old, new) = byte_change(&bytes, &doc.render());
    assert_eq!(old, b" ");
    assert_eq!(String::from_utf8(new).unwrap(), "✅");
    let reparsed = parse(&doc.render());
    assert_eq!(reparsed.items()[i].status, Status::Done);
    let diff = doc.diff_named("payments-prr.md");
    assert!(diff.contains("-- [ ] Coverage gate at 85% for `services/`"));
    assert!(diff.contains("+- [✅] Coverage gate at 85% for `services/`"));
    assert!(diff.starts_with("--- a/payments-prr.md\n+++ b/payments-prr.md\n@@ -15,7 +15,7 @@\n"));
}

#[test]
fn crlf_and_bom_are_preserved() {
    let bytes = fixture("shapes/bom-crlf.md");
    let mut doc = parse(&bytes);
    doc.set_status(1, Status::Done).unwrap();
    let out = doc.render();
    assert!(out.starts_with(&[0xEF, 0xBB, 0xBF]));
    let (_, old, new) = byte_change(&bytes, &out);
    // The document writes done as `[X]`, so that is what is written.
    assert_eq!((old.as_slice(), new.as_slice()), (&b" "[..], &b"X"[..]));
    assert_eq!(out.len(), bytes.len());
}

#[test]
fn utf16_edits_stay_utf16() {
    let bytes = fixture("shapes/utf16le.md");
    let mut doc = parse(&bytes);
    doc.set_status(0, Status::Done).unwrap();
    let out = doc.render();
    let (start, old, new) = byte_change(&bytes, &out);
    // Only the low byte of the one UTF-16LE code unit differs: ' ' (20 00) became 'x' (78 00).
    assert_eq!(start % 2, 0);
    assert_eq!((old.as_slice(), new.as_slice()), (&[b' '][..], &[b'x'][..]));
    assert_eq!(out.len(), bytes.len());
    assert_eq!(parse(&out).items()[0].status, Status::Done);
}

#[test]
fn mojibake_files_get_mojibake_markers_and_comments() {
    let bytes = fixture("shapes/mojibake-emoji-markers.md");
    let mut doc = parse(&bytes);
    doc.set_status(1, Status::Done).unwrap();
    let out = doc.render();
    let (_, old, new) = byte_change(&bytes, &out);
    assert_eq!(old, b" ");
    // ✅ double-encoded, like the rest of the file.
    assert_eq!(String::from_utf8(new).unwrap(), "âœ…");
    let reparsed = parse(&out);
    assert!(reparsed.is_mojibake());
    assert_eq!(reparsed.items()[1].status, Status::Done);

    let crlf = fixture("shared/ledger-api-launch.mojibake-crlf.md");
    let mut doc = parse(&crlf);
    doc.set_status(0, Status::Done).unwrap();
    doc.annotate(0, "SEC013 — no .env files tracked").unwrap();
    let out = doc.render();
    let text = String::from_utf8(out.clone()).unwrap();
    let line = text.split("\r\n").nth(6).unwrap();
    assert_eq!(
        line,
        "- [x] **LA-001**: Stop committing `.env.production`; rotate every value it held <!-- vouch: SEC013 â€” no .env files tracked -->"
    );
    assert_eq!(
        out.len(),
        crlf.len() + 1 + " <!-- vouch: SEC013 â€” no .env files tracked -->".len() - 1
    );
    assert_eq!(parse(&out).items()[0].explicit_controls, ["SEC013"]);
}

#[test]
fn table_cells_are_rewritten_in_the_column_style() {
    let bytes = fixture("shared/ingest-worker-hardening.md");
    let mut doc = parse(&bytes);
    let i = index_of(&doc, 26);
    doc.set_status(i, Status::Done).unwrap();
    let (_, old, new) = byte_change(&bytes, &doc.render());
    assert_eq!((old.as_slice(), new.as_slice()), (&b" "[..], &b"x"[..]));

    let words = fixture("shapes/status-table.md");
    let mut doc = parse(&words);
    doc.set_status(3, Status::Done).unwrap();
    let (_, old, new) = byte_change(&words, &doc.render());
    assert_eq!(
        (old.as_slice(), new.as_slice()),
        (&b"Not started"[..], &b"Done"[..])
    );

    let ballots = fixture("shapes/confluence-export.md");
    let mut doc = parse(&ballots);
    doc.set_status(1, Status::Done).unwrap();
    let out = doc.render();
    // ☐ (E2 98 90) and ☑ (E2 98 91) differ in their last byte only.
    let (_, old, new) = byte_change(&ballots, &out);
    assert_eq!((old.as_slice(), new.as_slice()), (&[0x90][..], &[0x91][..]));
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("| CO-2 | Dashboards for checkout funnel | Analytics | ☑ |"));
}

#[test]
fn items_without_a_marker_are_left_alone() {
    let bytes = fixture("shared/ingest-worker-hardening.md");
    let mut doc = parse(&bytes);
    assert_eq!(
        doc.set_status(0, Status::Done),
        Err(EditError::NoMarker { line: 9 })
    );
    assert_eq!(
        doc.set_status(999, Status::Done),
        Err(EditError::NoSuchItem(999))
    );
    assert_eq!(doc.render(), bytes);
}

#[test]
fn annotate_adds_then_replaces_one_comment() {
    let bytes = fixture("shapes/vouch-comments.md");
    let mut doc = parse(&bytes);
    doc.annotate(1, "NET004 rate limit middleware found")
        .unwrap();
    let (start, old, new) = byte_change(&bytes, &doc.render());
    assert!(old.is_empty());
    assert_eq!(
        String::from_utf8(new).unwrap(),
        " <!-- vouch: NET004 rate limit middleware found -->"
    );
    assert_eq!(&bytes[start - 6..start], b"routes");
    doc.annotate(1, "NET005").unwrap();
    doc.annotate(0, "K8S010").unwrap();
    let text = String::from_utf8(doc.render()).unwrap();
    assert!(text.contains("- [x] Containers run as a non-root user <!-- vouch: K8S010 -->\n"));
    assert!(text.contains("- [ ] Rate limiting on public routes <!-- vouch: NET005 -->\n"));
    assert_eq!(doc.items()[0].explicit_controls, ["K8S010"]);
    assert!(matches!(
        doc.annotate(0, "bad -- comment"),
        Err(EditError::InvalidAnnotation(_))
    ));
    let reparsed = parse(&doc.render());
    assert_eq!(reparsed.items()[1].explicit_controls, ["NET005"]);
    assert_eq!(reparsed.items()[1].text, "Rate limiting on public routes");
}

#[test]
fn table_rows_are_annotated_inside_their_text_cell() {
    let bytes = fixture("shapes/status-table.md");
    let mut doc = parse(&bytes);
    doc.annotate(0, "SAST001").unwrap();
    let text = String::from_utf8(doc.render()).unwrap();
    assert!(text.contains(
        "| SR-01 | SAST in CI with blocking findings <!-- vouch: SAST001 --> | High | Done | semgrep |"
    ));
    let reparsed = parse(&doc.render());
    assert_eq!(reparsed.items()[0].explicit_controls, ["SAST001"]);
    assert_eq!(
        reparsed.items()[0].text,
        "SAST in CI with blocking findings"
    );
}
