//! Reads an uploaded report: the `schema` field says which kind it is, and the numbers trends
//! need (score, per-area scores, counts, gate, commit) are taken from it. Anything else is
//! stored untouched. A body that is not a report of a known schema is a 422 listing the fields.
//!
//! `vouch probe --format json` writes a `vouch.report/v1` too: a report whose every result is a
//! live control (`HTTP…`, `LOAD…`) is stored as a probe run. `vouch load --format json` writes
//! `vouch.load/v1`, whose latency percentiles, rate, error rate and threshold verdicts are kept
//! in the run's counts.

use crate::http::problem::{FieldError, Problem};
use crate::webhooks::signals::{self, Signals};
use serde_json::{Map, Value};
use vouch_core::Area;
use vouch_core::report::REPORT_SCHEMA;

pub const CHECKLIST_SCHEMA: &str = "vouch.checklist/v1";
pub const LOAD_SCHEMA: &str = "vouch.load/v1";

/// Control ID prefixes of the live controls `vouch probe` evaluates.
const LIVE_PREFIXES: [&str; 2] = ["HTTP", "LOAD"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunKind {
    Audit,
    Checklist,
    Probe,
    Load,
}

impl RunKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            RunKind::Audit => "audit",
            RunKind::Checklist => "checklist",
            RunKind::Probe => "probe",
            RunKind::Load => "load",
        }
    }
}

/// The indexed facts of one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingested {
    pub kind: RunKind,
    pub schema: String,
    pub tool_version: Option<String>,
    pub commit: Option<String>,
    pub score: Option<i64>,
    pub areas: Vec<(String, Option<i64>)>,
    pub gate_failed: Option<bool>,
    /// The report's counts (audit) or summary (checklist), as a JSON object.
    pub counts: Map<String, Value>,
    /// What regressions are detected on (critical findings, claims, sign-offs).
    pub signals: Signals,
    /// A checklist run's items, for the verdict history.
    pub checklist: Option<crate::checklists::items::ChecklistItems>,
}

pub fn ingest(body: &[u8]) -> Result<Ingested, Problem> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| Problem::bad_request(format!("the body is not valid JSON: {e}")))?;
    let Value::Object(doc) = value else {
        return Err(Problem::validation(vec![FieldError::new(
            "",
            "a report is a JSON object",
        )]));
    };
    let schema = doc
        .get("schema")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut errors = Vec::new();
    let ingested = match schema {
        REPORT_SCHEMA => audit(&doc, &mut errors),
        CHECKLIST_SCHEMA => checklist(&doc, &mut errors),
        LOAD_SCHEMA => super::load::ingest(&doc, &mut errors),
        _ => {
            return Err(Problem::validation(vec![FieldError::new(
                "schema",
                format!("must be `{REPORT_SCHEMA}`, `{CHECKLIST_SCHEMA}` or `{LOAD_SCHEMA}`"),
            )]));
        }
    };
    if errors.is_empty() {
        Ok(ingested)
    } else {
        Err(Problem::validation(errors))
    }
}

fn audit(doc: &Map<String, Value>, errors: &mut Vec<FieldError>) -> Ingested {
    let score = doc.get("score").and_then(Value::as_object);
    if score.is_none() {
        errors.push(FieldError::new("score", "required object"));
    }
    let overall = score_value(
        score.and_then(|s| s.get("overall")),
        "score.overall",
        errors,
    );
    let mut areas = Vec::new();
    match score
        .and_then(|s| s.get("areas"))
        .and_then(Value::as_object)
    {
        Some(map) => {
            for (name, value) in map {
                let field = format!("score.areas.{name}");
                if !Area::ALL.iter().any(|a| a.as_str() == name) {
                    errors.push(FieldError::new(field, "unknown area"));
                    continue;
                }
                areas.push((name.clone(), score_value(Some(value), &field, errors)));
            }
        }
        None if score.is_some() => errors.push(FieldError::new("score.areas", "required object")),
        None => {}
    }
    areas.sort();
    let counts = counts_object(doc.get("counts"), "counts", errors);
    let gate_failed = match doc.get("gate").and_then(|g| g.get("failed")) {
        Some(Value::Bool(b)) => Some(*b),
        _ => {
            errors.push(FieldError::new("gate.failed", "required boolean"));
            None
        }
    };
    Ingested {
        kind: if is_probe(doc) {
            RunKind::Probe
        } else {
            RunKind::Audit
        },
        schema: REPORT_SCHEMA.into(),
        tool_version: tool_version(doc),
        commit: commit(doc, errors),
        score: overall,
        areas,
        gate_failed,
        counts,
        signals: signals::of_audit(doc),
        checklist: None,
    }
}

/// A report of live controls only: what `vouch probe` writes (an audit never runs them).
fn is_probe(doc: &Map<String, Value>) -> bool {
    let mut ids = doc
        .get("results")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|r| {
            r.get("control")
                .and_then(|c| c.get("id"))
                .and_then(Value::as_str)
                .unwrap_or_default()
        })
        .peekable();
    ids.peek().is_some() && ids.all(|id| LIVE_PREFIXES.iter().any(|p| id.starts_with(p)))
}

fn checklist(doc: &Map<String, Value>, errors: &mut Vec<FieldError>) -> Ingested {
    Ingested {
        kind: RunKind::Checklist,
        schema: CHECKLIST_SCHEMA.into(),
        tool_version: tool_version(doc),
        commit: commit(doc, errors),
        score: None,
        areas: Vec::new(),
        gate_failed: None,
        counts: counts_object(doc.get("summary"), "summary", errors),
        signals: signals::of_checklist(doc),
        checklist: Some(crate::checklists::items::of_report(doc)),
    }
}

