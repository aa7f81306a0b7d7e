//! Markup stripping: the item's words without Markdown, HTML comments, emoji or a leading
//! tracker ID. Backticks stay so later steps can tell code spans (paths) apart.

use regex::Regex;
use std::sync::OnceLock;

/// Lower-cased item text without markup. Code spans keep their backticks.
pub fn strip_markup(text: &str) -> String {
    let comment = cached(&COMMENT, r"(?s)<!--.*?-->");
    let link = cached(&LINK, r"!?\[([^\]]*)\]\([^)]*\)");
    let leading_id = cached(
        &LEADING_ID,
        r"^\s*(?:\(?[A-Za-z]{1,6}(?:[-_]\d{1,4}|\d{2,4})\)?\s*[:.)\-–—]|\d+(?:\.\d+)+[:.)]?)\s+",
    );
    // Status notes in parentheses say where the work stands, not what it is.
    let status_note = cached(
        &STATUS_NOTE,
        r"(?i)\((?:blocked|pending|waiting|wip|eta|owner|todo|note|see|ticket|jira|done|in progress|n/a)\b[^)]*\)",
    );
    let trailing_id = cached(
        &TRAILING_ID,
        r"\s*\([A-Za-z]{1,6}(?:[-_]\d{1,4}|\d{2,4})\)\s*$",
    );

    let no_comments = comment.replace_all(text, " ");
    let no_links = link.replace_all(&no_comments, "$1");
    let no_links = status_note.replace_all(&no_links, " ");
    let cleaned: String = no_links
        .chars()
        .map(|c| match c {
            '*' => ' ',
            // Arrows chain steps ("lint → test → build"): each step is its own part.
            '→' | '⇒' | '➔' | '➜' | '⟶' => ',',
            c if c.is_ascii() || c.is_alphanumeric() => c,
            // Arrows and dashes separate words; emoji and other symbols carry no meaning here.
            _ => ' ',
        })
        .collect();
    let cleaned = strip_emphasis_underscores(&cleaned).replace("->", ",");
    let without_lead = leading_id.replace(&cleaned, "");
    let without_trail = trailing_id.replace(&without_lead, "");
    collapse_spaces(&without_trail.to_lowercase())
}

/// `__bold__` and `_em_` markers go; underscores inside words (`max_connections`) stay.
fn strip_emphasis_underscores(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' {
            let before = i > 0 && chars[i - 1].is_alphanumeric();
            let after = i + 1 < chars.len() && chars[i + 1].is_alphanumeric();
            if !(before && after) {
                out.push(' ');
                continue;
            }
        }
        out.push(c);
    }
    out
}

fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

static COMMENT: OnceLock<Regex> = OnceLock::new();
static LINK: OnceLock<Regex> = OnceLock::new();
static LEADING_ID: OnceLock<Regex> = OnceLock::new();
static TRAILING_ID: OnceLock<Regex> = OnceLock::new();
static STATUS_NOTE: OnceLock<Regex> = OnceLock::new();

fn cached(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("static pattern compiles"))
}

#[cfg(test)]
mod tests {
    use super::strip_markup;

    #[test]
    fn strips_ids_emphasis_links_comments_and_emoji() {
        assert_eq!(
            strip_markup("**LA-001**: Stop committing `.env.production` 🔴"),
            "stop committing `.env.production`"
        );
        assert_eq!(
            strip_markup("Versioned migrations (RR-003)"),
            "versioned migrations"
        );
        assert_eq!(
            strip_markup("pa_01: See [the runbook](http://x/y) <!-- vouch: DOC001 -->"),
            "see the runbook"
        );
        assert_eq!(
            strip_markup("1.1 Use __bold__ max_connections"),
            "use bold max_connections"
        );
        assert_eq!(strip_markup("lint → test -> build"), "lint , test , build");
    }

    #[test]
    fn keeps_words_that_only_look_like_ids() {
        assert_eq!(
            strip_markup("HPA for every deployment"),
            "hpa for every deployment"
        );
        assert_eq!(
            strip_markup("K8s: drop capabilities"),
            "k8s: drop capabilities"
        );
    }
}
