//! The order controls are shown in, shared by the formats: most severe first, then by ID.
//! Indices into `report.results` come along (baseline statuses are looked up by them).

use vouch_core::{ControlResult, OutcomeKind, Report};

pub fn most_severe_first(report: &Report) -> Vec<(usize, &ControlResult)> {
    let mut all: Vec<(usize, &ControlResult)> = report.results.iter().enumerate().collect();
    all.sort_by(|(_, a), (_, b)| {
        b.control
            .severity
            .cmp(&a.control.severity)
            .then(a.control.id.cmp(&b.control.id))
    });
    all
}

/// Failing controls, most severe first.
pub fn failing(report: &Report) -> Vec<(usize, &ControlResult)> {
    most_severe_first(report)
        .into_iter()
        .filter(|(_, r)| r.outcome == OutcomeKind::Fail)
        .collect()
}
