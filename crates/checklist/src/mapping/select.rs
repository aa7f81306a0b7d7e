//! Picks the controls an item names from the scored candidates. A control is kept when it
//! explains item words no better control already explains, or when it explains the same words
//! about as well as a kept control (the item then names both, e.g. "non-root" for the image
//! and the pod). Everything else is a weaker reading of words already explained.

use super::MappedControl;
use super::score::Scored;
use std::collections::BTreeSet;

/// Score at which a control is mapped (confidence 0.5).
pub const MIN_SCORE: f32 = 3.0;
/// Concept/title/slug score a control needs on its own words (docs alone never map).
const MIN_KEY_SCORE: f32 = 2.2;
/// A control within this share of a kept control's score on shared words is a tie.
const TIE: f32 = 0.85;
/// Process items (meetings, notifications) need a much stronger match.
const PROCESS_FACTOR: f32 = 2.0;

pub fn select(scored: &[Scored<'_>], process: bool) -> Vec<MappedControl> {
    let factor = if process { PROCESS_FACTOR } else { 1.0 };
    let min_score = MIN_SCORE * factor;
    let min_key = MIN_KEY_SCORE * factor;

    let mut kept: Vec<&Scored<'_>> = Vec::new();
    let mut covered: BTreeSet<&str> = BTreeSet::new();
    for cand in scored {
        if cand.score() < min_score || cand.key_score() < min_key {
            continue;
        }
        let fresh_key: f32 = cand
            .key_credit
            .iter()
            .filter(|(w, _)| !covered.contains(w.as_str()))
            .map(|(_, c)| c)
            .sum();
        let fresh_doc: f32 = cand
            .doc_credit
            .iter()
            .filter(|(w, _)| !covered.contains(w.as_str()))
            .map(|(_, c)| c)
            .sum();
        let explains_more = fresh_key >= min_key && fresh_key + fresh_doc >= min_score;
        let ties = kept.iter().any(|k| {
            cand.score() >= TIE * k.score() && !cand.key_words().is_disjoint(&k.key_words())
        });
        if explains_more || ties {
            covered.extend(cand.key_words());
            kept.push(cand);
        }
    }
    kept.iter()
        .map(|s| MappedControl {
            id: s.control.meta.id,
            confidence: confidence(s.score()),
            matched: s.matched.clone(),
        })
        .collect()
}

/// 0.5 at the mapping threshold, approaching 1 for strong matches.
fn confidence(score: f32) -> f32 {
    score / (score + MIN_SCORE)
}
