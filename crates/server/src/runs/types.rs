//! What the API shows of a run.

use crate::clock;
use crate::repo::runs::RunRecord;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RunView {
    pub id: i64,
    pub project: String,
    pub kind: String,
    pub schema: String,
    pub tool_version: Option<String>,
    pub commit: Option<String>,
    /// Overall score 0-100 (audit runs; null when nothing was scored or for checklists).
    pub score: Option<i64>,
    /// Score per area, for trends.
    pub areas: BTreeMap<String, Option<i64>>,
    pub gate_failed: Option<bool>,
    #[schema(value_type = Object)]
    pub counts: Map<String, Value>,
    pub report_sha256: String,
    pub report_bytes: i64,
    pub created_at: String,
    /// Where the original report can be downloaded.
    pub report_url: String,
}

impl RunView {
    pub fn new(record: RunRecord, project: &str) -> RunView {
        RunView {
            report_url: format!("/api/v1/runs/{}/report", record.id),
            id: record.id,
            project: project.to_string(),
            kind: record.kind,
            schema: record.schema,
            tool_version: record.tool_version,
            commit: record.commit_sha,
            score: record.score,
            areas: record.areas.into_iter().collect(),
            gate_failed: record.gate_failed,
            counts: serde_json::from_str(&record.counts).unwrap_or_default(),
            report_sha256: record.report_sha256,
            report_bytes: record.report_bytes,
            created_at: clock::rfc3339(record.created_at),
        }
    }
}
