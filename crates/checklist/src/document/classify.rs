//! Which parts of a document are a checklist: headings that announce one, sections that are
//! only background, and status keys that define markers rather than list work.

use std::sync::OnceLock;

use regex::Regex;

fn checklist_heading() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)(?-u:\b)(?:check\s*-?\s*lists?|readiness|launch|go[- ]live|pre[- ]?launch|pre[- ]?release|prr|hardening|requirements?|controls?|gates?|criteria|to[- ]?dos?|tasks?|action\s+items?|open\s+work|remaining|must[- ]haves?|definition\s+of\s+done|before\s+(?:launch|release|go[- ]live|production|shipping))(?-u:\b)",
        )
        .expect("valid checklist heading pattern")
    })
}

fn background_heading() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)(?-u:\b)(?:overview|introduction|intro|about|background|contents|toc|references?|links|resources|see\s+also|notes?|glossary|changelog|history|installation|install|usage|license|contributing|summary|goals|non-goals|context|purpose|scope|team|contacts?|appendix|legend|key|features|faq|how\s+to\s+use)(?-u:\b)",
        )
        .expect("valid background heading pattern")
    })
}

fn legend_words() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)(?-u:\b)(?:status\s+key|legend|key|markers?)(?-u:\b)")
            .expect("valid legend pattern")
    })
}

pub(crate) fn announces_checklist(heading: &str) -> bool {
    checklist_heading().is_match(heading)
}

pub(crate) fn is_background(heading: &str) -> bool {
    background_heading().is_match(heading)
}

/// "**Status Key**:", "Legend", "## Key": text that introduces a status key.
pub(crate) fn introduces_legend(text: &str) -> bool {
    let text = text.trim().trim_end_matches([':', '*', '_', ' ']);
    legend_words().is_match(text) && text.split_whitespace().count() <= 4
}

fn inline_legend_entry() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"`?\[(?P<inner>[^\]\n]{0,4})\]`?\s*(?:[:=\-–—]\s*)?(?P<words>[A-Za-z][A-Za-z' /-]{1,24})")
            .expect("valid legend entry pattern")
    })
}

/// `Legend: [ ] todo, [~] doing, [x] done` written in one paragraph.
pub(crate) fn inline_legend(text: &str) -> Vec<(String, String)> {
    if !legend_words().is_match(text) {
        return Vec::new();
    }
    let entries: Vec<(String, String)> = inline_legend_entry()
        .captures_iter(text)
        .filter_map(|caps| {
            Some((
                caps.name("inner")?.as_str().to_owned(),
                caps.name("words")?.as_str().trim().to_owned(),
            ))
        })
        .collect();
    if entries.len() >= 2 {
        entries
    } else {
        Vec::new()
    }
}

/// A list item that is only a link (a table of contents), not work.
pub(crate) fn is_link_only(pieces: &[super::outline::Piece], source: &str, start: usize) -> bool {
    let first_line = source[start..].lines().next().unwrap_or("");
    let after_bullet = first_line
        .trim_start()
        .trim_start_matches(|c: char| c == '-' || c == '*' || c == '+' || c.is_ascii_digit())
        .trim_start_matches(['.', ')'])
        .trim();
    !pieces.is_empty() && after_bullet.starts_with('[') && after_bullet.ends_with(')')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checklist_and_background_headings() {
        assert!(announces_checklist("Ingest Worker Hardening Guide"));
        assert!(announces_checklist("Launch Checklist"));
        assert!(announces_checklist("2. Abuse Controls"));
        assert!(!announces_checklist("Architecture"));
        assert!(is_background("Overview"));
        assert!(!is_background("Security"));
    }

    #[test]
    fn legends() {
        assert!(introduces_legend("Status Key:"));
        assert!(introduces_legend("Legend"));
        assert!(!introduces_legend(
            "The key rotation procedure is described below"
        ));
        let entries = inline_legend("Legend: [ ] todo, [~] in progress, [x] done");
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[1], ("~".to_owned(), "in progress".to_owned()));
    }
}
