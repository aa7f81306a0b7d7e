//! The facts of one report that regressions are detected on: the failing critical findings of
//! an audit, the item verdicts and sign-offs of a checklist. Stored per run (`run_signals`) so
//! the next run compares against them without unpacking the previous report.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Longest text kept per field: enough for a message, bounded for a hostile report.
const MAX_TEXT: usize = 500;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signals {
    #[serde(default)]
    pub critical: Vec<CriticalFinding>,
    #[serde(default)]
    pub claims: Vec<Claim>,
    #[serde(default)]
    pub signoffs: Vec<Signoff>,
}

/// A failing, unsuppressed finding of a control whose effective severity is critical.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriticalFinding {
    pub fingerprint: String,
    pub control: String,
    pub title: String,
    pub path: String,
    pub line: Option<u64>,
    pub message: String,
}

/// One checklist item and its verdict (`docs/checklist.md`, "Verdicts").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub id: String,
    pub text: String,
    pub section: Vec<String>,
    pub verdict: String,
}

/// One recorded sign-off of a checklist section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signoff {
    pub section: String,
    pub name: String,
    pub signed_at: String,
    pub stale: bool,
}

impl Signoff {
    /// What identifies the same sign-off from one run to the next.
    pub fn key(&self) -> (&str, &str, &str) {
        (&self.section, &self.name, &self.signed_at)
    }
}

/// Signals of a `vouch.report/v1` document (`results[]`).
pub fn of_audit(doc: &Map<String, Value>) -> Signals {
    let mut critical = Vec::new();
    for result in array(doc, "results") {
        let control = result.get("control");
        let severity = control
            .and_then(|c| c.get("severity"))
            .and_then(Value::as_str);
        if severity != Some("critical") || text(result.get("outcome")) != "fail" {
            continue;
        }
        for finding in result
            .get("findings")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if finding.get("suppressed").is_some_and(|s| !s.is_null()) {
                continue;
            }
            critical.push(CriticalFinding {
                fingerprint: text(finding.get("fingerprint")),
                control: text(control.and_then(|c| c.get("id"))),
                title: text(control.and_then(|c| c.get("title"))),
                path: text(finding.get("path")),
                line: finding.get("line").and_then(Value::as_u64),
                message: text(finding.get("message")),
            });
        }
    }
    Signals {
        critical,
        ..Signals::default()
    }
}

/// Signals of a `vouch.checklist/v1` document (`items[]`, `signoffs[]`).
pub fn of_checklist(doc: &Map<String, Value>) -> Signals {
    let claims = array(doc, "items")
        .map(|item| Claim {
            id: text(item.get("id")),
            text: text(item.get("text")),
            section: strings(item.get("section"), MAX_TEXT),
            verdict: text(item.get("verdict")),
        })
        .filter(|c| !c.id.is_empty())
        .collect();
    let signoffs = array(doc, "signoffs")
        .map(|s| Signoff {
            section: text(s.get("section")),
            name: text(s.get("name")),
            signed_at: text(s.get("signed_at")),
            stale: s.get("stale").and_then(Value::as_bool).unwrap_or(false),
        })
        .collect();
    Signals {
        claims,
        signoffs,
        ..Signals::default()
    }
}

fn array<'a>(doc: &'a Map<String, Value>, field: &str) -> impl Iterator<Item = &'a Value> {
    doc.get(field)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// An array of strings, each at most `max` characters.
pub(crate) fn strings(value: Option<&Value>, max: usize) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|s| bounded_text(Some(s), max))
        .collect()
}

fn text(value: Option<&Value>) -> String {
    bounded_text(value, MAX_TEXT)
}

/// A string field, at most `max` characters; empty when absent or not a string.
pub(crate) fn bounded_text(value: Option<&Value>, max: usize) -> String {
    value
        .and_then(Value::as_str)
        .map(|s| s.chars().take(max).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_unsuppressed_failing_critical_findings_count() {
        let doc = json!({"results": [
            {"control": {"id": "SEC001", "title": "No secrets", "severity": "critical"},
             "outcome": "fail", "findings": [
                {"path": "a.env", "line": 3, "message": "key", "fingerprint": "aaaa"},
                {"path": "b.env", "line": 1, "message": "key", "fingerprint": "bbbb",
                 "suppressed": {"kind": "inline", "reason": "test data"}}]},
            {"control": {"id": "DKR001", "severity": "high"}, "outcome": "fail",
             "findings": [{"path": "Dockerfile", "fingerprint": "cccc"}]},
            {"control": {"id": "SEC002", "severity": "critical"}, "outcome": "pass"}
        ]});
        let signals = of_audit(doc.as_object().unwrap());
        let fingerprints: Vec<&str> = signals
            .critical
            .iter()
            .map(|f| f.fingerprint.as_str())
            .collect();
        assert_eq!(fingerprints, ["aaaa"]);
        assert_eq!(signals.critical[0].control, "SEC001");
        assert_eq!(signals.critical[0].line, Some(3));
    }

    #[test]
    fn checklist_items_and_signoffs_are_read() {
        let doc = json!({
            "items": [{"id": "PA-1", "text": "Runs as non-root", "section": ["Launch"],
                       "verdict": "done"}, {"text": "no id"}],
            "signoffs": [{"section": "Launch", "name": "Ada", "signed_at": "2026-11-22T06:00:00Z",
                          "stale": true}]
        });
        let signals = of_checklist(doc.as_object().unwrap());
        assert_eq!(signals.claims.len(), 1);
        assert_eq!(signals.claims[0].section, ["Launch"]);
        assert!(signals.signoffs[0].stale);
    }
}
