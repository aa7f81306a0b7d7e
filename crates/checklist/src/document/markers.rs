//! Status markers: the built-in vocabulary (`[ ]`, `[x]`, `[→]`, `[✅]`, `[❌]`, `[~]`, `[-]`,
//! `☐ ☑`) plus whatever the document's own status key declares, and status words
//! ("In progress", "Blocked") used in keys and table cells.

use crate::model::Status;

/// Marker inner text (between the brackets, or a bare glyph) to status.
#[derive(Clone, Debug)]
pub(crate) struct Vocabulary {
    /// Declared by the document; consulted before the built-in table.
    declared: Vec<(String, Status)>,
}

/// Bare glyphs accepted as a marker without brackets (`- ☐ item`).
pub(crate) const GLYPHS: &[&str] = &["☐", "☑", "☒", "✅", "✔", "✓", "❌", "✗", "✘"];

impl Vocabulary {
    pub fn new() -> Self {
        Vocabulary {
            declared: Vec::new(),
        }
    }

    pub fn declare(&mut self, inner: &str, status: Status) {
        let key = normalize(inner);
        if !self.declared.iter().any(|(k, _)| *k == key) {
            self.declared.push((key, status));
        }
    }

    /// The marker declared for a status by the document's key, if any.
    pub fn declared_for(&self, status: Status) -> Option<&str> {
        self.declared
            .iter()
            .find(|(_, s)| *s == status)
            .map(|(k, _)| k.as_str())
    }

    pub fn status_of(&self, inner: &str) -> Option<Status> {
        let key = normalize(inner);
        if let Some((_, status)) = self.declared.iter().find(|(k, _)| *k == key) {
            return Some(*status);
        }
        builtin(&key)
    }
}

/// Drops the emoji presentation selector and surrounding blanks; `[ ]` becomes "".
fn normalize(inner: &str) -> String {
    inner.replace('\u{FE0F}', "").trim().to_owned()
}

fn builtin(key: &str) -> Option<Status> {
    Some(match key {
        "" | "☐" => Status::Open,
        "x" | "X" | "✅" | "✔" | "✓" | "☑" | "☒" | "✔️" => Status::Done,
        "→" | "~" | "/" | "🔄" | "⏳" | "🚧" | ">" => Status::InProgress,
        "❌" | "!" | "✗" | "✘" | "⛔" | "🚫" => Status::Blocked,
        "-" | "–" | "N/A" | "n/a" | "NA" => Status::NotApplicable,
        _ => return None,
    })
}

/// The default inner text written for a status when the document shows no style of its own.
pub(crate) fn default_inner(status: Status) -> Option<&'static str> {
    Some(match status {
        Status::Open => " ",
        Status::Done => "x",
        Status::InProgress => "~",
        Status::Blocked => "!",
        Status::NotApplicable => "-",
        Status::None => return None,
    })
}

/// "Not started", "In progress", "Complete", "Blocked", "N/A", "Yes", ... at the start of `text`.
pub(crate) fn status_word(text: &str) -> Option<Status> {
    let lower = text
        .trim()
        .trim_matches(|c: char| c == '*' || c == '_')
        .to_lowercase();
    const WORDS: &[(&str, Status)] = &[
        ("not started", Status::Open),
        ("not done", Status::Open),
        ("not applicable", Status::NotApplicable),
        ("to do", Status::Open),
        ("todo", Status::Open),
        ("open", Status::Open),
        ("pending", Status::Open),
        ("planned", Status::Open),
        ("incomplete", Status::Open),
        ("no", Status::Open),
        ("in progress", Status::InProgress),
        ("in-progress", Status::InProgress),
        ("in review", Status::InProgress),
        ("wip", Status::InProgress),
        ("ongoing", Status::InProgress),
        ("doing", Status::InProgress),
        ("started", Status::InProgress),
        ("partial", Status::InProgress),
        ("completed", Status::Done),
        ("complete", Status::Done),
        ("done", Status::Done),
        ("finished", Status::Done),
        ("verified", Status::Done),
        ("shipped", Status::Done),
        ("yes", Status::Done),
        ("blocked", Status::Blocked),
        ("n/a", Status::NotApplicable),
        ("na", Status::NotApplicable),
        ("skipped", Status::NotApplicable),
        ("won't do", Status::NotApplicable),
        ("wont do", Status::NotApplicable),
        ("out of scope", Status::NotApplicable),
    ];
    WORDS.iter().find_map(|(word, status)| {
        let rest = lower.strip_prefix(word)?;
        let boundary = rest
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric() && c != '\'');
        boundary.then_some(*status)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_markers_win_over_builtin() {
        let mut vocabulary = Vocabulary::new();
        assert_eq!(vocabulary.status_of("~"), Some(Status::InProgress));
        vocabulary.declare("~", Status::NotApplicable);
        assert_eq!(vocabulary.status_of("~"), Some(Status::NotApplicable));
        assert_eq!(vocabulary.status_of("✅\u{FE0F}"), Some(Status::Done));
        assert_eq!(vocabulary.status_of("?"), None);
    }

    #[test]
    fn status_words_need_a_word_boundary() {
        assert_eq!(status_word("In progress"), Some(Status::InProgress));
        assert_eq!(status_word("**Done**"), Some(Status::Done));
        assert_eq!(status_word("Nothing"), None);
        assert_eq!(status_word("Non-goal"), None);
    }
}
