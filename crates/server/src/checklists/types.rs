//! What the API shows of checklists and sign-offs.

use super::items::Item;
use super::key::SignoffKeys;
use super::staleness::changes_since;
use crate::clock;
use crate::repo::checklist_items::HistoryRow;
use crate::repo::signoffs::SignoffRecord;
use crate::runs::types::RunView;
use serde::Serialize;
use std::collections::BTreeMap;
use vouch_checklist::signoff::{SignedItem, SignoffEntry};

/// A stored sign-off, checked again whenever it is shown.
#[derive(Clone, Debug, Serialize)]
pub struct StoredSignoff {
    pub id: i64,
    pub checklist: String,
    /// The signed section's heading path, outermost first.
    pub section: Vec<String>,
    pub name: String,
    pub signed_at: String,
    pub commit: Option<String>,
    /// The signer's Ed25519 public key (hex) and its first 16 digits.
    pub public_key: String,
    pub key: String,
    pub signature: String,
    /// `upload` (signed elsewhere, verified on upload) or `server` (signed by this server).
    pub source: String,
    /// For server sign-offs: the checklist run that was signed.
    pub run_id: Option<i64>,
    /// Who stored it (`user:ID`, `api-key:ID`).
    pub created_by: String,
    pub created_at: String,
    /// The signature verifies over the stored payload.
    pub valid: bool,
    /// Made by this server, or by a key in `signoff_trusted_keys` (any key when none is set).
    pub trusted: bool,
    /// The latest checklist run's items differ from the signed ones.
    pub stale: bool,
    /// Why it is invalid or stale.
    pub problems: Vec<String>,
    pub items: Vec<SignedItem>,
}

impl StoredSignoff {
    /// Checks `record`'s signature and judges it against `latest` (the latest checklist run's
    /// items, when there is one).
    pub fn judge(
        record: SignoffRecord,
        keys: &SignoffKeys,
        latest: Option<&super::items::ChecklistItems>,
    ) -> StoredSignoff {
        let entry: Option<SignoffEntry> = serde_json::from_str(&record.entry).ok();
        let mut problems = Vec::new();
        let valid = match &entry {
            None => {
                problems.push("the stored entry cannot be read".to_string());
                false
            }
            Some(entry) => match entry.verify_signature() {
                Ok(()) => true,
                Err(reason) => {
                    problems.push(reason);
                    false
                }
            },
        };
        let changes = match (&entry, latest) {
            (Some(entry), Some(latest)) if valid => {
                changes_since(&entry.payload, latest).unwrap_or_default()
            }
            _ => Vec::new(),
        };
        let stale = !changes.is_empty();
        problems.extend(changes);
        let trusted = record.source == "server" || keys.trusts(&record.public_key);
        let (section, commit, items) = match entry {
            Some(entry) => (
                entry.payload.section,
                entry.payload.commit,
                entry.payload.items,
            ),
            None => (Vec::new(), None, Vec::new()),
        };
        StoredSignoff {
            id: record.id,
            checklist: record.checklist,
            section,
            name: record.signer,
            signed_at: record.signed_at,
            commit,
            key: record.public_key.chars().take(16).collect(),
            public_key: record.public_key,
            signature: record.signature,
            source: record.source,
            run_id: record.run_id,
            created_by: record.created_by,
            created_at: clock::rfc3339(record.created_at),
            valid,
            trusted,
            stale,
            problems,
            items,
        }
    }
}

/// A heading of the checklist and how many of the items under it have each verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SectionView {
    pub path: Vec<String>,
    pub items: usize,
    pub verdicts: BTreeMap<String, usize>,
}

/// Every heading path (each level) in the order the items first name it.
pub fn sections(items: &[Item]) -> Vec<SectionView> {
    let mut out: Vec<SectionView> = Vec::new();
    for item in items {
        for depth in 1..=item.section.len() {
            let path = &item.section[..depth];
            let index = match out.iter().position(|s| s.path == path) {
                Some(index) => index,
                None => {
                    out.push(SectionView {
                        path: path.to_vec(),
                        items: 0,
                        verdicts: BTreeMap::new(),
                    });
                    out.len() - 1
                }
            };
            out[index].items += 1;
            *out[index].verdicts.entry(item.verdict.clone()).or_default() += 1;
        }
    }
    out
}

/// `GET /api/v1/projects/{name}/checklist`: the latest checklist run.
#[derive(Debug, Serialize)]
pub struct ChecklistView {
    pub project: String,
    pub checklist: String,
    pub run: RunView,
    pub sections: Vec<SectionView>,
    pub items: Vec<Item>,
    /// The project's stored sign-offs of this checklist, oldest first.
    pub signoffs: Vec<StoredSignoff>,
}

/// One run's verdict for an item.
#[derive(Debug, Serialize)]
pub struct HistoryEntry {
    pub run_id: i64,
    pub created_at: String,
    pub commit: Option<String>,
    pub checklist: String,
    pub section: Vec<String>,
    pub text: String,
    pub verdict: String,
    pub claimed: bool,
}

impl From<HistoryRow> for HistoryEntry {
    fn from(row: HistoryRow) -> HistoryEntry {
        HistoryEntry {
            run_id: row.run_id,
            created_at: clock::rfc3339(row.created_at),
            commit: row.commit_sha,
            checklist: row.checklist,
            section: row.item.section,
            text: row.item.text,
            verdict: row.item.verdict,
            claimed: row.item.claimed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_list_every_heading_level_with_verdict_counts() {
        let item = |id: &str, section: &[&str], verdict: &str| Item {
            id: id.into(),
            section: section.iter().map(|s| s.to_string()).collect(),
            text: String::new(),
            verdict: verdict.into(),
            claimed: false,
        };
        let got = sections(&[
            item("a", &["Launch", "Security"], "done"),
            item("b", &["Launch", "Docs"], "manual"),
            item("c", &["Launch", "Security"], "not_done"),
        ]);
        let paths: Vec<String> = got.iter().map(|s| s.path.join(" > ")).collect();
        assert_eq!(paths, ["Launch", "Launch > Security", "Launch > Docs"]);
        assert_eq!(got[0].items, 3);
        assert_eq!(got[1].verdicts["not_done"], 1);
        assert_eq!(got[2].verdicts.get("done"), None);
    }
}
