//! How an item is to be verified: which controls must pass, where the evidence may come from
//! (the scope), and why an item is left to a person.
//!
//! Precedence: the item's own `<!-- vouch: IDs -->` comment, then the `[checklist.map]` table
//! of vouch.toml, then the mapper. Numeric targets need a measurement: unless the item is
//! mapped explicitly, an item with a target stays manual until a probe supplies one.

use crate::model::{Item, Target};
use serde::Serialize;
use std::collections::BTreeMap;

/// Where an item's controls came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MappingSource {
    /// `<!-- vouch: IDs -->` on the item.
    Explicit,
    /// `[checklist.map]` in vouch.toml.
    Config,
    /// The offline mapper.
    Mapper,
    /// No control applies.
    None,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PlannedControl {
    pub id: String,
    /// The item's words that led to this control (empty for explicit mappings).
    pub matched: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ItemPlan {
    pub source: MappingSource,
    /// Every one must pass for the item to be done.
    pub controls: Vec<PlannedControl>,
    /// 1.0 for explicit mappings; the mapper's confidence otherwise.
    pub confidence: f64,
    /// Words naming a path or component ("reports", "docker-compose.yml"): only findings in
    /// paths containing one of them count.
    pub scope: Vec<String>,
    /// Set when the item is left to a person: the reason shown.
    pub manual_reason: Option<String>,
}

/// What the mapper proposed for an item, in the verdict's terms.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapperProposal {
    pub controls: Vec<PlannedControl>,
    pub confidence: f64,
    pub scope: Vec<String>,
    pub manual_reason: Option<String>,
}

/// Whether live measurements are available for numeric targets (`--url` with probes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measurements {
    /// No `--url` given.
    None,
    /// `--url` given, but no probe measures targets yet.
    UrlWithoutProbes,
}

/// Decides how `item` is verified. `config_map` is `[checklist.map]` (item ID → control IDs);
/// `proposal` is the mapper's answer for the item's text and section.
pub fn plan_item(
    item: &Item,
    config_map: &BTreeMap<String, Vec<String>>,
    proposal: MapperProposal,
    measurements: Measurements,
) -> ItemPlan {
    let pinned = if !item.explicit_controls.is_empty() {
        Some((MappingSource::Explicit, item.explicit_controls.clone()))
    } else {
        config_ids(config_map, &item.id).map(|ids| (MappingSource::Config, ids))
    };
    if let Some((source, ids)) = pinned {
        return ItemPlan {
            source,
            controls: dedup(ids)
                .into_iter()
                .map(|id| PlannedControl {
                    id,
                    matched: Vec::new(),
                })
                .collect(),
            confidence: 1.0,
            scope: proposal.scope,
            manual_reason: None,
        };
    }
    if let Some(target) = item.targets.first() {
        return ItemPlan {
            source: if proposal.controls.is_empty() {
                MappingSource::None
            } else {
                MappingSource::Mapper
            },
            controls: Vec::new(),
            confidence: proposal.confidence,
            scope: proposal.scope,
            manual_reason: Some(target_reason(target, measurements)),
        };
    }
    if proposal.controls.is_empty() || proposal.manual_reason.is_some() {
        let reason = proposal
            .manual_reason
            .unwrap_or_else(|| "no automatic control covers this item".to_string());
        return ItemPlan {
            source: MappingSource::None,
            controls: Vec::new(),
            confidence: proposal.confidence,
            scope: proposal.scope,
            manual_reason: Some(reason),
        };
    }
    ItemPlan {
        source: MappingSource::Mapper,
        controls: proposal.controls,
        confidence: proposal.confidence,
        scope: proposal.scope,
        manual_reason: None,
    }
}

/// The `[checklist.map]` entry for an item ID; IDs compare case-insensitively since teams
/// write `la-010` and `LA-010` for the same item.
fn config_ids(config_map: &BTreeMap<String, Vec<String>>, item_id: &str) -> Option<Vec<String>> {
    config_map
        .iter()
        .find(|(key, ids)| key.eq_ignore_ascii_case(item_id) && !ids.is_empty())
        .map(|(_, ids)| {
            ids.iter()
                .map(|id| id.trim().to_ascii_uppercase())
                .collect()
        })
}

