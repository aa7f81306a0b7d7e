//! The status marker of a list item (`[ ]`, `[x]`, `[→]`, `[✅]`, a bare `☐`) and the item's
//! words once the marker is taken off.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use super::markers::{GLYPHS, Vocabulary};
use super::mojibake::repair;
use super::outline::{ListItemBlock, PieceKind};

/// Where a list item's marker is in the source.
#[derive(Clone, Debug)]
pub(crate) struct RawMarker {
    /// The marker's own text: the inside of `[...]`, or the bare glyph.
    pub inner: Range<usize>,
    pub bracketed: bool,
    /// End of the marker (after `]` or the glyph).
    pub end: usize,
}

fn bracket_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(?:[-*+]|\d{1,9}[.)])[ \t]+\[(?P<inner>[^\]\r\n\[]{1,16})\](?:[ \t]|\r?\n|$)")
            .expect("valid marker pattern")
    })
}

fn glyph_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(?:[-*+]|\d{1,9}[.)])[ \t]+(?P<glyph>[^\s\[\]]{1,12})[ \t]+")
            .expect("valid glyph pattern")
    })
}

/// The marker of `item`, whatever it says (the caller decides whether it is a known status).
pub(crate) fn find_marker(source: &str, item: &ListItemBlock) -> Option<RawMarker> {
    if let Some(checkbox) = &item.checkbox {
        let raw = source.get(checkbox.clone())?;
        if raw.starts_with('[') && raw.ends_with(']') && raw.len() >= 3 {
            return Some(RawMarker {
                inner: checkbox.start + 1..checkbox.end - 1,
                bracketed: true,
                end: checkbox.end,
            });
        }
    }
    let start = item.range.start;
    let rest = source.get(start..item.own_end.max(start))?;
    if let Some(caps) = bracket_re().captures(rest) {
        let inner = caps.name("inner")?;
        return Some(RawMarker {
            inner: start + inner.start()..start + inner.end(),
            bracketed: true,
            end: start + inner.end() + 1,
        });
    }
    let caps = glyph_re().captures(rest)?;
    let glyph = caps.name("glyph")?;
    let repaired = repair(glyph.as_str()).replace('\u{FE0F}', "");
    GLYPHS.contains(&repaired.as_str()).then(|| RawMarker {
        inner: start + glyph.start()..start + glyph.end(),
        bracketed: false,
        end: start + glyph.end(),
    })
}

/// The marker's status when the vocabulary knows it.
pub(crate) fn marker_status(
    source: &str,
    marker: &RawMarker,
    vocabulary: &Vocabulary,
) -> Option<crate::model::Status> {
    let inner = source.get(marker.inner.clone())?;
    vocabulary.status_of(&repair(inner))
}

/// The item's own words after `from` (the end of its marker), as a reader sees them.
pub(crate) fn words_after(source: &str, item: &ListItemBlock, from: usize) -> String {
    let mut out = String::new();
    for piece in &item.inline.pieces {
        if piece.range.end <= from {
            continue;
        }
        let text = if piece.range.start < from {
            // A text run that starts inside the marker ("[→] CI runs"): keep what follows it.
            match source.get(piece.range.clone()) {
                Some(raw) if raw == piece.text => {
                    match piece.text.get(from - piece.range.start..) {
                        Some(rest) => rest.to_owned(),
                        None => continue,
                    }
                }
                _ => continue,
            }
        } else {
            piece.text.clone()
        };
        match piece.kind {
            PieceKind::Code => {
                out.push('`');
                out.push_str(&text);
                out.push('`');
            }
            PieceKind::Break => out.push(' '),
            _ => out.push_str(&text),
        }
    }
    collapse(&repair(&out))
}

/// The first word when the source wrapped it in bold or backticks (a candidate ID).
pub(crate) fn emphasized_head(item: &ListItemBlock, from: usize) -> Option<String> {
    let first = item
        .inline
        .pieces
        .iter()
        .find(|p| p.range.start >= from && !p.text.trim().is_empty())?;
    matches!(first.kind, PieceKind::Emphasized | PieceKind::Code).then(|| first.text.clone())
}

pub(crate) fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
