//! One verdict per item from its plan and the audit's results.

use super::evidence::{ScopedOutcome, scoped_outcome};
use super::measure::{Measured, is_live_control, is_load_control, judge};
use super::plan::{ItemPlan, PlannedControl};
use super::report::{ControlCheck, ItemReport};
use crate::model::{Item, Status};
use serde::Serialize;
use std::collections::HashMap;
use vouch_core::{ControlResult, OutcomeKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The document says done; the evidence says no. The headline.
    ClaimedButFailing,
    /// A mapped control fails; the document does not claim otherwise.
    NotDone,
    /// The controls could not decide (Unknown, NotApplicable, Error, not evaluated).
    Unknown,
    /// No automatic control: a person decides (and signs off).
    Manual,
    /// Every mapped control passes, but the box is not ticked.
    DoneButUnticked,
    /// Every mapped control passes.
    Done,
}

impl Verdict {
    /// Report order: the headline first.
    pub const ALL: [Verdict; 6] = [
        Verdict::ClaimedButFailing,
        Verdict::NotDone,
        Verdict::Unknown,
        Verdict::Manual,
        Verdict::DoneButUnticked,
        Verdict::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::ClaimedButFailing => "claimed_but_failing",
            Verdict::NotDone => "not_done",
            Verdict::Unknown => "unknown",
            Verdict::Manual => "manual",
            Verdict::DoneButUnticked => "done_but_unticked",
            Verdict::Done => "done",
        }
    }

    /// Heading used by the text renderers.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::ClaimedButFailing => "Claimed but failing",
            Verdict::NotDone => "Not done",
            Verdict::Unknown => "Unknown",
            Verdict::Manual => "Manual",
            Verdict::DoneButUnticked => "Done but unticked",
            Verdict::Done => "Done",
        }
    }
}

/// Verdicts for `items` (one `plans` entry per item, same order) against the audit and probe
/// `results`, with LOAD controls judged on what the load run `measured`.
pub fn verify_items(
    items: &[Item],
    plans: &[ItemPlan],
    results: &[ControlResult],
    measured: &Measured,
) -> Vec<ItemReport> {
    let by_id: HashMap<&str, &ControlResult> =
        results.iter().map(|r| (r.control.id.as_str(), r)).collect();
    items
        .iter()
        .zip(plans)
        .map(|(item, plan)| verify_item(item, plan, &by_id, measured))
        .collect()
}

