//! The `vouch.report/v1` JSON document (docs/report-format.md).

use crate::baseline::BaselineDiff;
use vouch_core::Report;

pub fn render_json(report: &Report) -> String {
    render_json_with_baseline(report, None)
}

/// The report, plus a top-level `baseline` object when the run was compared with one.
pub fn render_json_with_baseline(report: &Report, baseline: Option<&BaselineDiff>) -> String {
    let value = serde_json::to_value(report).and_then(|mut v| {
        if let (Some(diff), Some(map)) = (baseline, v.as_object_mut()) {
            map.insert("baseline".into(), serde_json::to_value(diff)?);
        }
        Ok(v)
    });
    let mut out = value
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|e| format!("{{\"error\": {}}}", serde_json::json!(e.to_string())));
    out.push('\n');
    out
}
