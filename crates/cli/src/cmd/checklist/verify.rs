use super::live::LiveOptions;
use super::pipeline::{Request, verify_with};
use anyhow::{Result, anyhow};
use clap::{Args, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use vouch_checklist::document::Document;
use vouch_checklist::verify::ItemReport;
use vouch_checklist::verify::atomic::write_atomically;
use vouch_checklist::verify::markdown::render_markdown;
use vouch_checklist::verify::table::render_table;
use vouch_checklist::verify::write_back::{annotation, desired_status};

#[derive(Args)]
pub struct VerifyArgs {
    /// The Markdown checklist.
    file: PathBuf,
    /// Repository to audit (default: the git work tree containing FILE, else its directory).
    #[arg(long, value_name = "PATH")]
    repo: Option<PathBuf>,
    /// The running service: the HTTP probes items name run against it, and numeric targets
    /// (latency, error rate, throughput) are measured by one bounded load run.
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    #[command(flatten)]
    live: LiveOptions,
    /// Configuration file (default: vouch.toml at the repository root, when present).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    format: VerifyFormat,
    /// Update the status markers in FILE: done items ticked, failing claims unticked; manual
    /// and unknown items untouched. Every other byte stays as it was.
    #[arg(long)]
    write: bool,
    /// With --write or --diff: add a trailing `<!-- vouch: IDs — note -->` to each verified item.
    #[arg(long)]
    annotate: bool,
    /// Print the changes --write would make (as a unified diff) instead of the report; writes
    /// nothing unless --write is given too.
    #[arg(long)]
    diff: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum VerifyFormat {
    Table,
    Json,
    Markdown,
}

pub fn run(args: VerifyArgs) -> Result<ExitCode> {
    if args.annotate && !args.write && !args.diff {
        return Err(anyhow!("--annotate needs --write or --diff"));
    }
    if let Some(url) = &args.url
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        return Err(anyhow!(
            "--url must start with http:// or https://, got `{url}`"
        ));
    }
    let mut verified = verify_with(
        &Request {
            file: &args.file,
            repo: args.repo.as_deref(),
            url: args.url.as_deref(),
            config: args.config.as_deref(),
            results: None,
        },
        Some(&args.live),
    )?;

    let exit = if verified.report.summary.fails() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    if args.write || args.diff {
        let problems = apply(
            &mut verified.document,
            &verified.report.items,
            args.annotate,
        );
        for problem in problems {
            eprintln!("warning: {problem}");
        }
        if args.diff {
            let name = args.file.display().to_string();
            crate::output::emit(&verified.document.diff_named(&name))?;
        }
        if args.write {
            let rendered = verified.document.render();
            let original =
                std::fs::read(&args.file).map_err(|e| anyhow!("{}: {e}", args.file.display()))?;
            if rendered != original {
                write_atomically(&args.file, &rendered)
                    .map_err(|e| anyhow!("{}: {e}", args.file.display()))?;
                eprintln!("updated {}", args.file.display());
            }
        }
        if args.diff {
            return Ok(exit);
        }
    }

    let rendered = match args.format {
        VerifyFormat::Json => {
            let mut text = serde_json::to_string_pretty(&verified.report)?;
            text.push('\n');
            text
        }
        VerifyFormat::Markdown => render_markdown(&verified.report),
        VerifyFormat::Table => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            render_table(&verified.report, color)
        }
    };
    crate::output::emit(&rendered)?;
    Ok(exit)
}

/// Applies marker changes (and annotations) to the document; returns what could not be done.
fn apply(document: &mut Document, items: &[ItemReport], annotate: bool) -> Vec<String> {
    let mut problems = Vec::new();
    for (index, item) in items.iter().enumerate() {
        if let Some(status) = desired_status(item)
            && let Err(e) = document.set_status(index, status)
        {
            problems.push(format!("line {}: marker not changed: {e}", item.line));
        }
        if annotate
            && let Some(note) = annotation(item)
            && let Err(e) = document.annotate(index, &note)
        {
            problems.push(format!("line {}: not annotated: {e}", item.line));
        }
    }
    problems
}