fn verify_item(
    item: &Item,
    plan: &ItemPlan,
    by_id: &HashMap<&str, &ControlResult>,
    measured: &Measured,
) -> ItemReport {
    let mut report = ItemReport {
        line: item.line,
        id: item.id.clone(),
        text: item.text.clone(),
        section: item.section.clone(),
        priority: item.priority,
        status_in_doc: item.status,
        verdict: Verdict::Manual,
        confidence: plan.confidence,
        mapping: plan.source,
        controls: Vec::new(),
        evidence: Vec::new(),
        reason: None,
        targets: item.targets.clone(),
        measured: Vec::new(),
        live_not_checked: plan.live_not_checked.clone(),
        signed_off_by: None,
    };
    if let Some(reason) = &plan.manual_reason {
        report.reason = Some(reason.clone());
        return report;
    }
    if plan.controls.is_empty() {
        report.reason = Some("no automatic control covers this item".into());
        return report;
    }

    let mut failing_evidence = Vec::new();
    let mut passing_evidence = Vec::new();
    let mut scoped_all = Vec::new();
    for planned in &plan.controls {
        let scoped = if is_load_control(&planned.id) {
            let judged = judge(&planned.id, &plan.measure, measured);
            report.measured.extend(judged.targets);
            ScopedOutcome {
                outcome: judged.outcome,
                evidence: judged.evidence,
                reason: judged.reason,
            }
        } else {
            scoped_outcome(
                &planned.id,
                by_id.get(planned.id.as_str()).copied(),
                &plan.scope,
            )
        };
        scoped_all.push(scoped);
    }
    let outcomes: Vec<OutcomeKind> = scoped_all.iter().map(|s| s.outcome).collect();
    let mut reasons = Vec::new();
    let mut deciding = Vec::new();
    for (i, (planned, scoped)) in plan.controls.iter().zip(scoped_all).enumerate() {
        let mut reason = scoped.reason;
        let decides = match live_speaks_for(i, &plan.controls, &outcomes) {
            Some(live) => {
                reason = Some(format!(
                    "{}; the live result of {live} decides",
                    reason.unwrap_or_else(|| "undecided".into())
                ));
                false
            }
            None => true,
        };
        if decides {
            match scoped.outcome {
                OutcomeKind::Fail => failing_evidence.extend(scoped.evidence),
                OutcomeKind::Pass => passing_evidence.extend(scoped.evidence),
                _ => reasons.push(format!(
                    "{}: {}",
                    planned.id,
                    reason.clone().unwrap_or_else(|| "undecided".into())
                )),
            }
            deciding.push(scoped.outcome);
        }
        report.controls.push(ControlCheck {
            id: planned.id.clone(),
            outcome: scoped.outcome,
            matched: planned.matched.clone(),
            reason,
        });
    }

    let any_fail = deciding.contains(&OutcomeKind::Fail);
    let all_pass = deciding.iter().all(|o| *o == OutcomeKind::Pass);
    report.verdict = if any_fail {
        report.evidence = failing_evidence;
        if item.status.claims_done() {
            Verdict::ClaimedButFailing
        } else {
            Verdict::NotDone
        }
    } else if all_pass {
        report.evidence = passing_evidence;
        match item.status {
            Status::Open | Status::InProgress | Status::Blocked => Verdict::DoneButUnticked,
            Status::Done | Status::NotApplicable | Status::None => Verdict::Done,
        }
    } else {
        report.reason = Some(reasons.join("; "));
        Verdict::Unknown
    };
    report
}

