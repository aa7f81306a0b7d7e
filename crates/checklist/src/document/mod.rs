//! A Markdown checklist as a lossless document: items with their section path, status marker,
//! ID, priority and targets, and the byte spans needed to rewrite status markers in place.
//!
//! Reading decodes the bytes (UTF-8, BOM, UTF-16, legacy Windows-1252), repairs double-encoded
//! UTF-8 for the words it reports, and walks the Markdown with pulldown-cmark. Writing keeps
//! the original bytes and changes only the spans that were edited, in the document's own
//! encoding, line endings, marker style and mojibake.

mod build;
mod classify;
mod diff;
mod encoding;
mod error;
mod ids;
mod lines;
mod markers;
mod metadata;
mod mojibake;
mod outline;
mod priority;
mod signoff;
mod style;
mod tables;
mod targets;
mod tasks;

use std::collections::BTreeMap;

pub use encoding::TextEncoding;
pub use error::{DocumentError, EditError};

use crate::model::{Item, SignoffLine, Status};
use build::{Anchor, MarkerSlot};
use markers::Vocabulary;

/// A parsed checklist that can be edited and written back byte for byte.
pub struct Document {
    original: Vec<u8>,
    encoding: TextEncoding,
    bom: Vec<u8>,
    /// The decoded text exactly as in the file (mojibake included).
    source: String,
    /// The file is double-encoded UTF-8: inserted text is garbled the same way.
    mojibake: bool,
    items: Vec<Item>,
    anchors: Vec<Anchor>,
    signoffs: Vec<SignoffLine>,
    vocabulary: Vocabulary,
    /// Replacements in `source`: start → (end, new text).
    edits: BTreeMap<usize, (usize, String)>,
}

impl Document {
    /// Reads a checklist from its bytes.
    pub fn parse(bytes: &[u8]) -> Result<Document, DocumentError> {
        let decoded = encoding::decode(bytes)?;
        let source = decoded.text;
        let mojibake = matches!(mojibake::repair(&source), std::borrow::Cow::Owned(_));
        let blocks = outline::outline(&source);
        let parsed = build::build(&source, &blocks);
        Ok(Document {
            original: bytes.to_vec(),
            encoding: decoded.encoding,
            bom: decoded.bom,
            source,
            mojibake,
            items: parsed.items,
            anchors: parsed.anchors,
            signoffs: parsed.signoffs,
            vocabulary: parsed.vocabulary,
            edits: BTreeMap::new(),
        })
    }

    pub fn items(&self) -> &[Item] {
        &self.items
    }

    pub fn signoffs(&self) -> &[SignoffLine] {
        &self.signoffs
    }

    pub fn encoding(&self) -> TextEncoding {
        self.encoding
    }

    pub fn has_bom(&self) -> bool {
        !self.bom.is_empty()
    }

    /// Whether the file is double-encoded UTF-8 (read repaired, written as found).
    pub fn is_mojibake(&self) -> bool {
        self.mojibake
    }

    /// Whether any edit is pending.
    pub fn is_modified(&self) -> bool {
        !self.edits.is_empty()
    }

    /// Rewrites the item's status marker (task marker or status cell) in the document's own
    /// style. Items without a marker are left as they are and the call says so.
    pub fn set_status(&mut self, item_index: usize, status: Status) -> Result<(), EditError> {
        let item = self
            .items
            .get(item_index)
            .ok_or(EditError::NoSuchItem(item_index))?;
        let line = item.line;
        let slot = self.anchors[item_index]
            .marker
            .clone()
            .ok_or(EditError::NoMarker { line })?;
        if status == Status::None {
            return Err(EditError::NoStyle {
                line,
                status: "none",
            });
        }
        let written =
            style::marker_text(&self.source, &self.anchors, &self.vocabulary, &slot, status)
                .ok_or(EditError::NoStyle {
                    line,
                    status: status_name(status),
                })?;
        let text = self.in_document_form(written.text, written.raw);
        let (range, text) = match &slot {
            MarkerSlot::Bracket { inner } => (inner.clone(), text),
            MarkerSlot::Glyph { range } => (range.clone(), text),
            MarkerSlot::Cell {
                content, interior, ..
            } => {
                if content.is_empty() {
                    (interior.clone(), format!(" {text} "))
                } else {
                    (content.clone(), text)
                }
            }
        };
        self.replace(range, text)?;
        self.items[item_index].status = status;
        Ok(())
    }

    /// Adds, or replaces, the item's trailing `<!-- vouch: ... -->` comment.
    pub fn annotate(&mut self, item_index: usize, text: &str) -> Result<(), EditError> {
        if item_index >= self.items.len() {
            return Err(EditError::NoSuchItem(item_index));
        }
        let text = text.trim();
        if text.contains('\n') || text.contains('\r') || text.contains("--") {
            return Err(EditError::InvalidAnnotation(text.to_owned()));
        }
        let comment = self.in_document_form(format!("<!-- vouch: {text} -->"), false);
        let anchor = &self.anchors[item_index];
        let (range, new) = match &anchor.comment {
            Some(existing) => (existing.clone(), comment),
            None => (
                anchor.annotate_at..anchor.annotate_at,
                format!(" {comment}"),
            ),
        };
        self.replace(range, new)?;
        self.items[item_index].explicit_controls = metadata::control_ids(text);
        Ok(())
    }

    /// The document's bytes: exactly the input when nothing was edited.
    pub fn render(&self) -> Vec<u8> {
        if self.edits.is_empty() {
            return self.original.clone();
        }
        let mut bytes = self.bom.clone();
        // Every edit was checked to be representable when it was made.
        bytes.extend(encoding::encode(&self.edited_text(), self.encoding).unwrap_or_default());
        bytes
    }

    /// A unified diff of the pending edits (empty when there are none).
    pub fn diff(&self) -> String {
        self.diff_named("checklist.md")
    }

    /// [`Document::diff`] with the file name used in the headers.
    pub fn diff_named(&self, name: &str) -> String {
        diff::unified(name, &self.source, &self.edited_text())
    }

    fn edited_text(&self) -> String {
        let mut out = String::with_capacity(self.source.len() + 64 * self.edits.len());
        let mut at = 0;
        for (&start, (end, text)) in &self.edits {
            out.push_str(&self.source[at..start]);
            out.push_str(text);
            at = *end;
        }
        out.push_str(&self.source[at..]);
        out
    }

    /// New text as this document writes it: garbled like the rest when it is mojibake.
    fn in_document_form(&self, text: String, already_raw: bool) -> String {
        if self.mojibake && !already_raw {
            mojibake::garble(&text)
        } else {
            text
        }
    }

    fn replace(&mut self, range: std::ops::Range<usize>, text: String) -> Result<(), EditError> {
        if encoding::encode(&text, self.encoding).is_none() {
            return Err(EditError::Unrepresentable(self.encoding.name()));
        }
        if range.start != range.end && self.source.get(range.clone()) == Some(text.as_str()) {
            self.edits.remove(&range.start);
        } else {
            self.edits.insert(range.start, (range.end, text));
        }
        Ok(())
    }
}

fn status_name(status: Status) -> &'static str {
    match status {
        Status::Open => "open",
        Status::Done => "done",
        Status::InProgress => "in_progress",
        Status::Blocked => "blocked",
        Status::NotApplicable => "not_applicable",
        Status::None => "none",
    }
}