/// `null` (nothing scored) or an integer 0–100.
fn score_value(value: Option<&Value>, field: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
    match value {
        Some(Value::Null) => None,
        Some(v) if v.as_i64().is_some_and(|n| (0..=100).contains(&n)) => v.as_i64(),
        _ => {
            errors.push(FieldError::new(
                field,
                "must be null or an integer from 0 to 100",
            ));
            None
        }
    }
}

/// An object of non-negative integers.
fn counts_object(
    value: Option<&Value>,
    field: &str,
    errors: &mut Vec<FieldError>,
) -> Map<String, Value> {
    let Some(map) = value.and_then(Value::as_object) else {
        errors.push(FieldError::new(field, "required object of counts"));
        return Map::new();
    };
    for (name, v) in map {
        if v.as_u64().is_none() {
            errors.push(FieldError::new(
                format!("{field}.{name}"),
                "must be a non-negative integer",
            ));
        }
    }
    map.clone()
}

pub(super) fn tool_version(doc: &Map<String, Value>) -> Option<String> {
    doc.get("tool")
        .and_then(|t| t.get("version"))
        .and_then(Value::as_str)
        .map(|v| v.chars().take(64).collect())
}

/// `target.commit`, when present, is a full hex object ID.
fn commit(doc: &Map<String, Value>, errors: &mut Vec<FieldError>) -> Option<String> {
    let value = doc.get("target").and_then(|t| t.get("commit"))?;
    match value.as_str() {
        Some(c) if (40..=64).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Some(c.to_ascii_lowercase())
        }
        _ => {
            errors.push(FieldError::new(
                "target.commit",
                "must be a 40-64 digit hex commit ID",
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn audit_report() -> Value {
        json!({
            "schema": "vouch.report/v1",
            "tool": {"name": "vouch", "version": "0.1.0"},
            "target": {"path": ".", "commit": "a".repeat(40)},
            "score": {"overall": 72, "areas": {"security": 60, "testing": null}},
            "counts": {"pass": 3, "fail": 1, "unknown": 0, "not_applicable": 2, "error": 0, "suppressed_findings": 0},
            "gate": {"fail_on": null, "failed": true},
            "results": []
        })
    }

    #[test]
    fn an_audit_report_yields_its_indexed_numbers() {
        let body = serde_json::to_vec(&audit_report()).unwrap();
        let got = ingest(&body).unwrap();
        assert_eq!(got.kind, RunKind::Audit);
        assert_eq!(got.score, Some(72));
        assert_eq!(
            got.areas,
            vec![("security".into(), Some(60)), ("testing".into(), None)]
        );
        assert_eq!(got.gate_failed, Some(true));
        assert_eq!(got.commit.as_deref(), Some("a".repeat(40).as_str()));
        assert_eq!(got.counts["fail"], json!(1));
    }

    #[test]
    fn a_report_of_live_controls_only_is_a_probe_run() {
        let mut report = audit_report();
        report["target"] = json!({"path": "http://127.0.0.1:8080"});
        report["results"] = json!([
            {"control": {"id": "HTTP001", "severity": "high"}, "outcome": "pass"},
            {"control": {"id": "LOAD002", "severity": "medium"}, "outcome": "fail"}
        ]);
        let got = ingest(&serde_json::to_vec(&report).unwrap()).unwrap();
        assert_eq!(got.kind, RunKind::Probe);
        assert_eq!(got.score, Some(72));
        assert_eq!(got.counts["fail"], json!(1));

        report["results"][1]["control"]["id"] = json!("DKR001");
        let got = ingest(&serde_json::to_vec(&report).unwrap()).unwrap();
        assert_eq!(
            got.kind,
            RunKind::Audit,
            "a static control makes it an audit"
        );
        report["results"] = json!([]);
        let got = ingest(&serde_json::to_vec(&report).unwrap()).unwrap();
        assert_eq!(got.kind, RunKind::Audit, "no results: nothing says probe");
    }

    #[test]
    fn a_checklist_report_has_counts_and_no_score() {
        let body = json!({
            "schema": "vouch.checklist/v1",
            "tool": {"name": "vouch", "version": "0.1.0"},
            "summary": {"total": 4, "done": 2, "not_done": 1, "manual": 1},
            "target": {"path": "."},
            "items": []
        });
        let got = ingest(&serde_json::to_vec(&body).unwrap()).unwrap();
        assert_eq!(got.kind, RunKind::Checklist);
        assert_eq!(got.score, None);
        assert_eq!(got.counts["total"], json!(4));
    }

    #[test]
    fn wrong_schema_and_bad_fields_are_listed() {
        let err = ingest(br#"{"schema":"vouch.report/v9"}"#).unwrap_err();
        assert_eq!(err.status, 422);
        assert_eq!(err.errors[0].field, "schema");
        assert!(err.errors[0].message.contains("vouch.load/v1"));

        let mut bad = audit_report();
        bad["score"]["overall"] = json!(140);
        bad["score"]["areas"]["astrology"] = json!(1);
        bad["target"]["commit"] = json!("HEAD");
        let err = ingest(&serde_json::to_vec(&bad).unwrap()).unwrap_err();
        let fields: Vec<&str> = err.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["score.overall", "score.areas.astrology", "target.commit"]
        );
    }

    #[test]
    fn non_json_and_non_objects_are_rejected() {
        assert_eq!(ingest(b"{not json").unwrap_err().status, 400);
        assert_eq!(ingest(b"[1,2]").unwrap_err().status, 422);
    }
}