/// A static control that could not decide (its code is not in this repository, or the
/// check is unsure) does not hold an item back when a live control named by the same part of
/// the item decided: the running service is the stronger evidence. Returns that live control.
/// A static failure always counts, and explicit mappings (no parts) need every control.
fn live_speaks_for<'p>(
    index: usize,
    controls: &'p [PlannedControl],
    outcomes: &[OutcomeKind],
) -> Option<&'p str> {
    let planned = &controls[index];
    let undecided = matches!(
        outcomes[index],
        OutcomeKind::Unknown | OutcomeKind::NotApplicable
    );
    if !undecided || is_live_control(&planned.id) || planned.parts.is_empty() {
        return None;
    }
    controls
        .iter()
        .zip(outcomes)
        .find(|(other, outcome)| {
            matches!(outcome, OutcomeKind::Pass | OutcomeKind::Fail)
                && is_live_control(&other.id)
                && other.parts.iter().any(|p| planned.parts.contains(p))
        })
        .map(|(other, _)| other.id.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ItemKind;
    use crate::verify::plan::{MappingSource, PlannedControl};
    use vouch_core::{Area, ControlRef, Finding, Location, Outcome, Severity};

    fn item(status: Status) -> Item {
        Item {
            line: 9,
            id: "LA-002".into(),
            id_in_doc: true,
            text: "Remove the hardcoded Postgres password".into(),
            section: vec!["Blockers".into()],
            kind: ItemKind::Task,
            depth: 0,
            status,
            priority: None,
            effort: None,
            owner: None,
            targets: Vec::new(),
            explicit_controls: Vec::new(),
        }
    }

    fn plan(ids: &[&str]) -> ItemPlan {
        ItemPlan {
            source: MappingSource::Mapper,
            controls: ids
                .iter()
                .map(|id| PlannedControl {
                    id: id.to_string(),
                    matched: vec!["password".into()],
                    parts: vec![0],
                })
                .collect(),
            confidence: 0.8,
            scope: Vec::new(),
            manual_reason: None,
            ..ItemPlan::default()
        }
    }

    fn result(id: &str, outcome: Outcome) -> ControlResult {
        ControlResult::new(
            ControlRef {
                id: id.into(),
                slug: "s".into(),
                title: "t".into(),
                area: Area::Security,
                severity: Severity::High,
            },
            "fix",
            outcome,
        )
    }

    fn fail(id: &str, path: &str, line: u32) -> ControlResult {
        result(
            id,
            Outcome::Fail {
                findings: vec![Finding::new(
                    Location::at(path, line, 1),
                    "literal password",
                )],
            },
        )
    }

    fn verdict(status: Status, ids: &[&str], results: &[ControlResult]) -> ItemReport {
        verify_items(&[item(status)], &[plan(ids)], results, &Measured::default()).remove(0)
    }

    #[test]
    fn ticked_item_with_failing_control_is_claimed_but_failing_with_evidence() {
        let r = verdict(
            Status::Done,
            &["CMP006"],
            &[fail("CMP006", "compose.yaml", 8)],
        );
        assert_eq!(r.verdict, Verdict::ClaimedButFailing);
        assert_eq!(r.evidence.len(), 1);
        assert_eq!(r.evidence[0].place(), "compose.yaml:8");
        assert_eq!(r.controls[0].outcome, OutcomeKind::Fail);
        assert_eq!(r.controls[0].matched, ["password"]);
    }

    #[test]
    fn unticked_failing_item_is_not_done() {
        let r = verdict(
            Status::Open,
            &["CMP006"],
            &[fail("CMP006", "compose.yaml", 8)],
        );
        assert_eq!(r.verdict, Verdict::NotDone);
        let r = verdict(
            Status::InProgress,
            &["CMP006"],
            &[fail("CMP006", "c.yaml", 1)],
        );
        assert_eq!(r.verdict, Verdict::NotDone);
    }

    #[test]
    fn every_mapped_control_must_pass() {
        let results = [
            result("CODE020", Outcome::pass()),
            fail("CODE021", "app.py", 3),
        ];
        let r = verdict(Status::Done, &["CODE020", "CODE021"], &results);
        assert_eq!(r.verdict, Verdict::ClaimedButFailing);
        assert_eq!(r.evidence[0].control, "CODE021");

        let results = [
            result("CODE020", Outcome::pass()),
            result("CODE021", Outcome::pass()),
        ];
        assert_eq!(
            verdict(Status::Done, &["CODE020", "CODE021"], &results).verdict,
            Verdict::Done
        );
        assert_eq!(
            verdict(Status::Open, &["CODE020", "CODE021"], &results).verdict,
            Verdict::DoneButUnticked
        );
        assert_eq!(
            verdict(Status::None, &["CODE020"], &results).verdict,
            Verdict::Done
        );
    }

    #[test]
    fn unknown_not_applicable_error_and_missing_never_count_as_pass() {
        for outcome in [
            Outcome::unknown("templated"),
            Outcome::not_applicable("no compose file"),
            Outcome::error("io"),
        ] {
            let results = [
                result("CMP006", outcome),
                result("CODE020", Outcome::pass()),
            ];
            let r = verdict(Status::Done, &["CMP006", "CODE020"], &results);
            assert_eq!(r.verdict, Verdict::Unknown);
            assert!(
                r.reason.as_deref().unwrap().starts_with("CMP006: "),
                "{:?}",
                r.reason
            );
        }
        let r = verdict(Status::Done, &["NOPE001"], &[]);
        assert_eq!(r.verdict, Verdict::Unknown);
    }

    #[test]
    fn a_failure_outweighs_an_unknown() {
        let results = [
            result("CMP006", Outcome::unknown("x")),
            fail("CODE020", "app.py", 2),
        ];
        let r = verdict(Status::Done, &["CMP006", "CODE020"], &results);
        assert_eq!(r.verdict, Verdict::ClaimedButFailing);
    }

    #[test]
    fn manual_plan_stays_manual_with_its_reason() {
        let mut p = plan(&[]);
        p.manual_reason = Some("needs a person".into());
        let r = verify_items(&[item(Status::Done)], &[p], &[], &Measured::default()).remove(0);
        assert_eq!(r.verdict, Verdict::Manual);
        assert_eq!(r.reason.as_deref(), Some("needs a person"));
    }

    #[test]
    fn a_deciding_live_control_speaks_for_an_undecided_static_one_of_the_same_part() {
        let results = [
            result("CODE020", Outcome::not_applicable("no source code")),
            result("HTTP017", Outcome::pass()),
        ];
        let r = verdict(Status::Done, &["CODE020", "HTTP017"], &results);
        assert_eq!(r.verdict, Verdict::Done);
        let code = &r.controls[0];
        assert_eq!(code.outcome, OutcomeKind::NotApplicable);
        assert!(
            code.reason.as_deref().unwrap().contains("HTTP017 decides"),
            "{code:?}"
        );

        // A live failure still fails, and a static failure is never overruled.
        let results = [
            result("CODE020", Outcome::not_applicable("no source code")),
            fail("HTTP017", "http://127.0.0.1:1/", 0),
        ];
        let r = verdict(Status::Done, &["CODE020", "HTTP017"], &results);
        assert_eq!(r.verdict, Verdict::ClaimedButFailing);
        let results = [
            fail("CODE020", "app.py", 3),
            result("HTTP017", Outcome::pass()),
        ];
        let r = verdict(Status::Done, &["CODE020", "HTTP017"], &results);
        assert_eq!(r.verdict, Verdict::ClaimedButFailing);
    }

    #[test]
    fn a_live_control_does_not_speak_for_another_part_of_a_compound_item() {
        let mut p = plan(&["CODE001", "HTTP017"]);
        p.controls[0].parts = vec![1];
        let results = [
            result("CODE001", Outcome::unknown("no SQL found")),
            result("HTTP017", Outcome::pass()),
        ];
        let r = verify_items(&[item(Status::Done)], &[p], &results, &Measured::default()).remove(0);
        assert_eq!(r.verdict, Verdict::Unknown);
        assert!(r.reason.unwrap().starts_with("CODE001: no SQL found"));
    }

    #[test]
    fn numeric_targets_are_judged_on_the_measurement_with_the_value_as_evidence() {
        use crate::model::{Comparison, Target};
        use std::collections::BTreeMap;
        let mut it = item(Status::Done);
        it.targets = vec![Target {
            metric: "latency_p99".into(),
            comparison: Comparison::Lt,
            value: 250.0,
            unit: "ms".into(),
            text: "p99 latency < 250ms".into(),
        }];
        let mut p = plan(&["LOAD001"]);
        p.controls[0].parts.clear();
        p.measure = it.targets.clone();
        let slow = Measured::from_values(
            "http://127.0.0.1:9/",
            BTreeMap::from([("latency_p99".to_string(), 751.3)]),
        );
        let r = verify_items(
            std::slice::from_ref(&it),
            std::slice::from_ref(&p),
            &[],
            &slow,
        )
        .remove(0);
        assert_eq!(r.verdict, Verdict::ClaimedButFailing);
        assert_eq!(r.evidence[0].message, "p99 751.3 ms > target 250 ms");
        assert_eq!(r.measured[0].value, Some(751.3));

        let unreachable = Measured::unavailable("no request got an HTTP response");
        let r = verify_items(&[it], &[p], &[], &unreachable).remove(0);
        assert_eq!(r.verdict, Verdict::Unknown);
        assert!(
            r.reason
                .unwrap()
                .contains("no request got an HTTP response")
        );
    }
}
