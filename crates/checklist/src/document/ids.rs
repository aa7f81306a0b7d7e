//! Item IDs as teams write them (`pa_01:`, `**sec-001**:`, `LA-010`, `(RR-003)` at the end,
//! `1.1`), and a stable derived ID for items without one.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;

/// An ID found in the item's text and the text without it.
pub(crate) struct FoundId {
    pub id: String,
    pub rest: String,
}

/// An alphanumeric ticket-style token: letters, a separator, digits (`LA-010`, `pa_01`,
/// `sec-001`), or capitals directly followed by at least two digits (`SEC001`).
const TOKEN: &str = r"(?:[A-Za-z][A-Za-z0-9]{0,11}[-_][A-Za-z0-9]*\d[A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*|[A-Z]{2,8}\d{2,6})";

fn leading() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(
            r"^(?:\[(?P<bracketed>{TOKEN})\]\s*[:\-–—|.]?|(?P<plain>{TOKEN})\s*[:\-–—|)]|(?P<numeric>\d{{1,3}}(?:\.\d{{1,3}}){{1,3}})\.?(?:\s*[:\-–—)])?)\s+"
        ))
        .expect("valid leading ID pattern")
    })
}

fn trailing() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(r"\s*[(\[]\s*(?P<id>{TOKEN})\s*[)\]]\s*\.?$"))
            .expect("valid trailing ID pattern")
    })
}

fn whole_token() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(&format!(r"^{TOKEN}$")).expect("valid token pattern"))
}

/// Priority tags look like tokens (`P0`) but are not IDs.
fn is_priority_tag(token: &str) -> bool {
    let upper = token.to_ascii_uppercase();
    matches!(upper.as_str(), "P0" | "P1" | "P2" | "P3" | "P4")
}

/// "1.5 MB" is a quantity, not item 1.5.
fn starts_with_unit(rest: &str) -> bool {
    let word = rest
        .split(|c: char| !c.is_alphanumeric() && c != '%')
        .next()
        .unwrap_or("")
        .to_lowercase();
    matches!(
        word.as_str(),
        "ms" | "s"
            | "sec"
            | "seconds"
            | "min"
            | "minutes"
            | "h"
            | "hours"
            | "days"
            | "kb"
            | "mb"
            | "gb"
            | "tb"
            | "x"
            | "%"
            | "percent"
            | "req"
            | "rps"
            | "k"
            | "m"
    )
}

/// Finds the document's own ID in `text`. `emphasized_head` is the first word when the source
/// wrapped it in `**bold**` or backticks (`**LA-010** Require ...`): that marks it as an ID even
/// without a colon.
pub(crate) fn find(text: &str, emphasized_head: Option<&str>) -> Option<FoundId> {
    if let Some(caps) = leading().captures(text) {
        let id = caps
            .name("bracketed")
            .or_else(|| caps.name("plain"))
            .or_else(|| caps.name("numeric"))
            .map(|m| m.as_str())?;
        let rest = text[caps.get(0).map_or(0, |m| m.end())..].trim();
        let unit_follows = caps.name("numeric").is_some() && starts_with_unit(rest);
        if !is_priority_tag(id) && !rest.is_empty() && !unit_follows {
            return Some(FoundId {
                id: id.to_owned(),
                rest: rest.to_owned(),
            });
        }
    }
    if let Some(head) = emphasized_head {
        let head = head.trim();
        if whole_token().is_match(head)
            && !is_priority_tag(head)
            && let Some(rest) = text.trim_start().strip_prefix(head)
        {
            let rest = rest.trim_start_matches([':', '-', '–', '—', '|']).trim();
            if !rest.is_empty() {
                return Some(FoundId {
                    id: head.to_owned(),
                    rest: rest.to_owned(),
                });
            }
        }
    }
    let caps = trailing().captures(text)?;
    let id = caps.name("id")?.as_str();
    let start = caps.get(0)?.start();
    let rest = text[..start].trim();
    (!is_priority_tag(id) && !rest.is_empty()).then(|| FoundId {
        id: id.to_owned(),
        rest: rest.to_owned(),
    })
}

/// A stable ID from section and text: readable words plus a hash of the normalised content,
/// so the same text in the same section gets the same ID on every run.
pub(crate) fn derive(section: &[String], text: &str) -> String {
    let words = normalized_words(text);
    let mut hashed = String::new();
    for heading in section {
        hashed.push_str(&normalized_words(heading).join(" "));
        hashed.push('\n');
    }
    hashed.push_str(&words.join(" "));
    let slug: Vec<&str> = words.iter().take(4).map(String::as_str).collect();
    let slug = if slug.is_empty() {
        "item".to_owned()
    } else {
        slug.join("-")
    };
    format!("{slug}-{:06x}", fnv1a(hashed.as_bytes()) & 0xFF_FFFF)
}

fn normalized_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// FNV-1a: tiny, fixed across platforms and Rust versions (unlike `DefaultHasher`).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Makes IDs unique in document order: the second `x` becomes `x-2`, and so on.
pub(crate) fn deduplicate(ids: &mut [String]) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let originals: Vec<String> = ids.to_vec();
    let mut used: std::collections::HashSet<String> = std::collections::HashSet::new();
    for id in ids.iter_mut() {
        if used.insert(id.clone()) {
            continue;
        }
        let counter = seen.entry(id.clone()).or_insert(1);
        loop {
            *counter += 1;
            let candidate = format!("{id}-{counter}");
            if !originals.contains(&candidate) && used.insert(candidate.clone()) {
                *id = candidate;
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id_of(text: &str) -> Option<(String, String)> {
        find(text, None).map(|f| (f.id, f.rest))
    }

    #[test]
    fn reads_the_usual_styles() {
        assert_eq!(
            id_of("pa_01: Enable backups"),
            Some(("pa_01".into(), "Enable backups".into()))
        );
        assert_eq!(id_of("LA-010: Require OAuth2").unwrap().0, "LA-010");
        assert_eq!(id_of("[SEC-7] Rotate keys").unwrap().0, "SEC-7");
        assert_eq!(id_of("Versioned migrations (RR-003)").unwrap().0, "RR-003");
        assert_eq!(id_of("1.1 Configure alerts").unwrap().0, "1.1");
        assert_eq!(id_of("SEC001: Scan images").unwrap().0, "SEC001");
    }

    #[test]
    fn ordinary_words_are_not_ids() {
        assert!(id_of("OAuth2: require tokens everywhere").is_none());
        assert!(id_of("P0: enable backups").is_none());
        assert!(id_of("SHA-256 checksums for artifacts").is_none());
        assert!(id_of("Retry with backoff (max 5)").is_none());
        assert!(id_of("0.5% error budget").is_none());
        assert_eq!(
            find("LA-010 Require tokens", Some("LA-010")).map(|f| f.id),
            Some("LA-010".into())
        );
    }

    #[test]
    fn derived_ids_are_stable_and_deduplicated() {
        let section = vec!["Stage 1".to_owned()];
        let a = derive(&section, "CI runs unit tests");
        assert_eq!(a, derive(&section, "CI  runs unit tests!"));
        assert_ne!(a, derive(&["Stage 2".to_owned()], "CI runs unit tests"));
        assert!(a.starts_with("ci-runs-unit-tests-"));
        let mut ids = vec![
            "a".to_owned(),
            "a".to_owned(),
            "a-2".to_owned(),
            "a".to_owned(),
        ];
        deduplicate(&mut ids);
        assert_eq!(ids, ["a", "a-3", "a-2", "a-4"]);
    }
}
