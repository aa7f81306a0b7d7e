//! Runs the enabled probes concurrently (the target's budget paces their requests) and turns
//! outcomes into report results exactly like the static engine: severity overrides,
//! fingerprints, sorting and `vouch.toml` suppressions, in one place.

use crate::probe::Probe;
use crate::target::{RequestError, Target};
use std::sync::Arc;
use std::time::Duration;
use time::Date;
use vouch_core::finding::AppliedSuppression;
use vouch_core::report::ExpiredSuppression;
use vouch_core::{Config, ControlRef, ControlResult, Finding, Outcome, OutcomeKind, fingerprint};

pub struct RunOptions<'a> {
    pub config: &'a Config,
    /// Suppressions expiring before this date no longer apply.
    pub today: Date,
    /// Probes in flight at once.
    pub concurrency: usize,
    /// A probe still running after this ends as Unknown.
    pub probe_deadline: Duration,
}

/// One result per enabled probe, sorted by ID.
pub async fn run(
    target: Arc<Target>,
    probes: &[&'static dyn Probe],
    options: &RunOptions<'_>,
) -> Vec<ControlResult> {
    let config = options.config;
    let enabled: Vec<&'static dyn Probe> = probes
        .iter()
        .copied()
        .filter(|p| config.is_enabled(p.meta()))
        .collect();
    let (exclusive, shared): (Vec<_>, Vec<_>) = enabled.into_iter().partition(|p| p.exclusive());
    let mut results = run_batch(&target, &shared, options, options.concurrency).await;
    // One at a time, after the others: what they trip does not skew other verdicts.
    for probe in exclusive {
        results.extend(run_batch(&target, &[probe], options, 1).await);
    }
    results.sort_by(|a, b| a.control.id.cmp(&b.control.id));
    results
}

async fn run_batch(
    target: &Arc<Target>,
    probes: &[&'static dyn Probe],
    options: &RunOptions<'_>,
    concurrency: usize,
) -> Vec<ControlResult> {
    let config = options.config;
    let permits = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    let mut tasks = Vec::new();
    for probe in probes.iter().copied() {
        let target = target.clone();
        let permits = permits.clone();
        let deadline = options.probe_deadline;
        let task = tokio::spawn(async move {
            let _permit = permits.acquire_owned().await;
            match tokio::time::timeout(deadline, probe.run(&target)).await {
                Ok(result) => outcome_of(result),
                Err(_) => Outcome::unknown(format!(
                    "the probe did not finish within {}s",
                    deadline.as_secs()
                )),
            }
        });
        tasks.push((probe, task));
    }
    let mut results = Vec::new();
    for (probe, task) in tasks {
        let meta = probe.meta();
        let outcome = task.await.unwrap_or_else(|e| {
            Outcome::error(format!(
                "internal error in {}: {e} (please report this)",
                meta.id
            ))
        });
        let control = ControlRef::from_meta(meta, config.effective_severity(meta));
        let mut result = ControlResult::new(control, meta.remediation, outcome);
        finish(&mut result, config, options.today);
        results.push(result);
    }
    results
}

/// Budget and timeouts say the probe could not decide; other failures are errors.
fn outcome_of(result: Result<Outcome, RequestError>) -> Outcome {
    match result {
        Ok(outcome) => outcome,
        Err(e @ (RequestError::BudgetExhausted { .. } | RequestError::Timeout { .. })) => {
            Outcome::unknown(e.to_string())
        }
        Err(e) => Outcome::error(e.to_string()),
    }
}

/// Fingerprints, sorts and suppresses findings; a failure whose findings are all suppressed
/// becomes a pass (the findings stay, marked).
fn finish(result: &mut ControlResult, config: &Config, today: Date) {
    let id = result.control.id.clone();
    for list in [&mut result.findings, &mut result.evidence] {
        for f in list.iter_mut().filter(|f| f.fingerprint.is_empty()) {
            let basis = f.snippet.as_deref().unwrap_or(&f.message);
            f.fingerprint = fingerprint(&id, &f.location.path, basis);
        }
    }
    let key = |f: &Finding| (f.location.path.clone(), f.location.line);
    result.findings.sort_by_key(key);
    result.evidence.sort_by_key(key);
    for f in &mut result.findings {
        f.suppressed = suppression(config, &id, &f.location.path, today);
    }
    if result.outcome == OutcomeKind::Fail && result.findings.iter().all(|f| f.suppressed.is_some())
    {
        result.outcome = OutcomeKind::Pass;
        result.reason = Some("all findings are suppressed".into());
    }
}

fn suppression(config: &Config, id: &str, path: &str, today: Date) -> Option<AppliedSuppression> {
    let s = config
        .suppressions
        .iter()
        .find(|s| !s.is_expired(today) && s.matches(id, path))?;
    Some(AppliedSuppression {
        kind: "config".into(),
        reason: s.reason.clone(),
        owner: s.owner.clone(),
        expires: s.expires.map(|d| d.to_string()),
    })
}

/// Suppressions in `config` whose date has passed (listed in the report).
pub fn expired_suppressions(config: &Config, today: Date) -> Vec<ExpiredSuppression> {
    config
        .suppressions
        .iter()
        .filter(|s| s.is_expired(today))
        .map(|s| ExpiredSuppression {
            id: s.id.clone(),
            path: s.path.as_ref().map(|p| p.raw.clone()),
            reason: s.reason.clone(),
            owner: s.owner.clone(),
            expires: s.expires.map(|d| d.to_string()).unwrap_or_default(),
        })
        .collect()
}
