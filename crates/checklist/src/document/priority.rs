//! Priority from an item's own words or a heading: 🔴 🟠 🟡 🟢, CRITICAL/HIGH/MEDIUM/LOW in
//! capitals, P0–P3, BLOCKER, "Priority: High", "(high)", and headings that are just a
//! priority ("🟠 High", "Blockers", "Low priority"). Lower-case "high availability" or
//! "low latency" are not priorities.

use std::sync::OnceLock;

use regex::Regex;

use crate::model::Priority;

fn from_word(word: &str) -> Option<Priority> {
    Some(match word.to_lowercase().as_str() {
        "critical" | "blocker" | "blockers" | "p0" | "urgent" => Priority::Critical,
        "high" | "p1" => Priority::High,
        "medium" | "moderate" | "p2" => Priority::Medium,
        "low" | "p3" | "p4" => Priority::Low,
        _ => return None,
    })
}

fn from_emoji(text: &str) -> Option<Priority> {
    text.chars().find_map(|c| match c {
        '🔴' => Some(Priority::Critical),
        '🟠' => Some(Priority::High),
        '🟡' => Some(Priority::Medium),
        '🟢' => Some(Priority::Low),
        _ => None,
    })
}

fn patterns() -> &'static [Regex] {
    static RE: OnceLock<Vec<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        [
            r"(?i)(?-u:\b)(?:priority|severity|prio)\s*\**\s*[:=]\s*\**\s*(critical|blocker|urgent|high|medium|moderate|low|p[0-4])(?-u:\b)",
            r"(?i)(?-u:\b)(critical|urgent|high|medium|moderate|low)[- ]priority(?-u:\b)",
            r"(?i)[\[(]\s*(critical|blocker|urgent|high|medium|low|p[0-4])\s*[\])]",
            r"(?-u:\b)(CRITICAL|BLOCKER|URGENT|HIGH|MEDIUM|LOW|P[0-3])(?-u:\b)",
        ]
        .iter()
        .map(|p| Regex::new(p).expect("valid priority pattern"))
        .collect()
    })
}

/// Priority stated in an item's text.
pub(crate) fn from_text(text: &str) -> Option<Priority> {
    from_emoji(text).or_else(|| {
        patterns().iter().find_map(|re| {
            re.captures(text)
                .and_then(|caps| caps.get(1))
                .and_then(|m| from_word(m.as_str()))
        })
    })
}

/// Priority stated by a heading: anything an item could say, or a heading that is only a
/// priority word.
pub(crate) fn from_heading(text: &str) -> Option<Priority> {
    if let Some(priority) = from_text(text) {
        return Some(priority);
    }
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_lowercase)
        .collect();
    match words.as_slice() {
        [word] => from_word(word),
        [word, rest] if matches!(rest.as_str(), "priority" | "items" | "issues" | "severity") => {
            from_word(word)
        }
        _ => None,
    }
}

/// Leading priority tags removed from an item's text (`[P0] Enable backups`, `🔴 Rotate`).
pub(crate) fn strip_leading_tag(text: &str) -> &str {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"^(?:[🔴🟠🟡🟢]\uFE0F?\s*|(?i:[\[(]\s*(?:critical|blocker|high|medium|low|p[0-4])\s*[\])])\s*[:\-–—]?\s*|P[0-3]\s*[:\-–—]\s*|(?:CRITICAL|BLOCKER|HIGH|MEDIUM|LOW)\s*[:\-–—]\s*)+")
            .expect("valid tag pattern")
    });
    match re.find(text) {
        Some(m) if m.end() < text.len() => &text[m.end()..],
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_priority_words_emoji_and_tags() {
        assert_eq!(from_text("🔴 Rotate keys"), Some(Priority::Critical));
        assert_eq!(from_text("[P1] Add HPA"), Some(Priority::High));
        assert_eq!(
            from_text("Backups (Priority: Medium)"),
            Some(Priority::Medium)
        );
        assert_eq!(from_text("HIGH: rotate keys"), Some(Priority::High));
        assert_eq!(from_text("Set up high availability"), None);
        assert_eq!(from_text("Keep latency low"), None);
        assert_eq!(from_text("Zero critical vulnerabilities"), None);
    }

    #[test]
    fn headings_that_are_only_a_priority() {
        assert_eq!(from_heading("🟠 High"), Some(Priority::High));
        assert_eq!(from_heading("Blockers"), Some(Priority::Critical));
        assert_eq!(
            from_heading("1. Resilience (HIGH Priority)"),
            Some(Priority::High)
        );
        assert_eq!(from_heading("Low priority"), Some(Priority::Low));
        assert_eq!(from_heading("High Availability"), None);
        assert_eq!(from_heading("Critical Path Analysis"), None);
    }

    #[test]
    fn strips_leading_tags_only() {
        assert_eq!(strip_leading_tag("[P0] Enable backups"), "Enable backups");
        assert_eq!(strip_leading_tag("🔴 Rotate"), "Rotate");
        assert_eq!(strip_leading_tag("Plain text"), "Plain text");
    }
}
