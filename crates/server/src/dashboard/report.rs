//! What the pages show of a stored report: it is unpacked (gzip, off the async threads) and
//! read leniently, field by field, so an odd report shows what it has instead of failing the
//! page. Every string here came from an audited repository: templates escape it.

use super::error::{PageError, PageResult};
use crate::app::AppState;
use crate::repo::runs::{self, RunRecord};
use crate::runs::compress;
use serde_json::Value;

/// One failing, unsuppressed finding of an audit report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub control: String,
    pub title: String,
    pub severity: String,
    pub area: String,
    pub path: String,
    pub line: Option<u64>,
    pub message: String,
    pub snippet: Option<String>,
}

/// One checklist item and its verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub id: String,
    pub text: String,
    /// The heading path, outermost first.
    pub section: Vec<String>,
    pub verdict: String,
    /// Who signed it off, when a valid and fresh sign-off covers it.
    pub signed_off_by: Option<String>,
}

/// A sign-off: recorded in a checklist report, or stored on the server (see `stored.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signoff {
    /// The section's heading path (a report names one heading).
    pub section: Vec<String>,
    pub name: String,
    pub signed_at: String,
    pub valid: bool,
    pub stale: bool,
}

/// A run and its report as JSON; None when there is no such run.
pub async fn load(state: &AppState, id: i64) -> PageResult<Option<(RunRecord, Value)>> {
    let Some((record, packed)) = runs::find(&state.db, id).await? else {
        return Ok(None);
    };
    let doc = tokio::task::spawn_blocking(move || {
        compress::gunzip(&packed)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
    })
    .await
    .map_err(|_| PageError::Internal)?
    .ok_or_else(|| {
        tracing::error!(run = id, "a stored report does not unpack to JSON");
        PageError::Internal
    })?;
    Ok(Some((record, doc)))
}

/// Failing findings, most severe first, then by path and line.
pub fn findings(doc: &Value) -> Vec<Finding> {
    let mut found = Vec::new();
    for result in list(doc, "results") {
        if text(result, &["outcome"]) != "fail" {
            continue;
        }
        for finding in list(result, "findings") {
            if finding.get("suppressed").is_some_and(|s| !s.is_null()) {
                continue;
            }
            found.push(Finding {
                control: text(result, &["control", "id"]),
                title: text(result, &["control", "title"]),
                severity: text(result, &["control", "severity"]),
                area: text(result, &["control", "area"]),
                path: text(finding, &["path"]),
                line: finding.get("line").and_then(Value::as_u64),
                message: text(finding, &["message"]),
                snippet: finding
                    .get("snippet")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            });
        }
    }
    found.sort_by(|a, b| {
        severity_rank(&b.severity)
            .cmp(&severity_rank(&a.severity))
            .then_with(|| (&a.path, a.line).cmp(&(&b.path, b.line)))
    });
    found
}

pub const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "info"];

fn severity_rank(severity: &str) -> usize {
    SEVERITIES.len()
        - SEVERITIES
            .iter()
            .position(|s| *s == severity)
            .unwrap_or(SEVERITIES.len())
}

/// The items of a checklist report, in document order.
pub fn items(doc: &Value) -> Vec<Item> {
    list(doc, "items")
        .map(|item| Item {
            id: text(item, &["id"]),
            text: text(item, &["text"]),
            section: list(item, "section")
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            verdict: text(item, &["verdict"]),
            signed_off_by: item
                .get("signed_off_by")
                .and_then(|s| s.get("name"))
                .and_then(Value::as_str)
                .map(str::to_string),
        })
        .collect()
}

pub fn signoffs(doc: &Value) -> Vec<Signoff> {
    list(doc, "signoffs")
        .map(|s| Signoff {
            section: vec![text(s, &["section"])],
            name: text(s, &["name"]),
            signed_at: text(s, &["signed_at"]),
            valid: s.get("valid").and_then(Value::as_bool).unwrap_or(false),
            stale: s.get("stale").and_then(Value::as_bool).unwrap_or(false),
        })
        .collect()
}

fn list<'a>(value: &'a Value, field: &str) -> impl Iterator<Item = &'a Value> {
    value
        .get(field)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn text(value: &Value, path: &[&str]) -> String {
    path.iter()
        .try_fold(value, |v, key| v.get(key))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn failing_unsuppressed_findings_are_listed_most_severe_first() {
        let doc = json!({"results": [
            {"control": {"id": "CMP002", "title": "Healthchecks", "severity": "medium", "area": "resilience"},
             "outcome": "fail", "findings": [
                {"path": "compose.yml", "line": 3, "message": "no healthcheck", "snippet": "web:"},
                {"path": "dev.yml", "line": 1, "message": "x", "suppressed": {"reason": "dev"}}]},
            {"control": {"id": "DKR001", "title": "Non-root", "severity": "high", "area": "security"},
             "outcome": "fail", "findings": [{"path": "Dockerfile", "line": 1, "message": "root"}]},
            {"control": {"id": "CI001", "severity": "low"}, "outcome": "pass",
             "findings": [{"path": "ci.yml", "message": "fine"}]}
        ]});
        let got = findings(&doc);
        let ids: Vec<&str> = got.iter().map(|f| f.control.as_str()).collect();
        assert_eq!(ids, ["DKR001", "CMP002"]);
        assert_eq!(got[1].snippet.as_deref(), Some("web:"));
        assert_eq!(got[1].area, "resilience");
        assert_eq!(got[0].snippet, None);
    }

    #[test]
    fn checklist_items_and_signoffs_are_read() {
        let doc = json!({
            "items": [{"id": "PA-1", "text": "Runbook", "section": ["Launch", "Ops"],
                       "verdict": "manual", "signed_off_by": {"name": "Ada", "at": "x", "section": "Launch"}}],
            "signoffs": [{"section": "Launch", "name": "Ada", "signed_at": "2026-11-22T06:00:00Z",
                          "valid": true, "stale": false}]
        });
        let items = items(&doc);
        assert_eq!(items[0].section, ["Launch", "Ops"]);
        assert_eq!(items[0].signed_off_by.as_deref(), Some("Ada"));
        assert!(signoffs(&doc)[0].valid);
        assert!(findings(&json!({"results": "odd"})).is_empty());
    }
}
