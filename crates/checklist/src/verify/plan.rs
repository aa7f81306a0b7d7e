//! How an item is to be verified: which controls must pass, where the evidence may come from
//! (the scope), and why an item is left to a person.
//!
//! Precedence: the item's own `<!-- vouch: IDs -->` comment, then the `[checklist.map]` table
//! of vouch.toml, then the mapper.
//!
//! Live controls (HTTP probes, LOAD gates) need the running service:
//! - With `--url` they are planned like any control; numeric runtime targets (p95/p99
//!   latency, error rate, throughput) are judged by the LOAD control for their metric against
//!   one load run. Targets no load run measures (coverage, uptime, RTO) stay manual.
//! - Without `--url` they are left out of the plan and listed in `live_not_checked`: the item
//!   is judged on its static controls alone, and when it has none (it is only about live
//!   behaviour, or has a numeric runtime target) it is manual with a reason that says
//!   `--url` would check it. Static evidence never makes a live-only item done.

use super::measure::{is_live_control, is_load_control, is_load_metric, load_control};
use crate::model::{Item, Target};
use serde::Serialize;
use std::collections::BTreeMap;

/// Where an item's controls came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MappingSource {
    /// `<!-- vouch: IDs -->` on the item.
    Explicit,
    /// `[checklist.map]` in vouch.toml.
    Config,
    /// The offline mapper.
    Mapper,
    /// No control applies.
    #[default]
    None,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlannedControl {
    pub id: String,
    /// The item's words that led to this control (empty for explicit mappings).
    pub matched: Vec<String>,
    /// The parts of a compound item that named it (mapper only): a live control that decides
    /// speaks for the static controls of the same part that cannot.
    pub parts: Vec<usize>,
}

#[derive(Clone, Debug, Default, PartialEq)]
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
    /// Numeric targets the load run must measure (judged by the LOAD controls in `controls`).
    pub measure: Vec<Target>,
    /// Live controls the item names that were not run because no `--url` was given.
    pub live_not_checked: Vec<String>,
}

/// What the mapper proposed for an item, in the verdict's terms.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapperProposal {
    pub controls: Vec<PlannedControl>,
    pub confidence: f64,
    pub scope: Vec<String>,
    pub manual_reason: Option<String>,
}

/// Whether the running service can be checked (`--url`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measurements {
    /// No `--url` given: live controls are not run.
    None,
    /// `--url` given: probes and a load run answer the live controls.
    Live,
}

/// Decides how `item` is verified. `config_map` is `[checklist.map]` (item ID → control IDs);
/// `proposal` is the mapper's answer for the item's text and section.
pub fn plan_item(
    item: &Item,
    config_map: &BTreeMap<String, Vec<String>>,
    proposal: MapperProposal,
    measurements: Measurements,
) -> ItemPlan {
    let live = measurements == Measurements::Live;
    let load_targets: Vec<Target> = item
        .targets
        .iter()
        .filter(|t| is_load_metric(&t.metric))
        .cloned()
        .collect();
    let pinned = if !item.explicit_controls.is_empty() {
        Some((MappingSource::Explicit, item.explicit_controls.clone()))
    } else {
        config_ids(config_map, &item.id).map(|ids| (MappingSource::Config, ids))
    };
    if let Some((source, ids)) = pinned {
        let controls: Vec<PlannedControl> = dedup(ids)
            .into_iter()
            .map(|id| PlannedControl {
                id,
                ..PlannedControl::default()
            })
            .collect();
        let measure = if controls.iter().any(|c| is_load_control(&c.id)) {
            load_targets
        } else {
            Vec::new()
        };
        let plan = ItemPlan {
            source,
            controls,
            confidence: 1.0,
            scope: proposal.scope,
            measure,
            ..ItemPlan::default()
        };
        return without_live_unless(live, plan);
    }
    if !item.targets.is_empty() {
        return plan_targets(item, proposal, load_targets, live);
    }
    if proposal.controls.is_empty() || proposal.manual_reason.is_some() {
        return manual(proposal, None);
    }
    // A LOAD gate needs a number to compare with; an item without one gives it nothing.
    let (load, controls): (Vec<_>, Vec<_>) = proposal
        .controls
        .iter()
        .cloned()
        .partition(|c| is_load_control(&c.id));
    if controls.is_empty() {
        let ids: Vec<&str> = load.iter().map(|c| c.id.as_str()).collect();
        let reason = format!(
            "names a load measurement ({}) but no numeric target to compare it with; check it by hand",
            ids.join(", ")
        );
        return manual(proposal, Some(reason));
    }
    let plan = ItemPlan {
        source: MappingSource::Mapper,
        controls,
        confidence: proposal.confidence,
        scope: proposal.scope,
        ..ItemPlan::default()
    };
    without_live_unless(live, plan)
}

