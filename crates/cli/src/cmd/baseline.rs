//! Reading the `--baseline` report of `vouch audit`.

use anyhow::{Context, Result, bail};
use std::path::Path;
use vouch_core::Report;
use vouch_core::report::REPORT_SCHEMA;

/// The earlier report and the name it is shown under.
pub fn load(path: &Path) -> Result<(Report, String)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("baseline {}: cannot read", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text).with_context(|| {
        format!(
            "baseline {}: not JSON (write one with `vouch audit --format json`)",
            path.display()
        )
    })?;
    if value.get("schema").and_then(|s| s.as_str()) != Some(REPORT_SCHEMA) {
        bail!(
            "baseline {}: not a {REPORT_SCHEMA} report (write one with `vouch audit --format json`)",
            path.display()
        );
    }
    let report: Report = serde_json::from_value(value)
        .with_context(|| format!("baseline {}: invalid report", path.display()))?;
    Ok((report, path.display().to_string()))
}
