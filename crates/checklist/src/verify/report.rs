//! The `vouch.checklist/v1` JSON contract (docs/checklist.md, schemas/vouch.checklist.v1.json).

use super::measure::MeasuredTarget;
use super::plan::MappingSource;
use super::verdict::Verdict;
use crate::model::{Priority, Status, Target};
use crate::signoff::SignoffCheck;
use serde::Serialize;
use vouch_core::{Finding, OutcomeKind};

pub const CHECKLIST_SCHEMA: &str = "vouch.checklist/v1";

#[derive(Clone, Debug, Serialize)]
pub struct ChecklistReport {
    pub schema: String,
    pub tool: vouch_core::Tool,
    /// The checklist file, as given on the command line.
    pub checklist: String,
    pub target: TargetInfo,
    pub summary: Summary,
    pub items: Vec<ItemReport>,
    /// Every sign-off recorded for this checklist, checked.
    pub signoffs: Vec<SignoffCheck>,
    /// The load run behind the numeric targets (`--url`, when an item has one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load: Option<LoadRun>,
    pub duration_ms: u64,
}

/// What the load run for numeric targets did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LoadRun {
    /// The URL it requested (GET).
    pub url: String,
    /// Open model: requests per second.
    pub rate_per_s: f64,
    /// Measured seconds.
    pub seconds: u64,
    /// Requests that ended, and those answered with any HTTP status.
    pub requests: u64,
    pub responses: u64,
    /// Why it measured nothing (skipped, could not start, no response at all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TargetInfo {
    /// The repository the audit ran on.
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// `--url`, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ItemReport {
    pub line: usize,
    pub id: String,
    pub text: String,
    pub section: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    pub status_in_doc: Status,
    pub verdict: Verdict,
    /// How sure the mapping is: 1.0 for explicit mappings.
    pub confidence: f64,
    pub mapping: MappingSource,
    pub controls: Vec<ControlCheck>,
    pub evidence: Vec<EvidenceRef>,
    /// Why the item is manual or unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Target>,
    /// With `--url`: each numeric target next to the value the load run measured.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub measured: Vec<MeasuredTarget>,
    /// Without `--url`: the live controls (HTTP probes, LOAD gates) the item names that were
    /// not checked; the verdict rests on the other controls alone.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub live_not_checked: Vec<String>,
    /// Set on manual items covered by a valid, fresh sign-off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_off_by: Option<SignedOffBy>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ControlCheck {
    pub id: String,
    pub outcome: OutcomeKind,
    /// The item's words that mapped to this control.
    pub matched: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EvidenceRef {
    pub control: String,
    pub path: String,
    pub line: Option<u32>,
    pub message: String,
    /// The finding's stable fingerprint; sign-offs hash it to notice changed evidence.
    #[serde(skip)]
    pub fingerprint: String,
}

impl EvidenceRef {
    pub fn from_finding(control: &str, finding: &Finding) -> Self {
        EvidenceRef {
            control: control.to_string(),
            path: finding.location.path.clone(),
            line: finding.location.line,
            message: finding.message.clone(),
            fingerprint: finding.fingerprint.clone(),
        }
    }

    /// `path:line`, the path alone, or "repository" for evidence about the whole repository.
    pub fn place(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.path),
            None if self.path.is_empty() || self.path == "." => "repository".to_string(),
            None => self.path.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignedOffBy {
    pub name: String,
    pub at: String,
    pub section: String,
}

/// Items per verdict.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub total: usize,
    pub done: usize,
    pub not_done: usize,
    pub claimed_but_failing: usize,
    pub done_but_unticked: usize,
    pub manual: usize,
    pub unknown: usize,
    /// Manual items covered by a valid, fresh sign-off (also counted in `manual`).
    pub signed_off: usize,
    /// Sign-offs whose signature does not verify.
    pub invalid_signoffs: usize,
    /// Valid sign-offs whose items or evidence changed since.
    pub stale_signoffs: usize,
}

impl Summary {
    pub fn tally(items: &[ItemReport], signoffs: &[SignoffCheck]) -> Self {
        let mut s = Summary {
            total: items.len(),
            ..Summary::default()
        };
        for item in items {
            match item.verdict {
                Verdict::Done => s.done += 1,
                Verdict::NotDone => s.not_done += 1,
                Verdict::ClaimedButFailing => s.claimed_but_failing += 1,
                Verdict::DoneButUnticked => s.done_but_unticked += 1,
                Verdict::Manual => s.manual += 1,
                Verdict::Unknown => s.unknown += 1,
            }
            if item.signed_off_by.is_some() {
                s.signed_off += 1;
            }
        }
        s.invalid_signoffs = signoffs.iter().filter(|c| !c.valid).count();
        s.stale_signoffs = signoffs.iter().filter(|c| c.valid && c.stale).count();
        s
    }

    /// CI fails when the document claims something the evidence refutes, or when a recorded
    /// sign-off has been tampered with.
    pub fn fails(&self) -> bool {
        self.claimed_but_failing > 0 || self.invalid_signoffs > 0
    }
}
