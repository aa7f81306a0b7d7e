//! Scores every control against an item's canonical words. Each item word earns credit from
//! the control fields it appears in: concepts most (multi-word concepts more than single
//! words), then the title, the slug, and the docs least. Rare words earn more than common ones.
//! Place words taken from the section headings earn half.

use super::domain::{Hints, is_hint_word};
use super::index::{Index, IndexedControl};
use std::collections::{BTreeMap, BTreeSet};

const CONCEPT: f32 = 1.0;
/// Extra weight per additional word of a fully matched multi-word concept.
const PHRASE_BONUS: f32 = 0.35;
/// A multi-word concept with at least half of its weight matched earns this share.
const PARTIAL: f32 = 0.35;
const TITLE: f32 = 0.5;
const SLUG: f32 = 0.3;
const DOC: f32 = 0.15;
/// Weight of a word that comes from the section headings, not the item.
const SECTION_WORD: f32 = 0.5;

/// How well one control explains an item.
pub struct Scored<'a> {
    pub control: &'a IndexedControl,
    /// Credit per item word from concepts, title and slug (domain factor applied).
    pub key_credit: BTreeMap<String, f32>,
    /// Credit per item word from the docs (domain factor applied).
    pub doc_credit: BTreeMap<String, f32>,
    /// The concepts (as the control writes them) and title words that matched.
    pub matched: Vec<String>,
    /// A concept matched in full on words that name something (not only place words).
    pub full_concept: bool,
    /// A concept matched in full, place words allowed ("CI" for "Set up CI").
    pub full_place_concept: bool,
    /// Share of the title's naming words (by rarity) the item has.
    pub title_coverage: f32,
    /// How many of the title's naming words the item has.
    pub title_words: usize,
}

impl Scored<'_> {
    pub fn key_score(&self) -> f32 {
        self.key_credit.values().sum()
    }

    pub fn score(&self) -> f32 {
        self.key_score() + self.doc_credit.values().sum::<f32>()
    }

    /// Words this control explains (not counting doc-only words).
    pub fn key_words(&self) -> impl Iterator<Item = &str> {
        self.key_credit.keys().map(String::as_str)
    }
}

/// Every control with some key credit, best first (ties by ID, for stable output).
pub fn score_all<'a>(index: &'a Index, words: &[String], hints: &Hints) -> Vec<Scored<'a>> {
    let mut weights: BTreeMap<&str, f32> = BTreeMap::new();
    for w in hints.section_words() {
        weights.insert(w.as_str(), SECTION_WORD);
    }
    for w in words {
        weights.insert(w.as_str(), 1.0);
    }
    let mut out: Vec<Scored<'a>> = index
        .controls
        .iter()
        .map(|c| score_one(index, c, &weights, hints.factor(c.meta.domain())))
        .filter(|s| !s.key_credit.is_empty())
        .collect();
    out.sort_by(|a, b| {
        b.score()
            .total_cmp(&a.score())
            .then(a.control.meta.id.cmp(b.control.meta.id))
    });
    out
}

fn score_one<'a>(
    index: &Index,
    control: &'a IndexedControl,
    item: &BTreeMap<&str, f32>,
    factor: f32,
) -> Scored<'a> {
    let mut key: BTreeMap<String, f32> = BTreeMap::new();
    let mut matched: Vec<String> = Vec::new();
    let mut full_concept = false;
    let mut full_place_concept = false;

    // Concepts: a phrase's score is shared among its matched words; each word keeps the best
    // share any phrase gives it, so two concepts over the same word do not count twice.
    let mut concept_credit: BTreeMap<&str, f32> = BTreeMap::new();
    for phrase in &control.phrases {
        let hits: Vec<&str> = phrase
            .words
            .iter()
            .map(String::as_str)
            .filter(|w| item.contains_key(w))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if hits.is_empty() {
            continue;
        }
        let total: f32 = phrase.words.iter().map(|w| index.idf(w)).sum();
        let hit_weight: f32 = hits.iter().map(|w| index.idf(w)).sum();
        let full = hits.len() == unique_len(&phrase.words);
        let phrase_score = if full {
            hit_weight * CONCEPT * phrase.weight * (1.0 + PHRASE_BONUS * (hits.len() as f32 - 1.0))
        } else if phrase.words.len() >= 2 && hit_weight >= 0.5 * total {
            hit_weight * CONCEPT * PARTIAL
        } else {
            continue;
        };
        if full {
            matched.push(phrase.text.to_string());
            let names_something = hits.iter().any(|w| !is_hint_word(w) && item[w] >= 1.0);
            full_concept |= names_something && phrase.weight >= 1.0;
            full_place_concept |= phrase.weight >= 1.0;
        }
        for w in &hits {
            let share = phrase_score * index.idf(w) / hit_weight;
            let slot = concept_credit.entry(w).or_insert(0.0);
            *slot = slot.max(share);
        }
    }
    for (w, c) in concept_credit {
        *key.entry(w.to_string()).or_default() += c;
    }

    for w in item.keys() {
        let mut extra = 0.0;
        if control.title.contains(*w) {
            extra += TITLE * index.idf(w);
            matched.push((*w).to_string());
        }
        if control.slug.contains(*w) {
            extra += SLUG * index.idf(w);
        }
        if extra > 0.0 {
            *key.entry((*w).to_string()).or_default() += extra;
        }
    }

    let mut doc: BTreeMap<String, f32> = BTreeMap::new();
    for (w, weight) in item {
        if control.doc.contains(*w) {
            doc.insert((*w).to_string(), DOC * index.idf(w) * factor * weight);
        }
    }
    for (w, v) in key.iter_mut() {
        *v *= factor * item[w.as_str()];
    }
    matched.dedup();
    let (title_coverage, title_words) = title_coverage(index, control, item);
    Scored {
        control,
        full_place_concept,
        title_coverage,
        title_words,
        key_credit: key,
        doc_credit: doc,
        matched,
        full_concept,
    }
}

/// Share (by rarity) and count of the title's naming words the item has.
fn title_coverage(
    index: &Index,
    control: &IndexedControl,
    item: &BTreeMap<&str, f32>,
) -> (f32, usize) {
    let naming: Vec<&String> = control.title.iter().filter(|w| !is_hint_word(w)).collect();
    let total: f32 = naming.iter().map(|w| index.idf(w)).sum();
    if total == 0.0 {
        return (0.0, 0);
    }
    let hits: Vec<&&String> = naming
        .iter()
        .filter(|w| item.get(w.as_str()).is_some_and(|&x| x >= 1.0))
        .collect();
    let hit: f32 = hits.iter().map(|w| index.idf(w)).sum();
    (hit / total, hits.len())
}

fn unique_len(words: &[String]) -> usize {
    words.iter().collect::<BTreeSet<_>>().len()
}
