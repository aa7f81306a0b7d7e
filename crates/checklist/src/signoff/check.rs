//! Checking recorded sign-offs against the current verdicts: is the signature intact, and do
//! the section's items, verdicts and evidence still match what was signed?

use super::record::{SignedItem, SignoffEntry, signed_items};
use crate::verify::{ItemReport, SignedOffBy, Verdict};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignoffCheck {
    /// The signed section's heading (the last of its path).
    pub section: String,
    pub name: String,
    pub signed_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// First 16 hex digits of the signer's public key.
    pub key: String,
    pub valid: bool,
    /// The items or evidence it covered changed since it was signed.
    pub stale: bool,
    /// What is wrong: the signature error, or what changed.
    pub problems: Vec<String>,
}

/// Checks every entry recorded for `checklist` (path relative to the repository root) and
/// marks manual items covered by a valid, fresh sign-off (the latest one wins).
pub fn check_signoffs(
    entries: &[SignoffEntry],
    checklist: &str,
    items: &mut [ItemReport],
) -> Vec<SignoffCheck> {
    let mut checks = Vec::new();
    for entry in entries.iter().filter(|e| e.payload.checklist == checklist) {
        let payload = &entry.payload;
        let mut check = SignoffCheck {
            section: payload.section.last().cloned().unwrap_or_default(),
            name: payload.name.clone(),
            signed_at: payload.signed_at.clone(),
            commit: payload.commit.clone(),
            key: entry.key_fingerprint(),
            valid: true,
            stale: false,
            problems: Vec::new(),
        };
        if let Err(reason) = entry.verify_signature() {
            check.valid = false;
            check.problems.push(reason);
            checks.push(check);
            continue;
        }
        let covered: Vec<&ItemReport> = items
            .iter()
            .filter(|i| i.section.starts_with(&payload.section))
            .collect();
        check.problems = changes(&payload.items, &signed_items(&covered));
        check.stale = !check.problems.is_empty();
        if !check.stale {
            let by = SignedOffBy {
                name: payload.name.clone(),
                at: payload.signed_at.clone(),
                section: check.section.clone(),
            };
            for item in items
                .iter_mut()
                .filter(|i| i.section.starts_with(&payload.section) && i.verdict == Verdict::Manual)
            {
                let newer = item
                    .signed_off_by
                    .as_ref()
                    .is_none_or(|old| old.at <= by.at);
                if newer {
                    item.signed_off_by = Some(by.clone());
                }
            }
        }
        checks.push(check);
    }
    checks
}

/// What differs between the signed items and the current ones, one line per change (the
/// server judges stored sign-offs against its latest checklist run with this too).
pub fn changes(signed: &[SignedItem], current: &[SignedItem]) -> Vec<String> {
    let mut out = Vec::new();
    for old in signed {
        match current.iter().find(|c| c.id == old.id) {
            None => out.push(format!("item {} was removed", old.id)),
            Some(new) => {
                if new.text != old.text {
                    out.push(format!("item {} text changed", old.id));
                }
                if new.verdict != old.verdict {
                    out.push(format!(
                        "item {} verdict changed from {} to {}",
                        old.id, old.verdict, new.verdict
                    ));
                } else if new.evidence != old.evidence {
                    out.push(format!("item {} evidence changed", old.id));
                }
            }
        }
    }
    for new in current {
        if !signed.iter().any(|s| s.id == new.id) {
            out.push(format!("item {} was added", new.id));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::signoff::record::{SignoffPayload, sign};
    use crate::verify::{ControlCheck, MappingSource};
    use ed25519_dalek::SigningKey;
    use vouch_core::OutcomeKind;

    fn item(id: &str, text: &str, verdict: Verdict) -> ItemReport {
        ItemReport {
            line: 1,
            id: id.into(),
            text: text.into(),
            section: vec!["PRR".into(), "Stage 3".into()],
            priority: None,
            status_in_doc: Status::Open,
            verdict,
            confidence: 0.0,
            mapping: MappingSource::None,
            controls: if verdict == Verdict::Manual {
                Vec::new()
            } else {
                vec![ControlCheck {
                    id: "DOC001".into(),
                    outcome: OutcomeKind::Pass,
                    matched: Vec::new(),
                    reason: None,
                }]
            },
            evidence: Vec::new(),
            reason: None,
            targets: Vec::new(),
            measured: Vec::new(),
            live_not_checked: Vec::new(),
            signed_off_by: None,
        }
    }

    fn signed(items: &[ItemReport], at: &str) -> SignoffEntry {
        let covered: Vec<&ItemReport> = items.iter().collect();
        let payload = SignoffPayload {
            version: 1,
            checklist: "prr.md".into(),
            section: vec!["PRR".into(), "Stage 3".into()],
            name: "Ada".into(),
            signed_at: at.into(),
            commit: Some("c0ffee".into()),
            items: signed_items(&covered),
        };
        sign(payload, &SigningKey::from_bytes(&[3u8; 32]))
    }

    fn current() -> Vec<ItemReport> {
        vec![
            item("S3-1", "Pen test report reviewed", Verdict::Manual),
            item("S3-2", "Runbooks exist", Verdict::Done),
        ]
    }

    #[test]
    fn fresh_valid_signoff_marks_manual_items_only() {
        let mut items = current();
        let entry = signed(&items, "2025-01-01T00:00:00Z");
        let checks = check_signoffs(&[entry], "prr.md", &mut items);
        assert_eq!(checks.len(), 1);
        assert!(checks[0].valid && !checks[0].stale, "{:?}", checks[0]);
        assert_eq!(items[0].signed_off_by.as_ref().unwrap().name, "Ada");
        assert_eq!(items[0].verdict, Verdict::Manual);
        assert!(items[1].signed_off_by.is_none());
    }

    #[test]
    fn edited_item_or_changed_verdict_makes_it_stale() {
        let entry = signed(&current(), "2025-01-01T00:00:00Z");
        let mut items = current();
        items[0].text = "Pen test skipped".into();
        items[1].verdict = Verdict::NotDone;
        items.push(item("S3-3", "New item", Verdict::Manual));
        let checks = check_signoffs(&[entry], "prr.md", &mut items);
        assert!(checks[0].valid && checks[0].stale);
        assert_eq!(
            checks[0].problems,
            [
                "item S3-1 text changed",
                "item S3-2 verdict changed from done to not_done",
                "item S3-3 was added"
            ]
        );
        assert!(items.iter().all(|i| i.signed_off_by.is_none()));
    }

    #[test]
    fn tampered_entry_is_invalid_and_other_checklists_are_ignored() {
        let mut items = current();
        let mut entry = signed(&items, "2025-01-01T00:00:00Z");
        entry.payload.name = "Mallory".into();
        let checks = check_signoffs(&[entry.clone()], "prr.md", &mut items);
        assert!(!checks[0].valid);
        assert!(items[0].signed_off_by.is_none());
        assert!(check_signoffs(&[entry], "other.md", &mut items).is_empty());
    }
}
