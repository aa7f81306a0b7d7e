use crate::output::{RenderContext, ReportFormat};
use crate::progress::Progress;
use anyhow::{Context, Result};
use clap::Args;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use vouch_checks::EngineOptions;
use vouch_core::config::Selector;
use vouch_core::report::{Gate, REPORT_SCHEMA};
use vouch_core::{Config, Counts, Report, Score, Severity, Target, Tool};

#[derive(Args)]
pub struct AuditArgs {
    /// Repository to audit.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Format of the main output (stdout, or the --output file).
    #[arg(long, value_enum, default_value = "table")]
    format: ReportFormat,
    /// Write the --format output to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Also write the JSON report (vouch.report/v1) to FILE.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Also write SARIF 2.1.0 (code scanning) to FILE.
    #[arg(long, value_name = "FILE")]
    sarif: Option<PathBuf>,
    /// Also write JUnit XML (CI test tabs) to FILE.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Also write a Markdown summary (pull-request comment) to FILE.
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// Also write a self-contained HTML report to FILE.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Base URL of the control docs linked from Markdown, HTML and SARIF (`{URL}/{ID}.md`).
    #[arg(long, value_name = "URL", default_value = "docs/controls")]
    docs_url: String,
    /// Exit 1 when a control at or above this severity fails.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    fail_on: Option<Severity>,
    /// An earlier JSON report: findings are classified new, fixed or unchanged by fingerprint.
    #[arg(long, value_name = "OLD.json")]
    baseline: Option<PathBuf>,
    /// Gate only on findings that are not in the baseline (with --fail-on: new ones at or
    /// above that severity; alone: any new finding).
    #[arg(long, requires = "baseline")]
    fail_on_new: bool,
    /// Only these controls: IDs, ID prefixes (DKR) or areas (security). Replaces the config's.
    #[arg(long, value_delimiter = ',', value_name = "SELECTOR")]
    select: Vec<String>,
    /// Skip these controls: IDs, prefixes or areas. Adds to the config's.
    #[arg(long, value_delimiter = ',', value_name = "SELECTOR")]
    ignore: Vec<String>,
    /// Configuration file (default: vouch.toml at the audited root, when present).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Never show the progress bar.
    #[arg(long)]
    no_progress: bool,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    jobs: usize,
    /// Table output: also list passing controls and their evidence.
    #[arg(long, short = 'v')]
    verbose: bool,
    /// Print the time spent reading files and in the slowest controls to stderr.
    #[arg(long)]
    timings: bool,
    /// A team's Markdown readiness checklist: its items get verdicts from this audit's
    /// results, shown in the Markdown and HTML reports (`checklist verify` for the full view).
    #[arg(long, value_name = "FILE.md")]
    checklist: Option<PathBuf>,
    /// Also probe the running service at this URL; static and live results in one report.
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    #[command(flatten)]
    live: super::probe::LiveArgs,
    /// Upload the JSON report to the vouch server at URL (API key in VOUCH_API_KEY).
    #[arg(long, value_name = "URL", requires = "project")]
    upload: Option<String>,
    /// The server's project to upload to (with --upload).
    #[arg(long, value_name = "NAME", requires = "upload")]
    project: Option<String>,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

pub fn run(args: AuditArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let config = load_config(&args)?;
    let upload_key = args
        .upload
        .as_ref()
        .map(|_| super::audit_upload::api_key())
        .transpose()?;
    // Read the baseline before the audit so a bad file fails fast.
    let baseline = args
        .baseline
        .as_deref()
        .map(crate::cmd::baseline::load)
        .transpose()?;
    if args.jobs > 0 {
        // Checks run on rayon's global pool; size it once, before any parallel work.
        let _ = rayon_pool(args.jobs);
    }

    let progress = Progress::new(!args.no_progress);
    progress.stage("reading files", None);
    let on_file = || progress.tick();
    // Source code is parsed only when a selected control reads it (the CODE domain does).
    let reads_code = vouch_checks::code::checks()
        .iter()
        .any(|c| config.is_enabled(c.meta()));
    let options = vouch_workspace::LoadOptions {
        excludes: &config.exclude,
        jobs: args.jobs,
        on_file: Some(&on_file),
        skip_code: !reads_code,
    };
    let ws = vouch_workspace::load(&args.path, &options).map_err(|e| anyhow::anyhow!("{e}"))?;

    let checks = vouch_checks::all_checks();
    progress.stage("checking", Some(checks.len() as u64));
    let loaded = started.elapsed();
    let timings = std::sync::Mutex::new(Vec::new());
    let on_check = |id: &str, took: std::time::Duration| {
        progress.tick();
        if args.timings {
            timings
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((took, id.to_string()));
        }
    };
    let today = time::OffsetDateTime::now_utc().date();
    let engine = EngineOptions {
        config: &config,
        today,
        on_check_done: Some(&on_check),
    };
    let mut output = vouch_checks::run(&ws, &checks, &engine);
    progress.finish();
    if let Some(url) = &args.url {
        let live =
            super::probe::run_live(url, &args.live, Some(args.path.clone()), &config, today)?;
        output.results.extend(live);
        output
            .results
            .sort_by(|a, b| a.control.id.cmp(&b.control.id));
    }
    if args.timings {
        print_timings(
            loaded,
            started.elapsed(),
            timings.into_inner().unwrap_or_else(|e| e.into_inner()),
        );
    }

    let failed = Report::gate_fails(&output.results, args.fail_on);
    let mut report = Report {
        schema: REPORT_SCHEMA.to_string(),
        tool: Tool {
            name: "vouch".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        target: Target {
            path: args.path.display().to_string(),
            commit: ws.git.as_ref().and_then(|g| g.commit.clone()),
        },
        score: Score::compute(&output.results),
        counts: Counts::tally(&output.results),
        gate: Gate {
            fail_on: args.fail_on,
            failed,
        },
        results: output.results,
        expired_suppressions: output.expired_suppressions,
        input_errors: ws.input_errors.clone(),
        files_scanned: ws.files.len(),
        duration_ms: started.elapsed().as_millis() as u64,
    };

    let diff = baseline.map(|(old, source)| {
        let mut diff = vouch_report::BaselineDiff::compare(&old, &report, &source);
        diff.fail_on_new = args.fail_on_new;
        diff
    });
    if let Some(diff) = diff.as_ref().filter(|d| d.fail_on_new) {
        report.gate.failed = diff.new_findings_fail(&report, args.fail_on);
    }

    let checklist = args
        .checklist
        .as_deref()
        .map(|file| checklist_verdicts(file, &args, &report))
        .transpose()?;
    let catalog: Vec<&'static vouch_core::ControlMeta> = checks.iter().map(|c| c.meta()).collect();
    let ctx = RenderContext {
        catalog: &catalog,
        docs_url: &args.docs_url,
        baseline: diff.as_ref(),
        verbose: args.verbose,
        checklist: checklist.as_ref(),
    };
    let extra_outputs = [
        (ReportFormat::Json, &args.json),
        (ReportFormat::Sarif, &args.sarif),
        (ReportFormat::Junit, &args.junit),
        (ReportFormat::Markdown, &args.markdown),
        (ReportFormat::Html, &args.html),
    ];
    for (format, path) in extra_outputs {
        if let Some(path) = path {
            crate::output::write_file(path, &crate::output::render(format, &report, &ctx, false))?;
        }
    }
    match &args.output {
        Some(path) => crate::output::write_file(
            path,
            &crate::output::render(args.format, &report, &ctx, false),
        )?,
        None => {
            let color = args.format == ReportFormat::Table
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none();
            crate::output::emit(&crate::output::render(args.format, &report, &ctx, color))?;
        }
    }
    if let (Some(server), Some(project), Some(key)) = (&args.upload, &args.project, &upload_key) {
        let json = crate::output::render(ReportFormat::Json, &report, &ctx, false);
        let run = super::audit_upload::upload(server, project, key, json)?;
        eprintln!("uploaded: {run}");
    }
    Ok(if report.gate.failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `--config FILE`, else `vouch.toml` at the audited root; CLI selectors applied on top.
fn load_config(args: &AuditArgs) -> Result<Config> {
    let mut config = match &args.config {
        Some(path) => Config::load(path)?,
        None => {
            let default = args.path.join("vouch.toml");
            if default.is_file() {
                Config::load(&default)?
            } else {
                Config::default()
            }
        }
    };
    let parse = |items: &[String]| -> Result<Vec<Selector>> {
        items
            .iter()
            .filter(|s| !s.trim().is_empty())
            .map(|s| Selector::parse(s).map_err(anyhow::Error::msg))
            .collect::<Result<Vec<_>>>()
            .context("invalid selector")
    };
    if !args.select.is_empty() {
        config.select = parse(&args.select)?;
    }
    config.ignore.extend(parse(&args.ignore)?);
    Ok(config)
}

fn print_timings(
    loaded: std::time::Duration,
    total: std::time::Duration,
    mut per_check: Vec<(std::time::Duration, String)>,
) {
    per_check.sort_by_key(|entry| std::cmp::Reverse(entry.0));
    eprintln!("read and parse: {:>8.1} ms", loaded.as_secs_f64() * 1e3);
    eprintln!("total:          {:>8.1} ms", total.as_secs_f64() * 1e3);
    for (took, id) in per_check.iter().take(15) {
        eprintln!("  {id:<8} {:>8.1} ms", took.as_secs_f64() * 1e3);
    }
}

fn rayon_pool(jobs: usize) -> Result<(), String> {
    vouch_checks::set_threads(jobs)
}

/// The checklist's items judged on this audit's results (no second read of the repository).
fn checklist_verdicts(
    file: &std::path::Path,
    args: &AuditArgs,
    report: &Report,
) -> Result<vouch_report::ChecklistVerdicts> {
    let verified = super::checklist::pipeline::verify(&super::checklist::pipeline::Request {
        file,
        repo: Some(&args.path),
        url: None,
        config: args.config.as_deref(),
        results: Some((&report.results, report.target.commit.clone())),
    })?;
    // The renderers read the items in their `vouch.checklist/v1` JSON shape.
    let items = serde_json::to_value(&verified.report.items)?;
    Ok(vouch_report::ChecklistVerdicts {
        source: file.display().to_string(),
        items: serde_json::from_value(items).context("checklist verdicts for the report")?,
    })
}
