//! `vouch probe URL`: the live controls (HTTP domain) against a running service, reported
//! like an audit. The connection options are shared with `vouch audit --url`.

use super::Format;
use anyhow::{Context, Result, bail};
use clap::Args;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use vouch_core::config::Selector;
use vouch_core::report::{ExpiredSuppression, Gate, REPORT_SCHEMA};
use vouch_core::{Config, ControlResult, Counts, Report, Score, Severity, Target, Tool};
use vouch_probes::target::{DEFAULT_MAX_REQUESTS, TargetOptions, parse_size};

/// How to reach the service and how hard to push it (defaults are deliberately modest).
#[derive(Args, Clone, Debug)]
pub struct LiveArgs {
    /// OpenAPI document (file or URL); default: /openapi.json, /v3/api-docs, /swagger.json,
    /// /openapi.yaml and /docs/openapi.json on the target.
    #[arg(long, value_name = "FILE|URL")]
    openapi: Option<String>,
    /// Extra request header, sent with every request (repeatable).
    #[arg(long = "header", short = 'H', value_name = "K:V")]
    headers: Vec<String>,
    /// Bearer token for probes that act as an authenticated client.
    #[arg(long, value_name = "TOKEN")]
    token: Option<String>,
    /// Per-request timeout (`10s`, `500ms`, or seconds).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    timeout: Duration,
    /// At most this many requests in the whole run.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_REQUESTS)]
    max_requests: u32,
    /// At most this many requests per second (`20` or `20/s`).
    #[arg(long, value_name = "R", default_value = "20/s", value_parser = parse_rate)]
    rate: f64,
    /// Accept invalid TLS certificates (only when you mean it).
    #[arg(long)]
    insecure: bool,
    /// Size of the oversized body the body-size probe streams (`10MiB`, `512k`); set it
    /// above the largest body the service means to accept.
    #[arg(long, value_name = "SIZE", default_value = "10MiB", value_parser = parse_size)]
    max_body: u64,
    /// Also trust this CA certificate (PEM) for HTTPS: a private or internal CA.
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<PathBuf>,
    /// Port of the plain-HTTP listener that should redirect to HTTPS (default 80).
    #[arg(long, value_name = "PORT")]
    http_port: Option<u16>,
}

impl LiveArgs {
    /// The same TLS trust for a load run (`checklist verify --url`).
    pub fn load_trust(&self) -> Result<vouch_load::plan::Trust> {
        Ok(vouch_load::plan::Trust {
            insecure: self.insecure,
            ca_cert_pem: read_ca_cert(&self.ca_cert)?,
        })
    }
}

/// `--ca-cert FILE`'s content.
pub fn read_ca_cert(path: &Option<PathBuf>) -> Result<Option<Vec<u8>>> {
    path.as_ref()
        .map(|p| std::fs::read(p).with_context(|| format!("reading --ca-cert {}", p.display())))
        .transpose()
}

#[derive(Args)]
pub struct ProbeArgs {
    /// Base URL of the running service.
    url: String,
    #[command(flatten)]
    live: LiveArgs,
    /// Repository of the service: its routes complete the OpenAPI document.
    #[arg(long, value_name = "PATH")]
    repo: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Exit 1 when a control at or above this severity fails.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    fail_on: Option<Severity>,
    /// Only these controls: IDs, ID prefixes or areas.
    #[arg(long, value_delimiter = ',', value_name = "SELECTOR")]
    select: Vec<String>,
    /// Skip these controls: IDs, prefixes or areas.
    #[arg(long, value_delimiter = ',', value_name = "SELECTOR")]
    ignore: Vec<String>,
    /// Configuration file (default: vouch.toml in --repo, else in the current directory).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Table output: also list passing controls and their evidence.
    #[arg(long, short = 'v')]
    verbose: bool,
}

