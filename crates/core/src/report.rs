//! The `vouch.report/v1` JSON contract (docs/report-format.md, schemas/report.v1.json).

use crate::{Area, ControlMeta, Finding, Outcome, Score, Severity};
use serde::{Deserialize, Serialize};

pub const REPORT_SCHEMA: &str = "vouch.report/v1";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Target {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub commit: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlRef {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub area: Area,
    /// Effective severity (after any `vouch.toml` override).
    pub severity: Severity,
}

impl ControlRef {
    pub fn from_meta(meta: &ControlMeta, severity: Severity) -> Self {
        ControlRef {
            id: meta.id.to_string(),
            slug: meta.slug.to_string(),
            title: meta.title.to_string(),
            area: meta.area,
            severity,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    Pass,
    Fail,
    Unknown,
    NotApplicable,
    Error,
}

impl OutcomeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Pass => "pass",
            OutcomeKind::Fail => "fail",
            OutcomeKind::Unknown => "unknown",
            OutcomeKind::NotApplicable => "not_applicable",
            OutcomeKind::Error => "error",
        }
    }
}

/// One evaluated control. Every evaluated control appears, passes included.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ControlResult {
    pub control: ControlRef,
    pub outcome: OutcomeKind,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
    /// Failures (including suppressed ones, marked `suppressed`).
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// What satisfied a passing control (the USER line, the healthcheck, ...).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub evidence: Vec<Finding>,
    pub remediation: String,
}

impl ControlResult {
    /// Flattens an [`Outcome`] into the report shape.
    pub fn new(control: ControlRef, remediation: &str, outcome: Outcome) -> Self {
        let (kind, reason, findings, evidence) = match outcome {
            Outcome::Pass { evidence } => (OutcomeKind::Pass, None, Vec::new(), evidence),
            Outcome::Fail { findings } => (OutcomeKind::Fail, None, findings, Vec::new()),
            Outcome::Unknown { reason } => {
                (OutcomeKind::Unknown, Some(reason), Vec::new(), Vec::new())
            }
            Outcome::NotApplicable { reason } => (
                OutcomeKind::NotApplicable,
                Some(reason),
                Vec::new(),
                Vec::new(),
            ),
            Outcome::Error { message } => {
                (OutcomeKind::Error, Some(message), Vec::new(), Vec::new())
            }
        };
        ControlResult {
            control,
            outcome: kind,
            reason,
            findings,
            evidence,
            remediation: remediation.to_string(),
        }
    }

    /// Findings that still count (not suppressed).
    pub fn active_findings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.suppressed.is_none())
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub pass: usize,
    pub fail: usize,
    pub unknown: usize,
    pub not_applicable: usize,
    pub error: usize,
    /// Findings silenced by a suppression (they stay listed in `results`).
    pub suppressed_findings: usize,
}

impl Counts {
    pub fn tally(results: &[ControlResult]) -> Self {
        let mut c = Counts::default();
        for r in results {
            match r.outcome {
                OutcomeKind::Pass => c.pass += 1,
                OutcomeKind::Fail => c.fail += 1,
                OutcomeKind::Unknown => c.unknown += 1,
                OutcomeKind::NotApplicable => c.not_applicable += 1,
                OutcomeKind::Error => c.error += 1,
            }
            c.suppressed_findings += r.findings.iter().filter(|f| f.suppressed.is_some()).count();
        }
        c
    }
}

/// A suppression from vouch.toml whose `expires` date has passed: it no longer applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpiredSuppression {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub path: Option<String>,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub owner: Option<String>,
    pub expires: String,
}

/// A file the audit could not read or parse; the affected controls say so in their outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputError {
    pub path: String,
    pub message: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Gate {
    /// Severity threshold, or null when no gate was asked for.
    pub fail_on: Option<Severity>,
    pub failed: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub tool: Tool,
    pub target: Target,
    pub score: Score,
    pub counts: Counts,
    pub gate: Gate,
    pub results: Vec<ControlResult>,
    #[serde(default)]
    pub expired_suppressions: Vec<ExpiredSuppression>,
    #[serde(default)]
    pub input_errors: Vec<InputError>,
    /// Files audited (after excludes).
    pub files_scanned: usize,
    pub duration_ms: u64,
}

impl Report {
    /// True when a non-suppressed failure at or above `threshold` exists.
    pub fn gate_fails(results: &[ControlResult], threshold: Option<Severity>) -> bool {
        let Some(threshold) = threshold else {
            return false;
        };
        results
            .iter()
            .any(|r| r.outcome == OutcomeKind::Fail && r.control.severity >= threshold)
    }
}
