//! The marker text to write for a status, in the document's own style: reuse what the
//! document already writes for that status (`[✅]`, `[X]`, "Done"), else its status key,
//! else a conventional default.

use std::collections::HashMap;

use super::build::{Anchor, MarkerSlot};
use super::markers::{Vocabulary, default_inner};
use super::tables::cell_status;
use crate::model::Status;

/// Text as it would be written in this document (garbled like the rest when it is mojibake).
pub(crate) struct Written {
    pub text: String,
    /// Already in the document's raw form (copied from it).
    pub raw: bool,
}

fn most_common<'a>(candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for candidate in candidates {
        match counts.iter_mut().find(|(c, _)| *c == candidate) {
            Some((_, n)) => *n += 1,
            None => counts.push((candidate, 1)),
        }
    }
    // Most used wins; on a tie, the first seen.
    let best = counts.iter().map(|(_, n)| *n).max()?;
    counts
        .into_iter()
        .find(|(_, n)| *n == best)
        .map(|(c, _)| c.to_owned())
}

pub(crate) fn marker_text(
    source: &str,
    anchors: &[Anchor],
    vocabulary: &Vocabulary,
    slot: &MarkerSlot,
    status: Status,
) -> Option<Written> {
    match slot {
        MarkerSlot::Bracket { .. } => {
            let used = anchors.iter().filter_map(|a| match &a.marker {
                Some(MarkerSlot::Bracket { inner }) if a.original_status == status => {
                    source.get(inner.clone())
                }
                _ => None,
            });
            if let Some(text) = most_common(used) {
                return Some(Written { text, raw: true });
            }
            let text = vocabulary
                .declared_for(status)
                .map(|d| if d.is_empty() { " " } else { d })
                .or_else(|| default_inner(status))?;
            Some(Written {
                text: text.to_owned(),
                raw: false,
            })
        }
        MarkerSlot::Glyph { range } => {
            let used = anchors.iter().filter_map(|a| match &a.marker {
                Some(MarkerSlot::Glyph { range }) if a.original_status == status => {
                    source.get(range.clone())
                }
                _ => None,
            });
            if let Some(text) = most_common(used) {
                return Some(Written { text, raw: true });
            }
            let current = super::mojibake::repair(source.get(range.clone())?).into_owned();
            let ballot = ["☐", "☑", "☒"].iter().any(|g| current.starts_with(g));
            let text = match (ballot, status) {
                (true, Status::Open) => "☐",
                (true, Status::Done) => "☑",
                (false, Status::Done) => "✅",
                (false, Status::Blocked) => "❌",
                _ => return None,
            };
            Some(Written {
                text: text.to_owned(),
                raw: false,
            })
        }
        MarkerSlot::Cell { table, .. } => {
            let cells: Vec<(&str, Status)> = anchors
                .iter()
                .filter_map(|a| match &a.marker {
                    Some(MarkerSlot::Cell {
                        content, table: t, ..
                    }) if t == table => source.get(content.clone()).map(|c| (c, a.original_status)),
                    _ => None,
                })
                .collect();
            let used = cells
                .iter()
                .filter(|(c, s)| *s == status && !c.trim().is_empty())
                .map(|(c, _)| *c);
            if let Some(text) = most_common(used) {
                return Some(Written { text, raw: true });
            }
            let text = cell_default(&cells, vocabulary, status)?;
            Some(Written { text, raw: false })
        }
    }
}

/// A value for a status cell in the style the column already uses.
fn cell_default(
    cells: &[(&str, Status)],
    vocabulary: &Vocabulary,
    status: Status,
) -> Option<String> {
    let repaired: Vec<String> = cells
        .iter()
        .map(|(c, _)| super::mojibake::repair(c).trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    let any = |pred: &dyn Fn(&str) -> bool| repaired.iter().any(|c| pred(c));
    if any(&|c| c.starts_with('[')) || repaired.is_empty() {
        let inner = default_inner(status)?;
        return Some(format!("[{inner}]"));
    }
    if any(&|c| c.starts_with('☐') || c.starts_with('☑')) {
        return match status {
            Status::Open => Some("☐".into()),
            Status::Done => Some("☑".into()),
            _ => None,
        };
    }
    if any(&|c| c.eq_ignore_ascii_case("yes") || c.eq_ignore_ascii_case("no")) {
        return match status {
            Status::Open => Some("No".into()),
            Status::Done => Some("Yes".into()),
            _ => None,
        };
    }
    if any(&|c| c.chars().next().is_some_and(|ch| ch.is_alphabetic())) {
        let words: HashMap<Status, &str> = [
            (Status::Open, "Not started"),
            (Status::InProgress, "In progress"),
            (Status::Done, "Done"),
            (Status::Blocked, "Blocked"),
            (Status::NotApplicable, "N/A"),
        ]
        .into_iter()
        .collect();
        return words.get(&status).map(|w| (*w).to_owned());
    }
    if any(&|c| cell_status(c, vocabulary).is_some()) {
        return match status {
            Status::Done => Some("✅".into()),
            Status::Blocked => Some("❌".into()),
            Status::InProgress => Some("🚧".into()),
            _ => None,
        };
    }
    None
}
