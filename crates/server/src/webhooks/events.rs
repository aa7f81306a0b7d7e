//! The events an endpoint can subscribe to, and what one event carries.

use serde::Serialize;
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// An audit's overall score fell by at least the configured points.
    ScoreDrop,
    /// Failing critical findings whose fingerprints the previous audit did not have.
    NewCriticalFinding,
    /// Checklist claims whose verdict went from done to failing.
    ClaimFailing,
    /// Sign-offs that were fresh in the previous checklist run and are stale now.
    SignoffStale,
}

impl EventKind {
    pub const ALL: [EventKind; 4] = [
        EventKind::ScoreDrop,
        EventKind::NewCriticalFinding,
        EventKind::ClaimFailing,
        EventKind::SignoffStale,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::ScoreDrop => "score_drop",
            EventKind::NewCriticalFinding => "new_critical_finding",
            EventKind::ClaimFailing => "claim_failing",
            EventKind::SignoffStale => "signoff_stale",
        }
    }

    pub fn parse(text: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|e| e.as_str() == text)
    }
}

/// One regression found in a run: a one-line summary, one line per item (Slack bullets), and
/// the structured details of the generic JSON payload.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub kind: EventKind,
    pub summary: String,
    pub lines: Vec<String>,
    pub details: Value,
}
