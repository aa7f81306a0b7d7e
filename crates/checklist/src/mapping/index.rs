//! The control index: each control's concepts, title, slug and docs as canonical words, and
//! how rare each word is across the catalogue (rare words say more).

use super::words::{normalise, stemmed_words};

/// Weight of a concept reduced to one word by dropping stopwords.
const WEAKENED: f32 = 0.5;
use std::collections::{HashMap, HashSet};
use vouch_core::ControlMeta;

/// One control, ready to score.
pub struct IndexedControl {
    pub meta: &'static ControlMeta,
    /// Each concept (and the title, which is also a phrase people write) as canonical words,
    /// with the text it came from.
    pub phrases: Vec<Phrase>,
    pub title: HashSet<String>,
    pub slug: HashSet<String>,
    pub doc: HashSet<String>,
}

pub struct Phrase {
    pub words: Vec<String>,
    pub text: &'static str,
    /// 1, or less for a concept that lost words to stopwords ("drop ALL" → "drop"): what is
    /// left is less specific than what the control's author wrote.
    pub weight: f32,
}

pub struct Index {
    pub controls: Vec<IndexedControl>,
    idf: HashMap<String, f32>,
    max_idf: f32,
}

impl Index {
    pub fn build(metas: &[&'static ControlMeta]) -> Index {
        let controls: Vec<IndexedControl> = metas.iter().map(|m| index_control(m)).collect();
        let mut df: HashMap<&str, usize> = HashMap::new();
        for c in &controls {
            let mut seen: HashSet<&str> = HashSet::new();
            let phrase_words = c.phrases.iter().flat_map(|p| p.words.iter());
            for w in phrase_words.chain(&c.title).chain(&c.slug).chain(&c.doc) {
                if seen.insert(w.as_str()) {
                    *df.entry(w.as_str()).or_default() += 1;
                }
            }
        }
        let n = controls.len().max(1) as f32;
        let idf: HashMap<String, f32> = df
            .into_iter()
            .map(|(w, d)| (w.to_string(), (1.0 + n / d as f32).ln()))
            .collect();
        let max_idf = (1.0 + n).ln();
        Index {
            controls,
            idf,
            max_idf,
        }
    }

    /// Rarity of a word across the catalogue; words no control uses get the maximum.
    pub fn idf(&self, word: &str) -> f32 {
        self.idf.get(word).copied().unwrap_or(self.max_idf)
    }
}

fn index_control(meta: &'static ControlMeta) -> IndexedControl {
    let mut phrases: Vec<Phrase> = Vec::new();
    for concept in meta.concepts {
        let words = normalise(concept);
        if !words.is_empty() {
            // Negations ("no hardcoded secrets") keep the concept's meaning when dropped.
            let written = concept
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty() && !matches!(*w, "no" | "not" | "never" | "without"))
                .count();
            let kept = stemmed_words(concept).len();
            let weight = if words.len() == 1 && kept < written {
                WEAKENED
            } else {
                1.0
            };
            // Two concepts can meet in one canonical form; the more specific one counts.
            match phrases.iter_mut().find(|p| p.words == words) {
                Some(existing) if existing.weight < weight => {
                    existing.weight = weight;
                    existing.text = concept;
                }
                Some(_) => {}
                None => phrases.push(Phrase {
                    words,
                    text: concept,
                    weight,
                }),
            }
        }
    }
    IndexedControl {
        meta,
        phrases,
        title: normalise(meta.title).into_iter().collect(),
        slug: normalise(&meta.slug.replace('_', " "))
            .into_iter()
            .collect(),
        doc: normalise(doc_summary(meta.doc)).into_iter().collect(),
    }
}

/// The doc's "What it checks" section: the rest (examples, references) is mostly code and
/// names that would match unrelated items.
fn doc_summary(doc: &str) -> &str {
    let start = doc
        .find("## What it checks")
        .map_or(0, |i| i + "## What it checks".len());
    let rest = &doc[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    &rest[..end]
}
