//! Where reports go: stdout (without panicking when the reader goes away, `vouch audit | head`)
//! or files (`--output`, `--sarif`, `--junit`, ...), each rendered from the same report.

use anyhow::{Context, Result};
use clap::ValueEnum;
use std::io::Write;
use std::path::Path;
use vouch_core::{ControlMeta, Report};
use vouch_report::BaselineDiff;

/// Writes `text` to stdout. A closed pipe is not an error: the reader has what it wanted,
/// and the command still exits with its own status (so a failed gate stays failed).
pub fn emit(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Writes `text` to `path` atomically (a temporary file in the same directory, then a rename),
/// so a reader never sees half a report and a failed run leaves the old file intact.
pub fn write_file(path: &Path, text: &str) -> Result<()> {
    if path.file_name().is_none() {
        anyhow::bail!("{}: not a file path", path.display());
    }
    vouch_checklist::verify::atomic::write_atomically(path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Every format a report can be rendered in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Table,
    Json,
    Sarif,
    Junit,
    Markdown,
    Html,
}

/// What the renderers need besides the report itself.
pub struct RenderContext<'a> {
    pub catalog: &'a [&'static ControlMeta],
    pub docs_url: &'a str,
    pub baseline: Option<&'a BaselineDiff>,
    pub verbose: bool,
    /// Verdicts of a team checklist (`audit --checklist`), shown by Markdown and HTML.
    pub checklist: Option<&'a vouch_report::ChecklistVerdicts>,
}

pub fn render(format: ReportFormat, report: &Report, ctx: &RenderContext, color: bool) -> String {
    match format {
        ReportFormat::Table => vouch_report::render_table(
            report,
            &vouch_report::TableOptions {
                color,
                verbose: ctx.verbose,
                baseline: ctx.baseline,
            },
        ),
        ReportFormat::Json => vouch_report::render_json_with_baseline(report, ctx.baseline),
        ReportFormat::Sarif => vouch_report::render_sarif(report, ctx.catalog, ctx.docs_url),
        ReportFormat::Junit => vouch_report::render_junit(report),
        ReportFormat::Markdown => vouch_report::render_markdown(
            report,
            &vouch_report::MarkdownOptions {
                docs_url: ctx.docs_url,
                baseline: ctx.baseline,
                checklist: ctx.checklist,
            },
        ),
        ReportFormat::Html => vouch_report::render_html(
            report,
            &vouch_report::HtmlOptions {
                docs_url: ctx.docs_url,
                baseline: ctx.baseline,
                checklist: ctx.checklist,
            },
        ),
    }
}
