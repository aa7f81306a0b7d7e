//! Tables that are checklists: a Done/Status column (or checkbox cells) makes each body row an
//! item; other columns give its text, ID, owner, priority and effort.

use std::ops::Range;

use super::markers::{Vocabulary, status_word};
use super::mojibake::repair;
use super::outline::TableRowBlock;
use super::tasks::collapse;
use crate::model::Status;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Column {
    Status,
    Id,
    Owner,
    Priority,
    Effort,
    Notes,
    Text,
}

/// What each column of a table holds, by its header and its cells.
pub(crate) struct Layout {
    pub columns: Vec<Column>,
    /// The column whose words are the item.
    pub text: usize,
    pub status: usize,
}

fn header_kind(header: &str) -> Option<Column> {
    let lower = header.trim().trim_matches(['*', '_']).trim().to_lowercase();
    let kind = match lower.as_str() {
        "done" | "status" | "state" | "complete" | "completed" | "✓" | "✔" | "✔️" | "☑" | "✅"
        | "check" | "checked" | "ready" | "ok" | "[x]" | "[ ]" | "result" | "progress" => {
            Column::Status
        }
        "id" | "ref" | "ref." | "key" | "#" | "no" | "no." | "item id" => Column::Id,
        "owner" | "owners" | "assignee" | "team" | "who" | "responsible" | "dri" => Column::Owner,
        "priority" | "severity" | "prio" | "sev" => Column::Priority,
        "effort" | "estimate" | "est." | "size" => Column::Effort,
        "notes" | "note" | "comments" | "comment" | "evidence" | "link" | "links" | "details" => {
            Column::Notes
        }
        _ => return None,
    };
    Some(kind)
}

/// A cell that reads as a status (`[ ]`, `[x]`, ☐, ✅, "Done", "In progress").
pub(crate) fn cell_status(text: &str, vocabulary: &Vocabulary) -> Option<Status> {
    let text = text.trim();
    if text.is_empty() {
        return Some(Status::Open);
    }
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return vocabulary.status_of(inner);
    }
    let glyph: String = text
        .chars()
        .take_while(|c| !c.is_alphanumeric() && !c.is_whitespace())
        .collect();
    if !glyph.is_empty()
        && let Some(status) = vocabulary.status_of(&glyph)
    {
        return Some(status);
    }
    status_word(text)
}

fn looks_like_checkbox(text: &str) -> bool {
    let text = text.trim();
    (text.starts_with('[') && text.ends_with(']') && text.chars().count() <= 5)
        || ["☐", "☑", "☒", "✅", "❌", "✔", "✓"]
            .iter()
            .any(|g| text.starts_with(g))
}

/// The layout of a table if it is a checklist.
pub(crate) fn layout(rows: &[&TableRowBlock], cell_texts: &[Vec<String>]) -> Option<Layout> {
    let header = rows.first().filter(|r| r.header)?;
    let width = header.cells.len();
    let mut columns: Vec<Column> = cell_texts[0]
        .iter()
        .map(|h| header_kind(h).unwrap_or(Column::Text))
        .collect();
    columns.resize(width, Column::Text);
    let body = &cell_texts[1..];
    if body.is_empty() {
        return None;
    }
    let status = match columns.iter().position(|c| *c == Column::Status) {
        Some(status) => status,
        None => {
            // No status header: a column of checkboxes still makes a checklist.
            let by_cells = (0..width).find(|&col| {
                body.iter()
                    .all(|row| row.get(col).is_some_and(|cell| looks_like_checkbox(cell)))
            })?;
            columns[by_cells] = Column::Status;
            by_cells
        }
    };
    let text = (0..width)
        .filter(|&col| columns[col] == Column::Text)
        .max_by_key(|&col| {
            let header_says_text = is_text_header(&cell_texts[0][col]);
            let total: usize = body
                .iter()
                .map(|row| row.get(col).map_or(0, |c| c.chars().count()))
                .sum();
            (header_says_text, usize::MAX - col, total)
        })
        .or_else(|| columns.iter().position(|c| *c == Column::Notes))?;
    Some(Layout {
        columns,
        text,
        status,
    })
}

fn is_text_header(header: &str) -> bool {
    let lower = header.to_lowercase();
    [
        "item",
        "control",
        "task",
        "check",
        "requirement",
        "description",
        "criteria",
        "criterion",
        "what",
        "name",
        "area",
        "action",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// The words of every cell, repaired and collapsed.
pub(crate) fn cell_texts(row: &TableRowBlock) -> Vec<String> {
    row.cells
        .iter()
        .map(|cell| collapse(&repair(&cell.inline.text())))
        .collect()
}

/// The trimmed source range of a cell's content and the range between its pipes.
pub(crate) fn cell_spans(source: &str, range: &Range<usize>) -> (Range<usize>, Range<usize>) {
    let raw = source.get(range.clone()).unwrap_or("");
    let mut interior = range.clone();
    let trimmed_start = raw.trim_start_matches('|');
    interior.start += raw.len() - trimmed_start.len();
    let trimmed = trimmed_start.trim_end_matches('|');
    interior.end = interior.start + trimmed.len();
    let inner = source.get(interior.clone()).unwrap_or("");
    let lead = inner.len() - inner.trim_start().len();
    let content_start = interior.start + lead;
    let content_end = content_start + inner.trim().len();
    (content_start..content_end, interior)
}
