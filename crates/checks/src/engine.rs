//! Runs the enabled controls in parallel and turns outcomes into report results: severity
//! overrides, fingerprints and suppressions are applied here, in one place, never in checks.

use crate::registry::Check;
use rayon::prelude::*;
use regex::Regex;
use std::panic::AssertUnwindSafe;
use std::sync::LazyLock;
use time::Date;
use vouch_core::finding::AppliedSuppression;
use vouch_core::report::ExpiredSuppression;
use vouch_core::{Config, ControlRef, ControlResult, Finding, Outcome, OutcomeKind, fingerprint};
use vouch_workspace::Workspace;

/// Progress callback: the control's ID and how long it took.
pub type CheckDone<'a> = dyn Fn(&str, std::time::Duration) + Sync + 'a;

pub struct EngineOptions<'a> {
    pub config: &'a Config,
    /// Suppressions expiring before this date no longer apply.
    pub today: Date,
    /// Called after each control finishes with its ID and wall time (progress, `--timings`).
    pub on_check_done: Option<&'a CheckDone<'a>>,
}

pub struct RunOutput {
    /// One result per enabled control, sorted by ID.
    pub results: Vec<ControlResult>,
    pub expired_suppressions: Vec<ExpiredSuppression>,
}

pub fn run(
    ws: &Workspace,
    checks: &[&'static dyn Check],
    options: &EngineOptions<'_>,
) -> RunOutput {
    let config = options.config;
    let enabled: Vec<&'static dyn Check> = checks
        .iter()
        .copied()
        .filter(|c| config.is_enabled(c.meta()))
        .collect();
    let mut results: Vec<ControlResult> = enabled
        .par_iter()
        .map(|check| {
            let meta = check.meta();
            let started = std::time::Instant::now();
            let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| check.run(ws)))
                .unwrap_or_else(|panic| {
                    let what = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    Outcome::error(format!(
                        "internal error in {}: {what} (please report this)",
                        meta.id
                    ))
                });
            let control = ControlRef::from_meta(meta, config.effective_severity(meta));
            let mut result = ControlResult::new(control, meta.remediation, outcome);
            finish(&mut result, ws, config, options.today);
            if let Some(done) = options.on_check_done {
                done(meta.id, started.elapsed());
            }
            result
        })
        .collect();
    results.sort_by(|a, b| a.control.id.cmp(&b.control.id));

    let expired_suppressions = config
        .suppressions
        .iter()
        .filter(|s| s.is_expired(options.today))
        .map(|s| ExpiredSuppression {
            id: s.id.clone(),
            path: s.path.as_ref().map(|p| p.raw.clone()),
            reason: s.reason.clone(),
            owner: s.owner.clone(),
            expires: s.expires.map(|d| d.to_string()).unwrap_or_default(),
        })
        .collect();
    RunOutput {
        results,
        expired_suppressions,
    }
}

/// Fingerprints, sorts and suppresses findings; a failure whose findings are all suppressed
/// becomes a pass (the findings stay, marked).
fn finish(result: &mut ControlResult, ws: &Workspace, config: &Config, today: Date) {
    let id = result.control.id.clone();
    for list in [&mut result.findings, &mut result.evidence] {
        fill_fingerprints(&id, list);
    }
    let key = |f: &Finding| (f.location.path.clone(), f.location.line, f.location.column);
    result.findings.sort_by_key(key);
    result
        .findings
        .dedup_by(|a, b| a.location == b.location && a.message == b.message);
    result.evidence.sort_by_key(key);

    for f in &mut result.findings {
        f.suppressed = config_suppression(config, &id, &f.location.path, today)
            .or_else(|| inline_suppression(ws, &id, f));
    }
    if result.outcome == OutcomeKind::Fail && result.findings.iter().all(|f| f.suppressed.is_some())
    {
        result.outcome = OutcomeKind::Pass;
        result.reason = Some("all findings are suppressed".into());
    }
}

/// Fingerprints from (control, path, snippet or message); findings that would collide (two
/// containers quoting the same `securityContext:` line) get an occurrence number in order.
fn fill_fingerprints(id: &str, findings: &mut [Finding]) {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for f in findings.iter_mut().filter(|f| f.fingerprint.is_empty()) {
        let basis = f.snippet.as_deref().unwrap_or(&f.message);
        let mut print = fingerprint(id, &f.location.path, basis);
        let n = seen.entry(print.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            print = fingerprint(id, &f.location.path, &format!("{basis}\u{0}#{n}"));
        }
        f.fingerprint = print;
    }
}

fn config_suppression(
    config: &Config,
    id: &str,
    path: &str,
    today: Date,
) -> Option<AppliedSuppression> {
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

static INLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"vouch:ignore\s+([A-Za-z0-9_]+(?:\s*,\s*[A-Za-z0-9_]+)*)\s+--\s*(\S.*?)\s*(?:-->|\*/)?\s*$").expect("static regex")
});

/// `vouch:ignore ID[, ID] -- reason` on the finding's line or the line above.
fn inline_suppression(ws: &Workspace, id: &str, f: &Finding) -> Option<AppliedSuppression> {
    let line = f.location.line? as usize;
    // The walk noted which files mention `vouch:ignore`: no other file is read again here.
    if !ws.facts.may_suppress_inline(&f.location.path) {
        return None;
    }
    let text = ws.text(&f.location.path)?;
    [line, line.saturating_sub(1)]
        .into_iter()
        .filter(|n| *n > 0)
        .find_map(|n| {
            let caps = INLINE.captures(text.line(n))?;
            let applies = caps[1]
                .split(',')
                .map(str::trim)
                .any(|x| id.starts_with(&x.to_ascii_uppercase()) && !x.is_empty());
            applies.then(|| AppliedSuppression {
                kind: "inline".into(),
                reason: caps[2].to_string(),
                owner: None,
                expires: None,
            })
        })
}

/// Sizes the global thread pool the checks run on (call once, before the first audit).
pub fn set_threads(n: usize) -> Result<(), String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colliding_fingerprints_get_occurrence_numbers() {
        let same = |line| {
            Finding::new(
                vouch_core::Location::at("k8s/app.yaml", line, 9),
                "no limits",
            )
            .with_snippet("securityContext:")
        };
        let mut findings = vec![same(10), same(40)];
        fill_fingerprints("K8S001", &mut findings);
        assert_ne!(findings[0].fingerprint, findings[1].fingerprint);
        let mut moved = vec![same(12), same(44)];
        fill_fingerprints("K8S001", &mut moved);
        assert_eq!(
            findings[0].fingerprint, moved[0].fingerprint,
            "stable when lines move"
        );
    }

    #[test]
    fn inline_pattern() {
        let c = INLINE
            .captures("USER root # vouch:ignore DKR001, DKR002 -- needs to bind :80")
            .unwrap();
        assert_eq!(&c[1], "DKR001, DKR002");
        assert_eq!(&c[2], "needs to bind :80");
        let html = INLINE
            .captures("<!-- vouch:ignore DOC001 -- tracked in JIRA-1 -->")
            .unwrap();
        assert_eq!(&html[2], "tracked in JIRA-1");
        assert!(INLINE.captures("# vouch:ignore DKR001").is_none());
    }
}
