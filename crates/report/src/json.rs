//! The `vouch.report/v1` JSON document (docs/report-format.md).

use vouch_core::Report;

pub fn render_json(report: &Report) -> String {
    let mut out =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}
