use crate::{Area, ControlResult, OutcomeKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Risk-weighted score: 100 × passed weight / evaluated weight, overall and per area.
/// Only Pass and Fail are evaluated; Unknown, NotApplicable and Error are excluded (and listed
/// elsewhere). `None` when nothing with weight was evaluated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub overall: Option<u8>,
    pub areas: BTreeMap<Area, Option<u8>>,
}

impl Score {
    pub fn compute(results: &[ControlResult]) -> Score {
        let mut per_area: BTreeMap<Area, (f64, f64)> =
            Area::ALL.iter().map(|a| (*a, (0.0, 0.0))).collect();
        let (mut passed, mut evaluated) = (0.0, 0.0);
        for r in results {
            let weight = r.control.severity.weight();
            let ok = match r.outcome {
                OutcomeKind::Pass => true,
                OutcomeKind::Fail => false,
                _ => continue,
            };
            let entry = per_area.entry(r.control.area).or_default();
            entry.1 += weight;
            evaluated += weight;
            if ok {
                entry.0 += weight;
                passed += weight;
            }
        }
        Score {
            overall: ratio(passed, evaluated),
            areas: per_area
                .into_iter()
                .map(|(a, (p, e))| (a, ratio(p, e)))
                .collect(),
        }
    }
}

fn ratio(passed: f64, evaluated: f64) -> Option<u8> {
    (evaluated > 0.0).then(|| (100.0 * passed / evaluated).round() as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ControlRef, Severity};

    fn result(area: Area, severity: Severity, outcome: OutcomeKind) -> ControlResult {
        ControlResult {
            control: ControlRef {
                id: "X001".into(),
                slug: "x".into(),
                title: "x".into(),
                area,
                severity,
            },
            outcome,
            reason: None,
            findings: vec![],
            evidence: vec![],
            remediation: String::new(),
        }
    }

    #[test]
    fn weights_by_severity_and_skips_unknown() {
        let results = vec![
            result(Area::Security, Severity::Critical, OutcomeKind::Pass),
            result(Area::Security, Severity::Low, OutcomeKind::Fail),
            result(Area::Security, Severity::High, OutcomeKind::Unknown),
            result(Area::Deployment, Severity::Medium, OutcomeKind::Fail),
        ];
        let s = Score::compute(&results);
        // security: 10 / 12.5 = 80; overall: 10 / 17.5 = 57.1
        assert_eq!(s.areas[&Area::Security], Some(80));
        assert_eq!(s.areas[&Area::Deployment], Some(0));
        assert_eq!(s.areas[&Area::Data], None);
        assert_eq!(s.overall, Some(57));
    }

    #[test]
    fn info_only_gives_no_score() {
        let s = Score::compute(&[result(Area::Data, Severity::Info, OutcomeKind::Fail)]);
        assert_eq!(s.overall, None);
    }
}
