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
    /// Static checks and live probes (`HTTP`). The two are selected apart, so a probe is
    /// added next to the static control for the same claim instead of competing with it.
    index: Index,
    /// Load gates (`LOAD`): mapped from a measured target's metric, never from words alone
    /// (without a number a gate has nothing to judge).
    load: Vec<&'static str>,
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
    /// Which parts of a compound item named it (0-based): controls sharing a part are
    /// evidence for the same claim. Empty for a measured target's load gate.
    pub parts: Vec<usize>,
}

/// Confidence of a runtime target mapped to its load gate: a fixed rule, not a word match.
const MEASURED_CONFIDENCE: f32 = 0.9;

impl Mapper {
    /// Confidence below which a control is not mapped.
    pub const THRESHOLD: f32 = 0.5;
    /// A live probe joins a mapping only on a clearer match: a wrong probe would hold back
    /// (or fail) an item its static controls prove, so a weak word overlap ("`.env`" in
    /// "commit no .env files" against "exposed .env") is not enough.
    pub const LIVE_THRESHOLD: f32 = 0.58;

    /// Index over the given controls' title, concepts, slug and docs.
    pub fn new(controls: &[&'static ControlMeta]) -> Mapper {
        let of = |domain: &str| -> Vec<&'static ControlMeta> {
            controls
                .iter()
                .copied()
                .filter(|m| m.domain() == domain)
                .collect()
        };
        let scored: Vec<&'static ControlMeta> = controls
            .iter()
            .copied()
            .filter(|m| m.domain() != "LOAD")
            .collect();
        Mapper {
            index: Index::build(&scored),
            load: of("LOAD").into_iter().map(|m| m.id).collect(),
        }
    }

    /// Every control vouch knows: the static checks, the live HTTP probes and the LOAD gates.
    pub fn standard() -> Mapper {
        Mapper::new(&catalogue())
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
        for (n, part) in parts.iter().enumerate() {
            let words = words::normalise(part);
            let (live, fixed): (Vec<_>, Vec<_>) = score::score_all(&self.index, &words, &hints)
                .into_iter()
                .partition(|s| s.control.meta.domain() == "HTTP");
            let picks = select::select(&fixed).into_iter().chain(
                select::select(&live)
                    .into_iter()
                    .filter(|p| p.confidence >= Mapper::LIVE_THRESHOLD),
            );
            for mut pick in picks {
                pick.parts = vec![n];
                merge(&mut chosen, pick);
            }
        }
        // A measured target ("p95 latency < 100ms") is proved by the load gate for its metric.
        for target in measured.iter().filter(|_| !process) {
            if let Some(id) = measurement::load_control_for(target)
                && let Some(id) = self.load.iter().copied().find(|known| *known == id)
            {
                merge(
                    &mut chosen,
                    MappedControl {
                        id,
                        confidence: MEASURED_CONFIDENCE,
                        matched: vec![target.clone()],
                        parts: Vec::new(),
                    },
                );
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

/// Static checks, then live probes, then the load gates (as `vouch controls` lists them).
pub fn catalogue() -> Vec<&'static ControlMeta> {
    vouch_checks::registry::all_checks()
        .into_iter()
        .map(|c| c.meta())
        .chain(vouch_probes::all_probes().into_iter().map(|p| p.meta()))
        .chain(vouch_load::controls::ALL.iter().copied())
        .collect()
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
            for part in pick.parts {
                if !existing.parts.contains(&part) {
                    existing.parts.push(part);
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
