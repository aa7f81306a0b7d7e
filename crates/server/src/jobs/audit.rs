//! The audit a job runs: what `vouch audit PATH --format json` does (the repository's
//! vouch.toml, the job's select/ignore/fail-on, every static control), without probes,
//! baselines or checklists. Synchronous: call it on a blocking thread.

use super::execute::JobError;
use super::types::AuditOptions;
use std::path::Path;
use std::time::Instant;
use vouch_checks::EngineOptions;
use vouch_core::config::Selector;
use vouch_core::report::{Gate, REPORT_SCHEMA};
use vouch_core::{Config, Counts, Report, Score, Severity, Target, Tool};
use vouch_workspace::LoadError;

/// The `vouch.report/v1` JSON of an audit of `root`; `shown` is the target path in the report
/// (the path or URL the job was given, not a temporary clone).
pub fn run(root: &Path, shown: &str, options: &AuditOptions) -> Result<String, JobError> {
    let started = Instant::now();
    let config = load_config(root, options)?;
    let fail_on = options
        .fail_on
        .as_deref()
        .map(str::parse::<Severity>)
        .transpose()
        .map_err(JobError::Permanent)?;
    let reads_code = vouch_checks::code::checks()
        .iter()
        .any(|c| config.is_enabled(c.meta()));
    let load = vouch_workspace::LoadOptions {
        excludes: &config.exclude,
        jobs: 0,
        on_file: None,
        skip_code: !reads_code,
    };
    let ws = vouch_workspace::load(root, &load).map_err(|e| match e {
        LoadError::NotFound(_) | LoadError::NotADirectory(_) => {
            JobError::Permanent(format!("cannot audit {shown}: {e}"))
        }
        _ => JobError::Transient(format!("cannot read {shown}: {e}")),
    })?;
    let checks = vouch_checks::all_checks();
    let engine = EngineOptions {
        config: &config,
        today: time::OffsetDateTime::now_utc().date(),
        on_check_done: None,
    };
    let output = vouch_checks::run(&ws, &checks, &engine);
    let report = Report {
        schema: REPORT_SCHEMA.to_string(),
        tool: Tool {
            name: "vouch".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        target: Target {
            path: shown.to_string(),
            commit: ws.git.as_ref().and_then(|g| g.commit.clone()),
        },
        score: Score::compute(&output.results),
        counts: Counts::tally(&output.results),
        gate: Gate {
            fail_on,
            failed: Report::gate_fails(&output.results, fail_on),
        },
        results: output.results,
        expired_suppressions: output.expired_suppressions,
        input_errors: ws.input_errors.clone(),
        files_scanned: ws.files.len(),
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    };
    Ok(vouch_report::render_json(&report))
}

/// vouch.toml at the root when present, then the job's selectors (as the CLI applies flags).
fn load_config(root: &Path, options: &AuditOptions) -> Result<Config, JobError> {
    let file = root.join("vouch.toml");
    let mut config = if file.is_file() {
        Config::load(&file).map_err(|e| JobError::Permanent(e.to_string()))?
    } else {
        Config::default()
    };
    let parse = |items: &[String]| -> Result<Vec<Selector>, JobError> {
        items
            .iter()
            .map(|s| Selector::parse(s).map_err(JobError::Permanent))
            .collect()
    };
    if !options.select.is_empty() {
        config.select = parse(&options.select)?;
    }
    config.ignore.extend(parse(&options.ignore)?);
    Ok(config)
}
