//! Picks the controls an item names from the scored candidates.
//!
//! A candidate needs evidence (a whole concept, or half its title) and a score above the
//! threshold. Best first, it is kept when it explains item words better than the controls
//! already kept, or when it scores about as well as a kept control on shared words (the item
//! then names both). Finally a kept control is dropped when the others explain each of its
//! words at least as well and something better: it was a weaker reading of the same words.

use super::MappedControl;
use super::domain::is_hint_word;
use super::score::Scored;
use std::collections::BTreeMap;

/// Score at which a control is mapped (confidence 0.5).
pub const MIN_SCORE: f32 = 3.0;
/// Concept/title/slug score a control needs on its own words (docs alone never map).
const MIN_KEY_SCORE: f32 = 2.2;
/// Share of a title's naming words that counts as evidence without a whole concept.
const MIN_TITLE_COVERAGE: f32 = 0.5;
/// Title words the item must share for title evidence (one shared word is a coincidence).
const MIN_TITLE_WORDS: usize = 2;
/// A control within this share of a kept control's score on shared words is a tie.
const TIE: f32 = 0.85;
/// Credit within this share of another control's credit on a word is "as good".
const AS_GOOD: f32 = 0.95;
/// Credit beyond this multiple of another control's credit on a word is "better".
const BETTER: f32 = 1.05;

pub fn select(scored: &[Scored<'_>]) -> Vec<MappedControl> {
    let only_place_words = scored.iter().flat_map(|s| s.key_words()).all(is_hint_word);
    let counts = |w: &str| only_place_words || !is_hint_word(w);

    let mut kept: Vec<&Scored<'_>> = Vec::new();
    for cand in scored {
        let evidence = cand.full_concept
            || (only_place_words && cand.full_place_concept)
            || (cand.title_coverage >= MIN_TITLE_COVERAGE && cand.title_words >= MIN_TITLE_WORDS);
        if !evidence || cand.score() < MIN_SCORE || cand.key_score() < MIN_KEY_SCORE {
            continue;
        }
        let best = best_credit(&kept, None);
        let fresh = |credits: &BTreeMap<String, f32>| -> f32 {
            credits
                .iter()
                .filter(|(w, c)| {
                    counts(w) && best.get(w.as_str()).is_none_or(|b| **c > b / AS_GOOD)
                })
                .map(|(_, c)| c)
                .sum()
        };
        let fresh_key = fresh(&cand.key_credit);
        let fresh_doc = fresh(&cand.doc_credit);
        let explains_more = fresh_key >= MIN_KEY_SCORE && fresh_key + fresh_doc >= MIN_SCORE;
        let ties = kept.iter().any(|k| {
            cand.score() >= TIE * k.score()
                && cand
                    .key_words()
                    .any(|w| counts(w) && k.key_credit.contains_key(w))
        });
        if explains_more || ties {
            kept.push(cand);
        }
    }
    prune(&mut kept, &counts);
    kept.iter()
        .map(|s| MappedControl {
            id: s.control.meta.id,
            confidence: confidence(s.score()),
            matched: s.matched.clone(),
            parts: Vec::new(),
        })
        .collect()
}

/// Drops, weakest first, each control whose words the other kept controls explain at least as
/// well, with at least one word explained better or a stronger control overall.
fn prune(kept: &mut Vec<&Scored<'_>>, counts: &dyn Fn(&str) -> bool) {
    let mut i = kept.len();
    while i > 0 {
        i -= 1;
        let cand = kept[i];
        let others = best_credit(kept, Some(i));
        let words: Vec<(&str, f32)> = cand
            .key_credit
            .iter()
            .filter(|(w, _)| counts(w))
            .map(|(w, c)| (w.as_str(), *c))
            .collect();
        let covered = !words.is_empty()
            && words
                .iter()
                .all(|(w, c)| others.get(w).is_some_and(|b| *b >= AS_GOOD * c));
        let better_somewhere = words
            .iter()
            .any(|(w, c)| others.get(w).is_some_and(|b| *b > BETTER * c));
        let stronger_cover = kept.iter().enumerate().any(|(j, k)| {
            j != i
                && k.score() > BETTER * cand.score()
                && words.iter().all(|(w, _)| k.key_credit.contains_key(*w))
        });
        if covered && (better_somewhere || stronger_cover) {
            kept.remove(i);
        }
    }
}

/// The best key credit per word among the kept controls (skipping index `skip`).
fn best_credit<'s>(kept: &[&'s Scored<'_>], skip: Option<usize>) -> BTreeMap<&'s str, f32> {
    let mut best: BTreeMap<&str, f32> = BTreeMap::new();
    for (j, k) in kept.iter().enumerate() {
        if Some(j) == skip {
            continue;
        }
        for (w, c) in &k.key_credit {
            let slot = best.entry(w.as_str()).or_insert(0.0);
            *slot = slot.max(*c);
        }
    }
    best
}

/// 0.5 at the mapping threshold, approaching 1 for strong matches.
fn confidence(score: f32) -> f32 {
    score / (score + MIN_SCORE)
}