/// An item with numeric targets: measured by the load run when every target is one a load
/// run measures and `--url` is given; manual otherwise, with the target shown.
fn plan_targets(
    item: &Item,
    proposal: MapperProposal,
    load_targets: Vec<Target>,
    live: bool,
) -> ItemPlan {
    let source = if proposal.controls.is_empty() {
        MappingSource::None
    } else {
        MappingSource::Mapper
    };
    if let Some(other) = item.targets.iter().find(|t| !is_load_metric(&t.metric)) {
        let reason = format!(
            "numeric target `{}` is not something a load run measures; check it by hand",
            other.text
        );
        return ItemPlan {
            source,
            ..manual(proposal, Some(reason))
        };
    }
    let load_ids = dedup(
        load_targets
            .iter()
            .filter_map(|t| load_control(&t.metric))
            .map(str::to_string)
            .collect(),
    );
    if !live {
        let reason = format!(
            "numeric target `{}` needs a live measurement: run with --url to measure it",
            load_targets[0].text
        );
        return ItemPlan {
            source,
            live_not_checked: load_ids,
            ..manual(proposal, Some(reason))
        };
    }
    // The item's other words may name controls too ("rate limited, p95 < 100ms").
    let mut controls: Vec<PlannedControl> = proposal
        .controls
        .iter()
        .filter(|c| proposal.manual_reason.is_none() && !is_load_control(&c.id))
        .cloned()
        .collect();
    for id in load_ids {
        let matched = load_targets
            .iter()
            .filter(|t| load_control(&t.metric) == Some(id.as_str()))
            .map(|t| t.text.clone())
            .collect();
        controls.push(PlannedControl {
            id,
            matched,
            parts: Vec::new(),
        });
    }
    ItemPlan {
        source: MappingSource::Mapper,
        controls,
        confidence: if proposal.controls.is_empty() {
            1.0
        } else {
            proposal.confidence
        },
        scope: proposal.scope,
        measure: load_targets,
        ..ItemPlan::default()
    }
}

/// Without `--url`, live controls leave the plan (listed as not checked); an item left with
/// no control is manual.
fn without_live_unless(live: bool, mut plan: ItemPlan) -> ItemPlan {
    if live {
        return plan;
    }
    let (live_ids, controls): (Vec<_>, Vec<_>) = plan
        .controls
        .into_iter()
        .partition(|c| is_live_control(&c.id));
    plan.controls = controls;
    plan.live_not_checked = live_ids.into_iter().map(|c| c.id).collect();
    plan.measure.clear();
    if plan.controls.is_empty() && !plan.live_not_checked.is_empty() {
        plan.manual_reason = Some(format!(
            "about the running service ({}): run with --url to check it",
            plan.live_not_checked.join(", ")
        ));
    }
    plan
}

