//! Is a stored sign-off still true of the latest checklist run? The comparison is the checklist
//! crate's (`changes`: items removed or added, text or verdict changed). Uploaded reports do not
//! carry the evidence fingerprints a signed evidence digest is made of, so the server judges on
//! items, text and verdicts: each current item is given the evidence digest that was signed.

use super::items::{ChecklistItems, checklist_name};
use vouch_checklist::signoff::{SignedItem, SignoffPayload, changes};

/// What changed since `payload` was signed, one line per change; `None` when `current` is a run
/// of another checklist (nothing to compare).
pub fn changes_since(payload: &SignoffPayload, current: &ChecklistItems) -> Option<Vec<String>> {
    if checklist_name(&payload.checklist) != current.checklist {
        return None;
    }
    let now: Vec<SignedItem> = current
        .items
        .iter()
        .filter(|item| item.section.starts_with(&payload.section))
        .map(|item| SignedItem {
            id: item.id.clone(),
            text: item.text.clone(),
            verdict: item.verdict.clone(),
            evidence: payload
                .items
                .iter()
                .find(|signed| signed.id == item.id)
                .map(|signed| signed.evidence.clone())
                .unwrap_or_default(),
        })
        .collect();
    Some(changes(&payload.items, &now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklists::items::Item;

    fn item(id: &str, section: &str, verdict: &str) -> Item {
        Item {
            id: id.into(),
            section: vec!["Launch".into(), section.into()],
            text: format!("item {id}"),
            verdict: verdict.into(),
            claimed: false,
        }
    }

    fn payload() -> SignoffPayload {
        SignoffPayload {
            version: 1,
            checklist: "./launch.md".into(),
            section: vec!["Launch".into(), "Security".into()],
            name: "Ada".into(),
            signed_at: "2026-11-22T00:00:00Z".into(),
            commit: None,
            items: vec![SignedItem {
                id: "L-1".into(),
                text: "item L-1".into(),
                verdict: "done".into(),
                evidence: "a digest the CLI made".into(),
            }],
        }
    }

    #[test]
    fn same_verdicts_are_fresh_whatever_the_evidence_digest() {
        let current = ChecklistItems {
            checklist: "launch.md".into(),
            items: vec![
                item("L-1", "Security", "done"),
                item("L-2", "Docs", "not_done"),
            ],
        };
        assert_eq!(changes_since(&payload(), &current), Some(Vec::new()));
    }

    #[test]
    fn a_changed_verdict_or_added_item_is_named_and_other_checklists_are_not_compared() {
        let current = ChecklistItems {
            checklist: "launch.md".into(),
            items: vec![
                item("L-1", "Security", "claimed_but_failing"),
                item("L-3", "Security", "manual"),
            ],
        };
        assert_eq!(
            changes_since(&payload(), &current).unwrap(),
            [
                "item L-1 verdict changed from done to claimed_but_failing",
                "item L-3 was added"
            ]
        );
        let other = ChecklistItems {
            checklist: "other.md".into(),
            items: Vec::new(),
        };
        assert_eq!(changes_since(&payload(), &other), None);
    }
}
