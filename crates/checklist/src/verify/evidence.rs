//! One control's result as seen by one item: the scope narrows the findings to the paths the
//! item names, suppressed findings do not count, and the outcome is recomputed from what is
//! left.

use super::report::EvidenceRef;
use vouch_core::{ControlResult, Finding, OutcomeKind};

/// A control's outcome for one item, with the evidence behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct ScopedOutcome {
    pub outcome: OutcomeKind,
    /// Failing findings (for `Fail`) or what satisfied the control (for `Pass`).
    pub evidence: Vec<EvidenceRef>,
    /// Why the control could not decide (Unknown, NotApplicable, Error, not evaluated).
    pub reason: Option<String>,
}

/// `result` is None when the audit did not evaluate the control (unknown ID, deselected).
pub fn scoped_outcome(id: &str, result: Option<&ControlResult>, scope: &[String]) -> ScopedOutcome {
    let Some(result) = result else {
        return ScopedOutcome {
            outcome: OutcomeKind::Unknown,
            evidence: Vec::new(),
            reason: Some(format!(
                "{id} was not evaluated (no such control, or deselected in vouch.toml)"
            )),
        };
    };
    match result.outcome {
        OutcomeKind::Fail => {
            let failing: Vec<EvidenceRef> = result
                .active_findings()
                .filter(|f| in_scope(f, scope))
                .map(|f| EvidenceRef::from_finding(id, f))
                .collect();
            if failing.is_empty() {
                // The control looked at every file; none of its findings is in the part of
                // the repository the item is about, so for this item it passes.
                ScopedOutcome {
                    outcome: OutcomeKind::Pass,
                    evidence: Vec::new(),
                    reason: Some(format!(
                        "no {id} finding in paths matching {}",
                        scope.join(", ")
                    )),
                }
            } else {
                ScopedOutcome {
                    outcome: OutcomeKind::Fail,
                    evidence: failing,
                    reason: None,
                }
            }
        }
        OutcomeKind::Pass => ScopedOutcome {
            outcome: OutcomeKind::Pass,
            evidence: result
                .evidence
                .iter()
                .filter(|f| in_scope(f, scope))
                .map(|f| EvidenceRef::from_finding(id, f))
                .collect(),
            reason: result.reason.clone(),
        },
        other => ScopedOutcome {
            outcome: other,
            evidence: Vec::new(),
            reason: result.reason.clone(),
        },
    }
}

/// A finding is in scope when no scope is given, or when its path (or one of its other
/// locations) contains one of the scope words, ignoring case.
fn in_scope(finding: &Finding, scope: &[String]) -> bool {
    if scope.is_empty() {
        return true;
    }
    let paths = std::iter::once(&finding.location).chain(finding.also_at.iter());
    paths.into_iter().any(|loc| {
        let path = loc.path.to_lowercase();
        scope
            .iter()
            .map(|w| w.trim().trim_matches('/').to_lowercase())
            .any(|w| !w.is_empty() && path.contains(&w))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use vouch_core::finding::AppliedSuppression;
    use vouch_core::{Area, ControlRef, Location, Outcome, Severity};

    fn control() -> ControlRef {
        ControlRef {
            id: "CODE001".into(),
            slug: "sql_parameterised".into(),
            title: "SQL is parameterised".into(),
            area: Area::Security,
            severity: Severity::Critical,
        }
    }

    fn failing(paths: &[&str]) -> ControlResult {
        let findings = paths
            .iter()
            .map(|p| Finding::new(Location::at(*p, 12, 5), "query built with an f-string"))
            .collect();
        ControlResult::new(control(), "fix", Outcome::Fail { findings })
    }

    #[test]
    fn scope_keeps_only_findings_under_the_named_component() {
        let result = failing(&["reports/daily.py", "billing/invoice.py"]);
        let scoped = scoped_outcome("CODE001", Some(&result), &["Reports".into()]);
        assert_eq!(scoped.outcome, OutcomeKind::Fail);
        assert_eq!(scoped.evidence.len(), 1);
        assert_eq!(scoped.evidence[0].path, "reports/daily.py");
        assert_eq!(scoped.evidence[0].line, Some(12));
    }

    #[test]
    fn failure_outside_the_scope_passes_for_the_item() {
        let result = failing(&["billing/invoice.py"]);
        let scoped = scoped_outcome("CODE001", Some(&result), &["reports".into()]);
        assert_eq!(scoped.outcome, OutcomeKind::Pass);
        assert!(scoped.evidence.is_empty());
    }

    #[test]
    fn without_scope_every_active_finding_counts() {
        let mut result = failing(&["a.py", "b.py"]);
        result.findings[1].suppressed = Some(AppliedSuppression {
            kind: "config".into(),
            reason: "accepted".into(),
            owner: None,
            expires: None,
        });
        let scoped = scoped_outcome("CODE001", Some(&result), &[]);
        assert_eq!(scoped.outcome, OutcomeKind::Fail);
        let paths: Vec<_> = scoped.evidence.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["a.py"]);
    }

    #[test]
    fn unknown_and_missing_results_never_pass() {
        let unknown = ControlResult::new(control(), "fix", Outcome::unknown("templated"));
        let scoped = scoped_outcome("CODE001", Some(&unknown), &[]);
        assert_eq!(scoped.outcome, OutcomeKind::Unknown);
        assert_eq!(scoped.reason.as_deref(), Some("templated"));
        let missing = scoped_outcome("XYZ999", None, &[]);
        assert_eq!(missing.outcome, OutcomeKind::Unknown);
        assert!(missing.reason.unwrap().contains("XYZ999 was not evaluated"));
    }

    #[test]
    fn pass_keeps_its_evidence() {
        let pass = ControlResult::new(
            control(),
            "fix",
            Outcome::pass_with(vec![Finding::new(
                Location::at("Dockerfile", 7, 1),
                "USER app",
            )]),
        );
        let scoped = scoped_outcome("DKR001", Some(&pass), &[]);
        assert_eq!(scoped.outcome, OutcomeKind::Pass);
        assert_eq!(scoped.evidence[0].message, "USER app");
        assert_eq!(scoped.evidence[0].control, "DKR001");
    }
}