fn dedup(ids: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        let id = id.trim().to_ascii_uppercase();
        if !id.is_empty() && !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

fn target_reason(target: &Target, measurements: Measurements) -> String {
    match measurements {
        Measurements::None => format!(
            "numeric target `{}` needs a live measurement (run with --url once probes exist); check it by hand",
            target.text
        ),
        Measurements::UrlWithoutProbes => format!(
            "numeric target `{}` needs a live measurement; vouch has no probe for it yet, so check it by hand",
            target.text
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Comparison, ItemKind, Status};

    fn item(text: &str) -> Item {
        Item {
            line: 3,
            id: "LA-010".into(),
            id_in_doc: true,
            text: text.into(),
            section: vec!["Security".into()],
            kind: ItemKind::Task,
            depth: 0,
            status: Status::Open,
            priority: None,
            effort: None,
            owner: None,
            targets: Vec::new(),
            explicit_controls: Vec::new(),
        }
    }

    fn proposal(ids: &[&str]) -> MapperProposal {
        MapperProposal {
            controls: ids
                .iter()
                .map(|id| PlannedControl {
                    id: id.to_string(),
                    matched: vec!["rate limit".into()],
                })
                .collect(),
            confidence: 0.7,
            scope: vec!["reports".into()],
            manual_reason: None,
        }
    }

    #[test]
    fn explicit_comment_wins_over_config_and_mapper_and_keeps_the_scope() {
        let mut it = item("Throttle clients");
        it.explicit_controls = vec!["code020".into(), "CODE020".into(), "CODE021".into()];
        let config = BTreeMap::from([("LA-010".to_string(), vec!["CMP001".to_string()])]);
        let plan = plan_item(&it, &config, proposal(&["CODE002"]), Measurements::None);
        assert_eq!(plan.source, MappingSource::Explicit);
        let ids: Vec<_> = plan.controls.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["CODE020", "CODE021"]);
        assert_eq!(plan.confidence, 1.0);
        assert_eq!(plan.scope, ["reports"]);
    }

    #[test]
    fn config_table_wins_over_the_mapper_case_insensitively() {
        let config = BTreeMap::from([("la-010".to_string(), vec!["cmp001".to_string()])]);
        let plan = plan_item(
            &item("Throttle clients"),
            &config,
            proposal(&["CODE002"]),
            Measurements::None,
        );
        assert_eq!(plan.source, MappingSource::Config);
        assert_eq!(plan.controls[0].id, "CMP001");
    }

    #[test]
    fn numeric_target_without_measurement_is_manual_with_the_target_shown() {
        let mut it = item("p95 latency < 100ms");
        it.targets = vec![Target {
            metric: "latency_p95".into(),
            comparison: Comparison::Lt,
            value: 100.0,
            unit: "ms".into(),
            text: "p95 latency < 100ms".into(),
        }];
        let plan = plan_item(
            &it,
            &BTreeMap::new(),
            proposal(&["CI017"]),
            Measurements::UrlWithoutProbes,
        );
        assert!(plan.controls.is_empty());
        let reason = plan.manual_reason.unwrap();
        assert!(reason.contains("`p95 latency < 100ms`"), "{reason}");
        assert!(reason.contains("no probe"), "{reason}");
    }

    #[test]
    fn mapper_below_threshold_is_manual_with_its_reason() {
        let mut p = proposal(&[]);
        p.manual_reason = Some("no control matches well enough".into());
        let plan = plan_item(&item("Buy cake"), &BTreeMap::new(), p, Measurements::None);
        assert_eq!(plan.source, MappingSource::None);
        assert_eq!(
            plan.manual_reason.as_deref(),
            Some("no control matches well enough")
        );
    }

    #[test]
    fn mapper_controls_are_used_when_nothing_is_pinned() {
        let plan = plan_item(
            &item("Throttle clients"),
            &BTreeMap::new(),
            proposal(&["CODE020", "CODE021"]),
            Measurements::None,
        );
        assert_eq!(plan.source, MappingSource::Mapper);
        assert_eq!(plan.controls.len(), 2);
        assert_eq!(plan.controls[0].matched, ["rate limit"]);
        assert!(plan.manual_reason.is_none());
    }
}
