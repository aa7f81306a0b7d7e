//! `vouch load URL`: load a running service (open or closed model), print latency, throughput
//! and errors, and gate on k6-style thresholds. Exit 1 when a threshold fails, 2 on bad input
//! or when no request got an answer at all.

use super::Format;
use anyhow::{Context, Result};
use clap::Args;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use vouch_load::options::{Options, build};
use vouch_load::progress::{Live, ProgressLine};

#[derive(Args)]
pub struct LoadArgs {
    /// The http:// or https:// URL to load (optional with a scenario that names its `target`).
    url: Option<String>,
    /// A YAML scenario: endpoints with weights, methods, headers, bodies, and thresholds.
    #[arg(long, short = 's', value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Open model: requests per second at a constant arrival rate (`2000/s`, `120/m`).
    #[arg(long, conflicts_with = "concurrency")]
    rate: Option<String>,
    /// Closed model: connections that each send the next request when the last is answered
    /// (default 10).
    #[arg(long, short = 'c', value_name = "N")]
    concurrency: Option<String>,
    /// Open model: connections available to send on (default 64).
    #[arg(long, value_name = "N")]
    connections: Option<String>,
    /// Measured time (`10s`, `1m`; default 10s, at most 1h with the warmup).
    #[arg(long, short = 'd')]
    duration: Option<String>,
    /// Measured requests at most (at most 100,000,000).
    #[arg(long, short = 'n', value_name = "N")]
    requests: Option<String>,
    /// Load sent before measuring starts; its results are discarded.
    #[arg(long)]
    warmup: Option<String>,
    /// Per request, connect included (default 10s).
    #[arg(long)]
    timeout: Option<String>,
    /// HTTP method (default GET).
    #[arg(long, short = 'X')]
    method: Option<String>,
    /// A request header, `Name: value` (repeatable).
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// Request body.
    #[arg(long, conflicts_with = "body_file")]
    body: Option<String>,
    /// Request body read from a file.
    #[arg(long, value_name = "FILE")]
    body_file: Option<PathBuf>,
    /// Pass/fail criterion: `p(95)<100ms`, `p(99.9)<1s`, `avg<50ms`, `med<20ms`, `max<2s`,
    /// `errors<1%`, `rps>1000` (repeatable). Exit 1 when one fails.
    #[arg(long = "threshold", short = 't', value_name = "EXPR")]
    thresholds: Vec<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Do not draw the live progress line on stderr.
    #[arg(long)]
    no_progress: bool,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    threads: usize,
    /// Accept any TLS certificate (only when you mean it).
    #[arg(long)]
    insecure: bool,
    /// Also trust this CA certificate (PEM) for HTTPS: a private or internal CA.
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<PathBuf>,
}

pub fn run(args: LoadArgs) -> Result<ExitCode> {
    let scenario = match &args.scenario {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("{}: cannot read the scenario", path.display()))?;
            Some((path.display().to_string(), text))
        }
        None => None,
    };
    let body = match (&args.body, &args.body_file) {
        (Some(b), _) => Some(b.clone().into_bytes()),
        (None, Some(path)) => Some(
            std::fs::read(path)
                .with_context(|| format!("{}: cannot read the body", path.display()))?,
        ),
        (None, None) => None,
    };
    let (plan, thresholds) = build(Options {
        url: args.url,
        scenario,
        rate: args.rate,
        concurrency: args.concurrency,
        connections: args.connections,
        duration: args.duration,
        requests: args.requests,
        warmup: args.warmup,
        timeout: args.timeout,
        method: args.method,
        headers: args.headers,
        body,
        thresholds: args.thresholds,
        threads: args.threads,
        trust: vouch_load::plan::Trust {
            insecure: args.insecure,
            ca_cert_pem: super::probe::read_ca_cert(&args.ca_cert)?,
        },
    })?;

    let live = Arc::new(Live::default());
    let progress = (!args.no_progress && std::io::stderr().is_terminal())
        .then(|| ProgressLine::start(live.clone(), plan.duration + plan.warmup));
    let result = vouch_load::run(&plan, live);
    drop(progress);
    let result = result?;
    let verdicts = vouch_load::judge(&result, &thresholds);

    let text = match args.format {
        Format::Json => {
            let doc = vouch_load::render::json(
                env!("CARGO_PKG_VERSION"),
                &result,
                &thresholds,
                &verdicts,
            );
            format!("{}\n", serde_json::to_string_pretty(&doc)?)
        }
        Format::Table => vouch_load::render::table(&result, &verdicts),
    };
    crate::output::emit(&text)?;
    if result.requests.responses == 0 {
        let kinds: Vec<String> = result
            .transport_errors
            .iter()
            .map(|(k, n)| format!("{} × {n}", k.as_str()))
            .collect();
        anyhow::bail!(
            "no request got an HTTP response from {} ({})",
            result.target,
            if kinds.is_empty() {
                "nothing was sent".to_string()
            } else {
                kinds.join(", ")
            }
        );
    }
    Ok(if verdicts.iter().all(|v| v.passed) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
