//! Collects what a control saw across objects and turns it into one outcome: any failure
//! fails; otherwise anything undecidable makes it Unknown (never a pass); otherwise a pass with
//! the evidence.

use vouch_core::{Finding, Outcome};

#[derive(Default)]
pub struct Verdict {
    pub findings: Vec<Finding>,
    pub evidence: Vec<Finding>,
    pub unknown: Vec<String>,
}

impl Verdict {
    pub fn fail(&mut self, f: Finding) {
        self.findings.push(f);
    }

    pub fn pass(&mut self, f: Finding) {
        self.evidence.push(f);
    }

    pub fn unknown(&mut self, reason: impl Into<String>) {
        let reason = reason.into();
        if !self.unknown.contains(&reason) {
            self.unknown.push(reason);
        }
    }

    /// `nothing` is the NotApplicable reason when nothing was judged at all.
    pub fn outcome(mut self, nothing: &str) -> Outcome {
        if !self.findings.is_empty() {
            return Outcome::Fail {
                findings: self.findings,
            };
        }
        if !self.unknown.is_empty() {
            let shown: Vec<&str> = self.unknown.iter().take(3).map(String::as_str).collect();
            let more = self.unknown.len().saturating_sub(3);
            let mut reason = shown.join("; ");
            if more > 0 {
                reason.push_str(&format!("; and {more} more"));
            }
            return Outcome::unknown(reason);
        }
        if self.evidence.is_empty() {
            return Outcome::not_applicable(nothing);
        }
        // Kustomize overlays of one base repeat the same evidence: keep one of each.
        self.evidence
            .sort_by(|a, b| (&a.location, &a.message).cmp(&(&b.location, &b.message)));
        self.evidence
            .dedup_by(|a, b| a.location == b.location && a.message == b.message);
        Outcome::pass_with(self.evidence)
    }
}
