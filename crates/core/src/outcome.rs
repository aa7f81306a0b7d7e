use crate::Finding;

/// How one control's evaluation ended. Unknown never counts as Pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Satisfied; `evidence` says what satisfied it (may be empty).
    Pass {
        evidence: Vec<Finding>,
    },
    Fail {
        findings: Vec<Finding>,
    },
    /// The tool could not decide (templating hides the value, inputs unparsable, ...).
    Unknown {
        reason: String,
    },
    /// Nothing to check here (no Dockerfile in a repo for the Dockerfile controls).
    NotApplicable {
        reason: String,
    },
    /// The check itself failed (I/O error, internal error).
    Error {
        message: String,
    },
}

impl Outcome {
    pub fn pass() -> Self {
        Outcome::Pass {
            evidence: Vec::new(),
        }
    }
    pub fn pass_with(evidence: Vec<Finding>) -> Self {
        Outcome::Pass { evidence }
    }
    pub fn unknown(reason: impl Into<String>) -> Self {
        Outcome::Unknown {
            reason: reason.into(),
        }
    }
    pub fn not_applicable(reason: impl Into<String>) -> Self {
        Outcome::NotApplicable {
            reason: reason.into(),
        }
    }
    pub fn error(message: impl Into<String>) -> Self {
        Outcome::Error {
            message: message.into(),
        }
    }
    /// Fail when there are findings, else Pass with `evidence`.
    pub fn from_findings(findings: Vec<Finding>, evidence: Vec<Finding>) -> Self {
        if findings.is_empty() {
            Outcome::Pass { evidence }
        } else {
            Outcome::Fail { findings }
        }
    }
}
