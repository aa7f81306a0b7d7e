//! The synonym and abbreviation table (`synonyms.txt`): every variant phrase is rewritten to
//! one canonical word, in items and in the control index alike.

use super::words::stemmed_words;
use std::collections::HashMap;
use std::sync::OnceLock;

/// A variant phrase and the canonical words it becomes.
type Entry = (Vec<String>, Vec<String>);

/// Variant phrases by their first word, longest first.
pub struct Table {
    by_first: HashMap<String, Vec<Entry>>,
}

impl Table {
    /// Parses `canonical = variant | variant` lines; lines starting with `#` are comments.
    fn parse(source: &str) -> Table {
        let mut by_first: HashMap<String, Vec<Entry>> = HashMap::new();
        for line in source.lines() {
            let line = line.trim();
            if line.starts_with('#') {
                continue;
            }
            let Some((canonical, variants)) = line.split_once('=') else {
                continue;
            };
            let canonical: Vec<String> = canonical.split_whitespace().map(str::to_string).collect();
            if canonical.is_empty() {
                continue;
            }
            for variant in variants.split('|') {
                let words = stemmed_words(variant);
                if collapses(variant, &words) {
                    continue;
                }
                if let Some(first) = words.first() {
                    by_first
                        .entry(first.clone())
                        .or_default()
                        .push((words, canonical.clone()));
                }
            }
        }
        for entries in by_first.values_mut() {
            entries.sort_by_key(|e| std::cmp::Reverse(e.0.len()));
        }
        Table { by_first }
    }

    /// Rewrites every variant (longest match first, left to right) to its canonical words.
    /// A variant of two or more words may match with one extra word inside it ("hardcoded
    /// postgres password"); the extra word is kept after the canonical words.
    pub fn rewrite(&self, words: &[String]) -> Vec<String> {
        let mut out = Vec::with_capacity(words.len());
        let mut i = 0;
        while i < words.len() {
            let entries = self
                .by_first
                .get(&words[i])
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let exact = entries
                .iter()
                .find(|(variant, _)| words[i..].starts_with(variant));
            if let Some((variant, canonical)) = exact {
                out.extend(canonical.iter().cloned());
                i += variant.len();
                continue;
            }
            let gapped = entries
                .iter()
                .filter(|(variant, _)| variant.len() >= 2)
                .find_map(|(variant, canonical)| {
                    // The extra word must not start a phrase of its own ("run non root" is
                    // "run" + "non root", not "run … root").
                    gap_position(&words[i..], variant)
                        .filter(|gap| !self.starts_variant(&words[i + gap..]))
                        .map(|gap| (variant, canonical, gap))
                });
            match gapped {
                Some((variant, canonical, gap)) => {
                    out.extend(canonical.iter().cloned());
                    out.push(words[i + gap].clone());
                    i += variant.len() + 1;
                }
                None => {
                    out.push(words[i].clone());
                    i += 1;
                }
            }
        }
        out
    }
}

impl Table {
    /// Whether a phrase of two or more words matches exactly at the start of `words`.
    fn starts_variant(&self, words: &[String]) -> bool {
        words.first().is_some_and(|first| {
            self.by_first.get(first).is_some_and(|entries| {
                entries
                    .iter()
                    .any(|(v, _)| v.len() >= 2 && words.starts_with(v))
            })
        })
    }
}

/// A variant that loses words to stopwords and keeps only one ("from image" → "image") would
/// rewrite that one word everywhere; such variants are ignored (and a test keeps them out of
/// the table).
fn collapses(variant: &str, words: &[String]) -> bool {
    // Negations ("no downtime") keep the meaning when dropped.
    let written = variant
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| {
            !w.is_empty()
                && !matches!(
                    w.to_lowercase().as_str(),
                    "no" | "not" | "never" | "without"
                )
        })
        .count();
    words.len() == 1 && written > 1
}

/// Where one extra word sits when `variant` matches the start of `words` with one word
/// inserted after its first word or later.
fn gap_position(words: &[String], variant: &[String]) -> Option<usize> {
    if words.len() < variant.len() + 1 {
        return None;
    }
    (1..variant.len()).find(|&gap| {
        words[..gap] == variant[..gap] && words[gap + 1..variant.len() + 1] == variant[gap..]
    })
}

/// The built-in table.
pub fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| Table::parse(include_str!("synonyms.txt")))
}

#[cfg(test)]
mod tests {
    use super::Table;
    use crate::mapping::words::stemmed_words;

    fn words(s: &str) -> Vec<String> {
        stemmed_words(s)
    }

    #[test]
    fn no_variant_in_the_table_collapses_to_one_generic_word() {
        let mut collapsed = Vec::new();
        for line in include_str!("synonyms.txt").lines() {
            if line.trim_start().starts_with('#') {
                continue;
            }
            let Some((_, variants)) = line.split_once('=') else {
                continue;
            };
            for variant in variants.split('|') {
                if super::collapses(variant, &stemmed_words(variant)) {
                    collapsed.push(variant.trim().to_string());
                }
            }
        }
        assert!(collapsed.is_empty(), "variants losing words: {collapsed:?}");
    }

    #[test]
    fn longest_variant_wins_and_other_words_stay() {
        let table = Table::parse("ratelimit = rate limit | rate\nbodylimit = request size limit\n");
        assert_eq!(
            table.rewrite(&words("api rate limit request size limit cors")),
            ["api", "ratelimit", "bodylimit", "cor"]
        );
        assert_eq!(table.rewrite(&words("rates")), ["ratelimit"]);
        assert_eq!(
            table.rewrite(&words("request body size limit")),
            ["bodylimit", "body"]
        );
    }
}
