//! Walks the chain from the first entry and reports the first entry that breaks it.

use super::chain;
use crate::db::Db;
use crate::repo::audit_log as repo;
use serde::Serialize;

/// Entries read per query while walking the chain.
const BATCH: i64 = 1000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Report {
    /// Entries read.
    pub checked: u64,
    /// The last entry read and its hash: keep them elsewhere to detect a truncated tail, which
    /// the chain alone cannot show.
    pub last_seq: Option<i64>,
    pub last_hash: Option<String>,
    /// The first entry that breaks the chain; `None` when the chain is intact.
    pub broken: Option<Break>,
}

impl Report {
    pub fn intact(&self) -> bool {
        self.broken.is_none()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Break {
    /// The sequence number where the chain breaks (for a gap: the first missing one).
    pub seq: i64,
    pub reason: String,
}

pub async fn verify(db: &Db) -> Result<Report, sqlx::Error> {
    let mut report = Report {
        checked: 0,
        last_seq: None,
        last_hash: None,
        broken: None,
    };
    let mut expected_seq = 1;
    let mut prev_hash = chain::GENESIS.to_string();
    loop {
        let entries = repo::page(db, expected_seq - 1, BATCH).await?;
        let done = (entries.len() as i64) < BATCH;
        for entry in entries {
            report.checked += 1;
            let reason = if entry.seq != expected_seq {
                Some(format!(
                    "entry {expected_seq} is missing (the next entry is {})",
                    entry.seq
                ))
            } else if entry.prev_hash != prev_hash {
                Some(format!(
                    "its prev_hash does not match the hash of entry {}",
                    expected_seq - 1
                ))
            } else if chain::hash(&entry) != entry.hash {
                Some("its hash does not match its contents".to_string())
            } else {
                None
            };
            if let Some(reason) = reason {
                report.broken = Some(Break {
                    seq: expected_seq,
                    reason,
                });
                return Ok(report);
            }
            report.last_seq = Some(entry.seq);
            expected_seq = entry.seq + 1;
            prev_hash = entry.hash.clone();
            report.last_hash = Some(entry.hash);
        }
        if done {
            return Ok(report);
        }
    }
}
