//! The live half of `checklist verify --url`: the HTTP probes the plans name (through the
//! same runner as `vouch probe` and `audit --url`) and one bounded load run for the numeric
//! targets. An unreachable service never fails the command: its controls end Unknown with
//! the reason, so no item is done on it.

use crate::cmd::probe::{LiveArgs, run_live};
use anyhow::{Result, anyhow};
use clap::Args;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use vouch_checklist::model::Target;
use vouch_checklist::verify::measure::{Measured, rate_for_targets};
use vouch_checklist::verify::report::LoadRun;
use vouch_core::config::Selector;
use vouch_core::{Config, ControlRef, ControlResult, Outcome};
use vouch_load::plan::{DEFAULT_CONNECTIONS, DEFAULT_TIMEOUT, Endpoint, Model, Plan, Trust};
use vouch_load::progress::Live;

/// Arrival rate of the load run when no item names a throughput: modest, like the probes'.
pub const DEFAULT_LOAD_RATE: f64 = 20.0;
/// Measured seconds of the load run.
pub const DEFAULT_LOAD_SECONDS: u64 = 10;
const MAX_LOAD_SECONDS: u64 = 300;

/// How the running service is checked: the probe options, plus the load run's.
#[derive(Args, Clone, Debug)]
pub struct LiveOptions {
    #[command(flatten)]
    pub probe: LiveArgs,
    /// Measured seconds of the load run for numeric targets (p95/p99 latency, error rate,
    /// throughput).
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_LOAD_SECONDS,
          value_parser = clap::value_parser!(u64).range(1..=MAX_LOAD_SECONDS))]
    pub load_seconds: u64,
    /// Arrival rate of the load run (open model, requests per second). Default: 20/s, or
    /// 10 % above the highest throughput target an item names.
    #[arg(long, value_name = "N")]
    pub load_rate: Option<f64>,
    /// The http:// URL the load run requests (default: --url).
    #[arg(long, value_name = "URL")]
    pub load_url: Option<String>,
    /// Skip the load run: numeric targets end Unknown.
    #[arg(long)]
    pub no_load: bool,
}

/// Probe results for the `needed` HTTP controls that `config` enables; all of them Unknown
/// with the reason when the service cannot be reached.
pub fn probe_results(
    url: &str,
    options: &LiveOptions,
    repo: &Path,
    config: &Config,
    needed: &BTreeSet<String>,
) -> Result<Vec<ControlResult>> {
    let probes: Vec<_> = vouch_probes::all_probes()
        .into_iter()
        .filter(|p| needed.contains(p.meta().id) && config.is_enabled(p.meta()))
        .collect();
    if probes.is_empty() {
        return Ok(Vec::new());
    }
    // Only the probes some item needs: the run selects exactly them.
    let mut selected = config.clone();
    selected.select = probes
        .iter()
        .map(|p| Selector::parse(p.meta().id).map_err(|e| anyhow!(e)))
        .collect::<Result<_>>()?;
    let today = time::OffsetDateTime::now_utc().date();
    match run_live(
        url,
        &options.probe,
        Some(repo.to_path_buf()),
        &selected,
        today,
    ) {
        Ok(results) => Ok(results),
        Err(e) => Ok(probes
            .iter()
            .map(|p| {
                let meta = p.meta();
                ControlResult::new(
                    ControlRef::from_meta(meta, config.effective_severity(meta)),
                    meta.remediation,
                    Outcome::unknown(format!("the service could not be probed: {e:#}")),
                )
            })
            .collect()),
    }
}

/// One load run measuring every metric the `targets` name; `(measurements, what ran)`.
pub fn measure(url: &str, options: &LiveOptions, targets: &[Target]) -> (Measured, LoadRun) {
    let load_url = options.load_url.clone().unwrap_or_else(|| url.to_string());
    let rate = options
        .load_rate
        .or_else(|| rate_for_targets(targets))
        .unwrap_or(DEFAULT_LOAD_RATE);
    let seconds = options.load_seconds;
    let mut run = LoadRun {
        url: load_url.clone(),
        rate_per_s: rate,
        seconds,
        requests: 0,
        responses: 0,
        error: None,
    };
    if options.no_load {
        let why = "the load run was skipped (--no-load)";
        run.error = Some(why.into());
        return (Measured::unavailable(why), run);
    }
    let result = options
        .probe
        .load_trust()
        .and_then(|trust| plan(&load_url, rate, seconds, trust))
        .and_then(|plan| vouch_load::run(&plan, Arc::new(Live::default())).map_err(|e| anyhow!(e)));
    let result = match result {
        Ok(result) => result,
        Err(e) => {
            let why = format!("the load run could not start: {e:#}");
            run.error = Some(why.clone());
            return (Measured::unavailable(why), run);
        }
    };
    run.requests = result.requests.total;
    run.responses = result.requests.responses;
    if result.requests.responses == 0 {
        let kinds: Vec<String> = result
            .transport_errors
            .iter()
            .map(|(k, n)| format!("{} × {n}", k.as_str()))
            .collect();
        let why = format!(
            "no request got an HTTP response from {load_url} ({})",
            if kinds.is_empty() {
                "nothing was sent".to_string()
            } else {
                kinds.join(", ")
            }
        );
        run.error = Some(why.clone());
        return (Measured::unavailable(why), run);
    }
    let values: BTreeMap<String, f64> = targets
        .iter()
        .filter_map(|t| vouch_load::measured(&result, &t.metric).map(|v| (t.metric.clone(), v)))
        .collect();
    (Measured::from_values(load_url, values), run)
}

/// Open model at `rate` for `seconds`, never more than rate × seconds requests.
fn plan(url: &str, rate: f64, seconds: u64, trust: Trust) -> Result<Plan> {
    if !(rate.is_finite() && rate > 0.0) {
        return Err(anyhow!("--load-rate must be a positive number"));
    }
    let target = vouch_load::TargetUrl::parse(url).map_err(|e| anyhow!(e))?;
    let plan = Plan {
        endpoints: vec![Endpoint::new("checklist", target)],
        model: Model::Open {
            rate,
            connections: DEFAULT_CONNECTIONS,
        },
        duration: Duration::from_secs(seconds),
        max_requests: Some(((rate * seconds as f64).ceil() as u64).max(1)),
        warmup: Duration::ZERO,
        timeout: DEFAULT_TIMEOUT,
        threads: 0,
        trust,
    };
    plan.validate().map_err(|e| anyhow!(e))?;
    Ok(plan)
}
