//! What `--write` and `--annotate` change: a marker only where it contradicts the evidence,
//! and a short note naming the controls. Markers the team chose for its own reasons (in
//! progress, blocked, not applicable) are left alone unless the evidence says the item is done.

use super::report::ItemReport;
use super::verdict::Verdict;
use crate::model::Status;

/// The marker an item should carry, or None when it stays as it is.
pub fn desired_status(item: &ItemReport) -> Option<Status> {
    match (item.verdict, item.status_in_doc) {
        // A marker-less bullet has nothing to rewrite.
        (_, Status::None) => None,
        (Verdict::Done | Verdict::DoneButUnticked, Status::NotApplicable) => None,
        (Verdict::Done | Verdict::DoneButUnticked, status) if status != Status::Done => {
            Some(Status::Done)
        }
        (Verdict::ClaimedButFailing, Status::Done) => Some(Status::Open),
        _ => None,
    }
}

/// The text of the trailing `<!-- vouch: ... -->` comment: the control IDs first (so the next
/// run reads them back as an explicit mapping), then a short evidence note. None for items
/// with no control.
pub fn annotation(item: &ItemReport) -> Option<String> {
    if item.controls.is_empty() {
        return None;
    }
    let ids: Vec<&str> = item.controls.iter().map(|c| c.id.as_str()).collect();
    let note = match item.verdict {
        Verdict::ClaimedButFailing | Verdict::NotDone => {
            let places: Vec<String> = item.evidence.iter().map(|e| e.place()).collect();
            let shown: Vec<&str> = places.iter().take(2).map(String::as_str).collect();
            let more = places.len().saturating_sub(shown.len());
            let mut note = format!("fails at {}", shown.join(", "));
            if more > 0 {
                note.push_str(&format!(" and {more} more"));
            }
            note
        }
        Verdict::Done | Verdict::DoneButUnticked => "passes".to_string(),
        Verdict::Unknown => "undecided".to_string(),
        Verdict::Manual => return None,
    };
    Some(sanitize(&format!("{} — {note}", ids.join(", "))))
}

/// An HTML comment must not contain `--` (and so cannot be closed early by a path).
fn sanitize(text: &str) -> String {
    let mut out = text.replace("-->", "→").replace('>', "›");
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::plan::MappingSource;
    use crate::verify::report::{ControlCheck, EvidenceRef};
    use vouch_core::OutcomeKind;

    fn report(verdict: Verdict, status: Status, places: &[(&str, u32)]) -> ItemReport {
        ItemReport {
            line: 1,
            id: "x".into(),
            text: "t".into(),
            section: Vec::new(),
            priority: None,
            status_in_doc: status,
            verdict,
            confidence: 1.0,
            mapping: MappingSource::Explicit,
            controls: vec![ControlCheck {
                id: "CMP006".into(),
                outcome: OutcomeKind::Fail,
                matched: Vec::new(),
                reason: None,
            }],
            evidence: places
                .iter()
                .map(|(p, l)| EvidenceRef {
                    control: "CMP006".into(),
                    path: p.to_string(),
                    line: Some(*l),
                    message: "m".into(),
                    fingerprint: String::new(),
                })
                .collect(),
            reason: None,
            targets: Vec::new(),
            measured: Vec::new(),
            live_not_checked: Vec::new(),
            signed_off_by: None,
        }
    }

    #[test]
    fn markers_change_only_where_they_contradict_the_evidence() {
        let cases = [
            (Verdict::ClaimedButFailing, Status::Done, Some(Status::Open)),
            (Verdict::DoneButUnticked, Status::Open, Some(Status::Done)),
            (
                Verdict::DoneButUnticked,
                Status::InProgress,
                Some(Status::Done),
            ),
            (Verdict::Done, Status::Done, None),
            (Verdict::NotDone, Status::Open, None),
            (Verdict::NotDone, Status::InProgress, None),
            (Verdict::NotDone, Status::Blocked, None),
            (Verdict::Manual, Status::Done, None),
            (Verdict::Unknown, Status::Done, None),
            (Verdict::Done, Status::None, None),
            (Verdict::DoneButUnticked, Status::NotApplicable, None),
        ];
        for (verdict, status, expected) in cases {
            assert_eq!(
                desired_status(&report(verdict, status, &[])),
                expected,
                "{verdict:?} {status:?}"
            );
        }
    }

    #[test]
    fn annotation_leads_with_ids_and_names_at_most_two_places() {
        let r = report(
            Verdict::ClaimedButFailing,
            Status::Done,
            &[
                ("compose.yaml", 8),
                ("deploy/compose.yaml", 3),
                ("x.yml", 1),
            ],
        );
        assert_eq!(
            annotation(&r).unwrap(),
            "CMP006 — fails at compose.yaml:8, deploy/compose.yaml:3 and 1 more"
        );
        assert_eq!(
            annotation(&report(Verdict::Done, Status::Done, &[])).unwrap(),
            "CMP006 — passes"
        );
    }

    #[test]
    fn annotation_cannot_close_the_comment_early() {
        let r = report(Verdict::NotDone, Status::Open, &[("a--b-->c", 1)]);
        let note = annotation(&r).unwrap();
        assert!(!note.contains("--"), "{note}");
        assert!(!note.contains('>'), "{note}");
    }
}