fn manual(proposal: MapperProposal, reason: Option<String>) -> ItemPlan {
    let reason = reason
        .or(proposal.manual_reason)
        .unwrap_or_else(|| "no automatic control covers this item".to_string());
    ItemPlan {
        source: MappingSource::None,
        confidence: proposal.confidence,
        scope: proposal.scope,
        manual_reason: Some(reason),
        ..ItemPlan::default()
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
                    parts: vec![0],
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

    fn p95(it: &mut Item) {
        it.targets = vec![Target {
            metric: "latency_p95".into(),
            comparison: Comparison::Lt,
            value: 100.0,
            unit: "ms".into(),
            text: "p95 latency < 100ms".into(),
        }];
    }

    #[test]
    fn numeric_target_without_url_is_manual_with_the_target_shown() {
        let mut it = item("p95 latency < 100ms");
        p95(&mut it);
        let plan = plan_item(
            &it,
            &BTreeMap::new(),
            proposal(&["LOAD001"]),
            Measurements::None,
        );
        assert!(plan.controls.is_empty());
        assert!(plan.measure.is_empty());
        assert_eq!(plan.live_not_checked, ["LOAD001"]);
        let reason = plan.manual_reason.unwrap();
        assert!(reason.contains("`p95 latency < 100ms`"), "{reason}");
        assert!(reason.contains("--url"), "{reason}");
    }

    #[test]
    fn numeric_target_with_url_is_measured_by_its_load_control() {
        let mut it = item("p95 latency < 100ms");
        p95(&mut it);
        // The mapper found nothing in the other words: the target alone decides.
        let mut none = proposal(&[]);
        none.manual_reason = Some("no control".into());
        let plan = plan_item(&it, &BTreeMap::new(), none, Measurements::Live);
        assert_eq!(plan.manual_reason, None);
        let ids: Vec<_> = plan.controls.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["LOAD001"]);
        assert_eq!(plan.controls[0].matched, ["p95 latency < 100ms"]);
        assert_eq!(plan.measure, it.targets);

        // Other controls the item names stay, next to the gate.
        let plan = plan_item(
            &it,
            &BTreeMap::new(),
            proposal(&["HTTP017", "LOAD001"]),
            Measurements::Live,
        );
        let ids: Vec<_> = plan.controls.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["HTTP017", "LOAD001"]);
    }

    #[test]
    fn targets_a_load_run_cannot_measure_stay_manual_even_with_url() {
        let mut it = item("coverage >= 80%");
        it.targets = vec![Target {
            metric: "coverage".into(),
            comparison: Comparison::Ge,
            value: 80.0,
            unit: "%".into(),
            text: "coverage >= 80%".into(),
        }];
        let plan = plan_item(
            &it,
            &BTreeMap::new(),
            proposal(&["CI006"]),
            Measurements::Live,
        );
        assert!(plan.controls.is_empty());
        let reason = plan.manual_reason.unwrap();
        assert!(reason.contains("`coverage >= 80%`"), "{reason}");
        assert!(
            reason.contains("not something a load run measures"),
            "{reason}"
        );
    }

    #[test]
    fn without_url_live_controls_are_left_out_and_listed() {
        let both = proposal(&["CODE020", "HTTP017"]);
        let plan = plan_item(
            &item("Rate limiting returns 429"),
            &BTreeMap::new(),
            both.clone(),
            Measurements::None,
        );
        let ids: Vec<_> = plan.controls.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["CODE020"]);
        assert_eq!(plan.live_not_checked, ["HTTP017"]);
        assert!(plan.manual_reason.is_none());

        let with_url = plan_item(
            &item("Rate limiting returns 429"),
            &BTreeMap::new(),
            both,
            Measurements::Live,
        );
        assert_eq!(with_url.controls.len(), 2);
        assert!(with_url.live_not_checked.is_empty());
    }

    #[test]
    fn a_live_only_item_without_url_is_manual_never_judged_on_static_evidence() {
        let plan = plan_item(
            &item("The health endpoint answers 200"),
            &BTreeMap::new(),
            proposal(&["HTTP001"]),
            Measurements::None,
        );
        assert!(plan.controls.is_empty());
        assert_eq!(plan.live_not_checked, ["HTTP001"]);
        let reason = plan.manual_reason.unwrap();
        assert!(
            reason.contains("--url") && reason.contains("HTTP001"),
            "{reason}"
        );

        // An explicit mapping to a probe behaves the same.
        let mut it = item("Health");
        it.explicit_controls = vec!["HTTP001".into()];
        let plan = plan_item(&it, &BTreeMap::new(), proposal(&[]), Measurements::None);
        assert!(plan.controls.is_empty());
        assert!(plan.manual_reason.unwrap().contains("--url"));
    }

    #[test]
    fn a_load_gate_without_a_number_is_manual() {
        let plan = plan_item(
            &item("Track p95 latency"),
            &BTreeMap::new(),
            proposal(&["LOAD001"]),
            Measurements::Live,
        );
        assert!(plan.controls.is_empty());
        assert!(plan.manual_reason.unwrap().contains("no numeric target"));
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
