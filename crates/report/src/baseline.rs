//! Baselines: classify this run's findings against an earlier report by fingerprint, so a
//! team can adopt vouch on an old repository and gate only on what is new.

use serde::Serialize;
use std::collections::HashMap;
use vouch_core::{ControlResult, Finding, Location, OutcomeKind, Report, Severity};

/// How a finding of this run relates to the baseline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    New,
    Unchanged,
}

impl FindingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingStatus::New => "new",
            FindingStatus::Unchanged => "unchanged",
        }
    }
}

/// One finding named in the comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BaselineEntry {
    pub control: String,
    pub fingerprint: String,
    #[serde(flatten)]
    pub location: Location,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BaselineCounts {
    pub new: usize,
    pub fixed: usize,
    pub unchanged: usize,
    pub not_rechecked: usize,
}

/// The comparison of a run with its baseline.
#[derive(Clone, Debug, Default, Serialize)]
pub struct BaselineDiff {
    /// Where the baseline came from (the file given to `--baseline`).
    pub source: String,
    /// True when the gate looks only at new findings (`--fail-on-new`).
    pub fail_on_new: bool,
    pub counts: BaselineCounts,
    pub new: Vec<BaselineEntry>,
    pub fixed: Vec<BaselineEntry>,
    pub unchanged: Vec<BaselineEntry>,
    /// Baseline findings of controls this run did not decide (not selected, unknown, error):
    /// they are neither fixed nor still present as far as this run can tell.
    pub not_rechecked: Vec<BaselineEntry>,
    /// Status of each active finding of the compared report, indexed [result][finding].
    #[serde(skip)]
    statuses: Vec<Vec<Option<FindingStatus>>>,
}

/// Identity of a finding across runs: control and fingerprint (recomputed when a producer left
/// the fingerprint empty).
fn key(control: &str, f: &Finding) -> (String, String) {
    let fp = if f.fingerprint.is_empty() {
        vouch_core::fingerprint(
            control,
            &f.location.path,
            f.snippet.as_deref().unwrap_or(&f.message),
        )
    } else {
        f.fingerprint.clone()
    };
    (control.to_string(), fp)
}

fn entry(control: &str, f: &Finding) -> BaselineEntry {
    BaselineEntry {
        control: control.to_string(),
        fingerprint: key(control, f).1,
        location: f.location.clone(),
        message: f.message.clone(),
    }
}

fn decided(r: &ControlResult) -> bool {
    matches!(r.outcome, OutcomeKind::Pass | OutcomeKind::Fail)
}

impl BaselineDiff {
    /// Compares `current` with `baseline`. Identical fingerprints are counted, not just
    /// matched: two identical findings where the baseline had one make one new finding.
    pub fn compare(baseline: &Report, current: &Report, source: &str) -> Self {
        let mut remaining: HashMap<(String, String), usize> = HashMap::new();
        for r in &baseline.results {
            for f in &r.findings {
                *remaining.entry(key(&r.control.id, f)).or_default() += 1;
            }
        }
        let mut diff = BaselineDiff {
            source: source.to_string(),
            ..Default::default()
        };
        // Findings seen in this run, suppressed included: a finding that became suppressed
        // is not fixed.
        let mut seen: HashMap<(String, String), usize> = HashMap::new();
        for r in &current.results {
            let mut row = Vec::with_capacity(r.findings.len());
            for f in &r.findings {
                let k = key(&r.control.id, f);
                *seen.entry(k.clone()).or_default() += 1;
                if f.suppressed.is_some() {
                    row.push(None);
                    continue;
                }
                let status = match remaining.get_mut(&k) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        diff.unchanged.push(entry(&r.control.id, f));
                        FindingStatus::Unchanged
                    }
                    _ => {
                        diff.new.push(entry(&r.control.id, f));
                        FindingStatus::New
                    }
                };
                row.push(Some(status));
            }
            diff.statuses.push(row);
        }

        let decided_now: HashMap<&str, bool> = current
            .results
            .iter()
            .map(|r| (r.control.id.as_str(), decided(r)))
            .collect();
        for r in &baseline.results {
            for f in &r.findings {
                let k = key(&r.control.id, f);
                if let Some(n) = seen.get_mut(&k).filter(|n| **n > 0) {
                    *n -= 1;
                    continue;
                }
                if decided_now.get(r.control.id.as_str()).copied() == Some(true) {
                    diff.fixed.push(entry(&r.control.id, f));
                } else {
                    diff.not_rechecked.push(entry(&r.control.id, f));
                }
            }
        }
        diff.counts = BaselineCounts {
            new: diff.new.len(),
            fixed: diff.fixed.len(),
            unchanged: diff.unchanged.len(),
            not_rechecked: diff.not_rechecked.len(),
        };
        diff
    }

    /// Status of finding `finding` of result `result` in the compared report; `None` for a
    /// suppressed finding (outside the comparison) or an index from another report.
    pub fn status(&self, result: usize, finding: usize) -> Option<FindingStatus> {
        self.statuses.get(result)?.get(finding).copied().flatten()
    }

    /// The `--fail-on-new` gate: a new finding on a control at or above `threshold` (any
    /// severity when there is no threshold).
    pub fn new_findings_fail(&self, current: &Report, threshold: Option<Severity>) -> bool {
        current.results.iter().enumerate().any(|(i, r)| {
            r.outcome == OutcomeKind::Fail
                && threshold.is_none_or(|t| r.control.severity >= t)
                && (0..r.findings.len()).any(|j| self.status(i, j) == Some(FindingStatus::New))
        })
    }
}
