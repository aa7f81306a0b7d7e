//! Domain hints: words that say where the evidence lives ("compose", "pod spec", "in CI",
//! "Dockerfile"). They break ties between controls that check the same concept on different
//! platforms. Words in the item count fully; words in the section headings count less.

use super::words::normalise;
use std::sync::OnceLock;

/// Hint words (as people write them) and the control domains (ID prefixes) they point to.
const HINTS: &[(&str, &[&str])] = &[
    ("compose", &["CMP"]),
    ("kubernetes", &["K8S"]),
    ("pod", &["K8S"]),
    ("pod spec", &["K8S"]),
    ("helm", &["K8S"]),
    ("namespace", &["K8S"]),
    ("statefulset", &["K8S"]),
    ("daemonset", &["K8S"]),
    ("manifest", &["K8S"]),
    ("dockerfile", &["DKR"]),
    ("entrypoint", &["DKR"]),
    ("container image", &["DKR"]),
    ("base image", &["DKR"]),
    ("final image", &["DKR"]),
    ("ci", &["CI"]),
    ("pipeline", &["CI"]),
    ("workflow", &["CI"]),
    ("pull request", &["CI"]),
    ("github actions", &["CI"]),
    // The code that serves a route and the running service behind it.
    ("route", &["CODE", "HTTP"]),
    ("endpoint", &["CODE", "HTTP"]),
    ("handler", &["CODE"]),
    ("middleware", &["CODE"]),
    ("api", &["CODE", "HTTP"]),
    ("source code", &["CODE"]),
    ("repository", &["SEC"]),
];

/// The hint table in canonical words.
fn hints() -> &'static [(String, &'static [&'static str])] {
    static CANONICAL: OnceLock<Vec<(String, &'static [&'static str])>> = OnceLock::new();
    CANONICAL.get_or_init(|| {
        HINTS
            .iter()
            .map(|(phrase, domains)| (normalise(phrase).join(" "), *domains))
            .collect()
    })
}

/// Boost for a control in a domain the item names.
const ITEM_BOOST: f32 = 1.5;
/// Boost for a control in a domain only the section names.
const SECTION_BOOST: f32 = 1.2;
/// Damping for a control in another domain than the one(s) the item names.
const OTHER_DOMAIN: f32 = 0.7;
/// Damping for a platform-bound control (CI, compose, Kubernetes, Dockerfile) when neither the
/// item nor its section names any place: a platform-neutral control explains a generic item
/// ("Unit tests", "Load tests with k6") better than the one that looks for it in CI.
const PLATFORM_UNNAMED: f32 = 0.9;
const PLATFORM_DOMAINS: [&str; 4] = ["CI", "CMP", "K8S", "DKR"];

/// The domains an item (and its section) point at.
#[derive(Debug, Default)]
pub struct Hints {
    item: Vec<&'static str>,
    section: Vec<&'static str>,
    /// Hint words of the section that the item does not repeat: context for scoring.
    section_words: Vec<String>,
}

impl Hints {
    pub fn read(item: &str, section: &[String]) -> Hints {
        let item_words = normalise(item);
        let section_all = normalise(&section.join(" "));
        let section_words = section_all
            .iter()
            .filter(|w| is_hint_word(w) && !item_words.contains(w))
            .cloned()
            .collect();
        Hints {
            item: domains_in(&item_words),
            section: domains_in(&section_all),
            section_words,
        }
    }

    /// The section's place words ("ci" under "Pipeline") to score with less weight.
    pub fn section_words(&self) -> &[String] {
        &self.section_words
    }

    /// Score multiplier for a control of `domain` (its ID prefix).
    pub fn factor(&self, domain: &str) -> f32 {
        if self.item.contains(&domain) {
            ITEM_BOOST
        } else if !self.item.is_empty() {
            OTHER_DOMAIN
        } else if self.section.contains(&domain) {
            SECTION_BOOST
        } else if self.section.is_empty() && PLATFORM_DOMAINS.contains(&domain) {
            PLATFORM_UNNAMED
        } else {
            1.0
        }
    }
}

/// Whether `word` (canonical) only says where to look: it never maps an item on its own.
pub fn is_hint_word(word: &str) -> bool {
    hints().iter().any(|(w, _)| w == word)
}

fn domains_in(words: &[String]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for (word, domains) in hints() {
        if words.iter().any(|w| w == word) {
            for d in *domains {
                if !out.contains(d) {
                    out.push(d);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Hints;

    #[test]
    fn every_hint_is_one_canonical_word() {
        for (word, _) in super::hints() {
            assert!(!word.is_empty() && !word.contains(' '), "{word:?}");
        }
    }

    #[test]
    fn item_words_beat_section_words() {
        let h = Hints::read("every service in compose gets a healthcheck", &[]);
        assert!(h.factor("CMP") > 1.0);
        assert!(h.factor("K8S") < 1.0);
        let s = Hints::read("liveness probes", &["Stage 2".into(), "Kubernetes".into()]);
        assert!(s.factor("K8S") > 1.0);
        assert_eq!(s.factor("DKR"), 1.0);
        assert_eq!(s.section_words(), ["kubernet"]);
        let generic = Hints::read("unit tests", &[]);
        assert!(generic.factor("CI") < generic.factor("TST"));
    }
}
