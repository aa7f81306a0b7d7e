//! A report on its way to the `runs` table: its facts read (`ingest`), compressed and hashed.
//! The upload route and the audit job both store runs through this, so a run a worker made is
//! indexed exactly like an uploaded one.

use super::compress;
use super::ingest::{Ingested, ingest};
use crate::http::problem::Problem;
use crate::repo::runs::NewRun;
use bytes::Bytes;
use sha2::{Digest, Sha256};

pub struct PreparedRun {
    facts: Ingested,
    counts: String,
    packed: Vec<u8>,
    sha256: String,
    bytes: i64,
}

/// Reads, hashes and compresses `body`, all off the async threads: reports can be megabytes,
/// and parsing one on a runtime thread would stall every other request scheduled there.
/// Reading runs beside compressing and hashing, so a big upload takes the longer of the two.
pub async fn prepare(body: Bytes) -> Result<PreparedRun, Problem> {
    tokio::task::spawn_blocking(move || prepare_blocking(&body))
        .await
        .map_err(Problem::internal)?
}

fn prepare_blocking(body: &[u8]) -> Result<PreparedRun, Problem> {
    let (facts, packed) = std::thread::scope(|scope| {
        let packing = scope.spawn(|| (compress::gzip(body), Sha256::digest(body)));
        let facts = ingest(body);
        (facts, packing.join())
    });
    let facts = facts?;
    let (packed, digest) =
        packed.map_err(|_| Problem::internal("the report compressor panicked"))?;
    let packed = packed.map_err(Problem::internal)?;
    let counts = serde_json::to_string(&facts.counts).map_err(Problem::internal)?;
    Ok(PreparedRun {
        facts,
        counts,
        packed,
        sha256: crate::auth::keys::hex(&digest),
        bytes: i64::try_from(body.len()).unwrap_or(i64::MAX),
    })
}

impl PreparedRun {
    /// What the run says that webhooks compare with the project's previous run.
    pub fn signals(&self) -> &crate::webhooks::signals::Signals {
        &self.facts.signals
    }

    /// A checklist run's items, for the verdict history.
    pub fn checklist_items(&self) -> Option<&crate::checklists::items::ChecklistItems> {
        self.facts.checklist.as_ref()
    }

    pub fn new_run(&self, project_id: i64, uploaded_by: Option<i64>, now: i64) -> NewRun<'_> {
        NewRun {
            project_id,
            kind: self.facts.kind.as_str(),
            schema: &self.facts.schema,
            tool_version: self.facts.tool_version.as_deref(),
            commit_sha: self.facts.commit.as_deref(),
            score: self.facts.score,
            gate_failed: self.facts.gate_failed,
            counts: &self.counts,
            areas: &self.facts.areas,
            report_gzip: &self.packed,
            report_sha256: &self.sha256,
            report_bytes: self.bytes,
            uploaded_by,
            created_at: now,
        }
    }
}
