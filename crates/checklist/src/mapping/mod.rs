//! Item text to controls: an offline, deterministic index over every control's title,
//! concepts and docs, with synonyms, compound items and negative phrasing.
//!
//! The pipeline for one item: strip markup and measured targets ([`text`], [`measurement`]),
//! split compound items ([`compound`]), normalise each part into canonical words ([`words`]),
//! score every control on them ([`score`]) and keep the controls that best explain some of the
//! item's words ([`select`]). Process items and weak matches stay manual.

mod compound;
mod domain;
mod index;
mod measurement;
mod negative;
mod process;
mod scope;
mod score;
mod select;
mod stem;
mod synonyms;
mod text;
mod words;

use index::Index;
use serde::Serialize;
use vouch_core::ControlMeta;

pub use compound::split_compound;
pub use negative::is_negative;
pub use scope::extract_scope;
pub use words::normalise;

/// Maps checklist items to the controls that can prove them.
pub struct Mapper {
    index: Index,
}

/// The controls one checklist item names, and how sure the mapper is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mapping {
    /// Controls the item names; ALL must pass for the item to be done. Empty → manual.
    pub controls: Vec<MappedControl>,
    /// Overall confidence 0..=1 (the weakest control's confidence, or 0 when manual).
    pub confidence: f32,
    /// Paths or components the item narrows the evidence to ("payments" for "in the payments
    /// adapter", "docker-compose.yml", "services/ledger"): lower-case words/paths as written.
    pub scope: Vec<String>,
    /// The item is phrased as removing/fixing a problem ("Remove hardcoded credentials",
    /// "Fix SQL injection"): done when the control passes, same as positive phrasing.
    pub negative: bool,
    /// Why the item is manual (no control, confidence below threshold, process-only item).
    pub manual_reason: Option<String>,
}

/// One control an item maps to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MappedControl {
    pub id: &'static str,
    /// 0..=1; at least [`Mapper::THRESHOLD`] for every mapped control.
    pub confidence: f32,
    /// The control's concepts and title words the item matched, as the control writes them.
    pub matched: Vec<String>,
}

impl Mapper {
    /// Confidence below which a control is not mapped.
    pub const THRESHOLD: f32 = 0.5;

    /// Index over the given controls' title, concepts, slug and docs.
    pub fn new(controls: &[&'static ControlMeta]) -> Mapper {
        Mapper {
            index: Index::build(controls),
        }
    }

    /// Every registered control (vouch_checks::registry).
    pub fn standard() -> Mapper {
        let metas: Vec<&'static ControlMeta> = vouch_checks::registry::all_checks()
            .into_iter()
            .map(|c| c.meta())
            .collect();
        Mapper::new(&metas)
    }

    /// Maps one item. `section` is the heading path (context words may help, with less weight).
    pub fn map(&self, text: &str, section: &[String]) -> Mapping {
        let plain = text::strip_markup(text);
        let scope = scope::extract_scope(&plain);
        let negative = negative::is_negative(&plain);
        let measured = measurement::find_runtime_targets(&plain);
        let checkable = measurement::without_targets(&plain, &measured);
        let process = process::is_process_item(&checkable);
        let hints = domain::Hints::read(&checkable, section);

        let mut chosen: Vec<MappedControl> = Vec::new();
        // People and process work is manual even when it names a technical thing.
        let parts = if process {
            Vec::new()
        } else {
            compound::split_compound(&checkable)
        };
        for part in parts {
            let words = words::normalise(&part);
            let scored = score::score_all(&self.index, &words, &hints);
            for pick in select::select(&scored) {
                merge(&mut chosen, pick);
            }
        }
        chosen.sort_by(|a, b| a.id.cmp(b.id));

        if chosen.is_empty() {
            let reason = manual_reason(process, &measured);
            return Mapping {
                controls: Vec::new(),
                confidence: 0.0,
                scope,
                negative,
                manual_reason: Some(reason),
            };
        }
        let confidence = chosen.iter().map(|c| c.confidence).fold(1.0_f32, f32::min);
        Mapping {
            controls: chosen,
            confidence,
            scope,
            negative,
            manual_reason: None,
        }
    }
}

/// Adds a control picked for one part of a compound item; a control named twice keeps its
/// best confidence and all its matched words.
fn merge(chosen: &mut Vec<MappedControl>, pick: MappedControl) {
    match chosen.iter_mut().find(|c| c.id == pick.id) {
        Some(existing) => {
            existing.confidence = existing.confidence.max(pick.confidence);
            for word in pick.matched {
                if !existing.matched.contains(&word) {
                    existing.matched.push(word);
                }
            }
        }
        None => chosen.push(pick),
    }
}

fn manual_reason(process: bool, measured: &[String]) -> String {
    if !measured.is_empty() {
        format!(
            "numeric target ({}) needs a measurement; no control measures it",
            measured.join("; ")
        )
    } else if process {
        "process item: needs a person's sign-off".to_string()
    } else {
        format!(
            "no control matches with confidence at least {}",
            Mapper::THRESHOLD
        )
    }
}
