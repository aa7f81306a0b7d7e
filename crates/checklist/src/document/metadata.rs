//! Effort, owner and explicit control mappings written next to an item or in its section.

use std::sync::OnceLock;

use regex::Regex;

fn effort_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)(?-u:\b)(?:estimated\s+)?effort\s*\**\s*[:=]\s*\**\s*([^,;|)\n]+)")
            .expect("valid effort pattern")
    })
}

fn owner_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)(?-u:\b)(?:owner|assignee|assigned\s+to|owned\s+by)\s*\**\s*[:=]\s*\**\s*([^,;|)\n]+)",
        )
        .expect("valid owner pattern")
    })
}

fn clean(value: &str) -> Option<String> {
    let value = value
        .trim()
        .trim_matches(|c: char| c == '*' || c == '_' || c == '.')
        .trim();
    (!value.is_empty() && value.split_whitespace().count() <= 6).then(|| value.to_owned())
}

/// "Effort: 16-24 hours" → "16-24 hours".
pub(crate) fn effort(text: &str) -> Option<String> {
    effort_re()
        .captures(text)
        .and_then(|caps| clean(caps.get(1)?.as_str()))
}

/// "Owner: DevOps" → "DevOps".
pub(crate) fn owner(text: &str) -> Option<String> {
    owner_re()
        .captures(text)
        .and_then(|caps| clean(caps.get(1)?.as_str()))
}

fn vouch_comment_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"<!--\s*vouch\s*:(?P<body>.*?)-->").expect("valid comment pattern")
    })
}

/// The `<!-- vouch: ... -->` comments in a slice of source, as byte ranges and bodies.
pub(crate) fn vouch_comments(source: &str) -> Vec<(std::ops::Range<usize>, String)> {
    vouch_comment_re()
        .captures_iter(source)
        .filter_map(|caps| {
            let whole = caps.get(0)?;
            Some((whole.range(), caps.name("body")?.as_str().trim().to_owned()))
        })
        .collect()
}

/// Control IDs at the start of a vouch comment body: `CMP001, K8S010 note...` → both IDs; the
/// first word that is not an ID starts the free-text note.
pub(crate) fn control_ids(body: &str) -> Vec<String> {
    body.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|token| !token.is_empty())
        .take_while(|token| {
            let mut chars = token.chars();
            chars.next().is_some_and(|c| c.is_ascii_uppercase())
                && token.len() <= 12
                && token.chars().any(|c| c.is_ascii_digit())
                && token
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        })
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_effort_owner_and_controls() {
        assert_eq!(
            effort("Effort: 16-24 hours").as_deref(),
            Some("16-24 hours")
        );
        assert_eq!(owner("**Owner**: SRE").as_deref(), Some("SRE"));
        assert_eq!(
            owner("Backups (Owner: DevOps, Effort: 2d)").as_deref(),
            Some("DevOps")
        );
        assert_eq!(
            effort("Backups (Owner: DevOps, Effort: 2d)").as_deref(),
            Some("2d")
        );
        assert_eq!(owner("The owner of this is unclear"), None);
        assert_eq!(
            control_ids("CMP001, K8S010 fails: runs as root"),
            ["CMP001", "K8S010"]
        );
        assert!(control_ids("manual").is_empty());
        let comments = vouch_comments("- [ ] x <!-- vouch: SEC013 -->");
        assert_eq!(comments.len(), 1);
        assert_eq!(comments[0].1, "SEC013");
    }
}