pub fn run(args: ProbeArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let root = args.repo.clone().unwrap_or_else(|| PathBuf::from("."));
    let config = load_config(args.config.as_deref(), &root, &args.select, &args.ignore)?;
    let today = time::OffsetDateTime::now_utc().date();
    let results = run_live(&args.url, &args.live, args.repo.clone(), &config, today)?;
    let failed = Report::gate_fails(&results, args.fail_on);
    let report = Report {
        schema: REPORT_SCHEMA.to_string(),
        tool: Tool {
            name: "vouch".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        target: Target {
            path: args.url.clone(),
            commit: None,
        },
        score: Score::compute(&results),
        counts: Counts::tally(&results),
        gate: Gate {
            fail_on: args.fail_on,
            failed,
        },
        results,
        expired_suppressions: expired(&config, today),
        input_errors: Vec::new(),
        files_scanned: 0,
        duration_ms: started.elapsed().as_millis() as u64,
    };
    render(&report, args.format, args.verbose)?;
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Connects to `url` and runs every enabled probe; used by `probe` and `audit --url`.
pub fn run_live(
    url: &str,
    live: &LiveArgs,
    repo: Option<PathBuf>,
    config: &Config,
    today: time::Date,
) -> Result<Vec<ControlResult>> {
    let options = TargetOptions {
        headers: parse_headers(&live.headers)?,
        token: live.token.clone(),
        timeout: live.timeout,
        max_requests: live.max_requests,
        rate: live.rate,
        insecure: live.insecure,
        openapi: live.openapi.clone(),
        repo,
        max_body: live.max_body,
        ca_cert_pem: read_ca_cert(&live.ca_cert)?,
        http_port: live.http_port,
    };
    // A probe may wait for its share of the budget, then for its requests.
    let pacing = Duration::from_secs_f64(f64::from(live.max_requests) / live.rate);
    let deadline = live.timeout * 3 + pacing;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let target = vouch_probes::Target::connect(url, options).await?;
        let probes = vouch_probes::all_probes();
        let run = vouch_probes::RunOptions {
            config,
            today,
            concurrency: 4,
            probe_deadline: deadline,
        };
        Ok(vouch_probes::run(Arc::new(target), &probes, &run).await)
    })
}

pub fn expired(config: &Config, today: time::Date) -> Vec<ExpiredSuppression> {
    vouch_probes::runner::expired_suppressions(config, today)
}

pub fn render(report: &Report, format: Format, verbose: bool) -> Result<()> {
    let rendered = match format {
        Format::Json => vouch_report::render_json(report),
        Format::Table => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            vouch_report::render_table(
                report,
                &vouch_report::TableOptions {
                    color,
                    verbose,
                    baseline: None,
                },
            )
        }
    };
    crate::output::emit(&rendered)?;
    Ok(())
}

/// `--config FILE`, else `vouch.toml` in `root` when present; CLI selectors on top.
fn load_config(
    file: Option<&Path>,
    root: &Path,
    select: &[String],
    ignore: &[String],
) -> Result<Config> {
    let mut config = match file {
        Some(path) => Config::load(path)?,
        None if root.join("vouch.toml").is_file() => Config::load(&root.join("vouch.toml"))?,
        None => Config::default(),
    };
    let parse = |items: &[String]| -> Result<Vec<Selector>> {
        items
            .iter()
            .filter(|s| !s.trim().is_empty())
            .map(|s| Selector::parse(s).map_err(anyhow::Error::msg))
            .collect::<Result<Vec<_>>>()
            .context("invalid selector")
    };
    if !select.is_empty() {
        config.select = parse(select)?;
    }
    config.ignore.extend(parse(ignore)?);
    Ok(config)
}

fn parse_headers(raw: &[String]) -> Result<Vec<(String, String)>> {
    raw.iter()
        .map(|h| match h.split_once(':') {
            Some((k, v)) if !k.trim().is_empty() => {
                Ok((k.trim().to_string(), v.trim().to_string()))
            }
            _ => bail!("--header `{h}`: expected `Name: value`"),
        })
        .collect()
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

/// `10s`, `500ms`, `1.5` (seconds).
fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (number, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1.0)
    } else {
        (s, 1.0)
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (e.g. 10s, 500ms)"))?;
    let secs = value * scale;
    if !(secs.is_finite() && secs > 0.0 && secs <= 3600.0) {
        return Err(format!("`{s}`: a timeout between 1ms and 1h"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// `20`, `20/s`, `600/m`.
fn parse_rate(s: &str) -> Result<f64, String> {
    let s = s.trim();
    let (number, per) = match s.split_once('/') {
        Some((n, "s")) => (n, 1.0),
        Some((n, "m")) => (n, 60.0),
        Some(_) => return Err(format!("`{s}`: a rate is N, N/s or N/m")),
        None => (s, 1.0),
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a rate (e.g. 20/s)"))?;
    let rate = value / per;
    if !(rate.is_finite() && rate > 0.0) {
        return Err(format!("`{s}`: the rate must be positive"));
    }
    Ok(rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_rates() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2"), Ok(Duration::from_secs(2)));
        assert!(parse_duration("0").is_err() && parse_duration("x").is_err());
        assert_eq!(parse_rate("20/s"), Ok(20.0));
        assert_eq!(parse_rate("120/m"), Ok(2.0));
        assert!(parse_rate("-1").is_err() && parse_rate("5/h").is_err());
    }

    #[test]
    fn headers_need_a_name_and_colon() {
        let h = parse_headers(&["X-Tenant: acme".into()]).unwrap();
        assert_eq!(h, vec![("X-Tenant".to_string(), "acme".to_string())]);
        assert!(parse_headers(&["novalue".into()]).is_err());
    }
}
