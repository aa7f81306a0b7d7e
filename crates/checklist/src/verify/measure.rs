//! Numeric runtime targets ("p95 latency < 100ms", "error rate < 1%", "throughput > 500
//! req/s") judged against what one load run measured. The CLI runs the load and fills
//! [`Measured`]; this module stays pure: which targets a load run can answer, which LOAD
//! control judges each, and the verdict with the measured value as evidence.

use super::report::EvidenceRef;
use crate::model::{Comparison, Target};
use serde::Serialize;
use std::collections::BTreeMap;
use vouch_core::OutcomeKind;

/// Extra arrival rate over the highest throughput target, so a service that keeps up is
/// measured above the target rather than a timer tick below it.
pub const THROUGHPUT_HEADROOM: f64 = 1.1;

/// What the live service measured, in the checklist's base units (ms, %, req/s).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Measured {
    values: BTreeMap<String, f64>,
    /// Where the values come from (the URL the load run requested): the evidence's place.
    pub source: String,
    /// Why nothing was measured (no `--url`, `--no-load`, service unreachable).
    pub unavailable: Option<String>,
}

impl Measured {
    /// Nothing measured, and why.
    pub fn unavailable(reason: impl Into<String>) -> Measured {
        Measured {
            unavailable: Some(reason.into()),
            ..Measured::default()
        }
    }

    /// The values a load run of `source` measured (metric → value; absent = no data).
    pub fn from_values(source: impl Into<String>, values: BTreeMap<String, f64>) -> Measured {
        Measured {
            values,
            source: source.into(),
            unavailable: None,
        }
    }

    pub fn value(&self, metric: &str) -> Option<f64> {
        self.values.get(metric).copied()
    }
}

/// One target as the report shows it: the target and what was measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MeasuredTarget {
    /// `latency_p95`, `error_rate`, `throughput`, ...
    pub metric: String,
    /// The words the target was read from.
    pub text: String,
    pub comparison: Comparison,
    /// In `unit`.
    pub target: f64,
    /// None when nothing was measured.
    pub value: Option<f64>,
    /// `ms`, `%` or `req/s`.
    pub unit: &'static str,
    /// Whether the measured value meets the target; None when not measured.
    pub met: Option<bool>,
}

/// Whether one load run can measure `metric` (as the document parser names it).
pub fn is_load_metric(metric: &str) -> bool {
    load_control(metric).is_some()
}

/// The LOAD control that judges a target of `metric`: LOAD001 latency percentiles and
/// averages, LOAD002 error rate, LOAD003 throughput. A bare `latency` (no percentile or
/// average) says nothing comparable, so no control takes it.
pub fn load_control(metric: &str) -> Option<&'static str> {
    match metric {
        "error_rate" => Some(vouch_load::controls::ERRORS.id),
        "throughput" => Some(vouch_load::controls::THROUGHPUT.id),
        "latency_avg" | "latency_mean" | "latency_max" | "latency_min" | "latency_median" => {
            Some(vouch_load::controls::LATENCY.id)
        }
        other => {
            let percentile = other.strip_prefix("latency_p")?;
            (!percentile.is_empty()
                && percentile
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == '_'))
            .then_some(vouch_load::controls::LATENCY.id)
        }
    }
}

pub fn is_load_control(id: &str) -> bool {
    vouch_load::controls::ALL.iter().any(|m| m.id == id)
}

/// HTTP probes and LOAD gates need the running service (`--url`).
pub fn is_live_control(id: &str) -> bool {
    is_load_control(id) || vouch_probes::find(id).is_some()
}

/// The arrival rate a throughput claim needs: the highest throughput target plus headroom.
pub fn rate_for_targets<'a>(targets: impl IntoIterator<Item = &'a Target>) -> Option<f64> {
    targets
        .into_iter()
        .filter(|t| t.metric == "throughput" && t.value > 0.0)
        .map(|t| t.value * THROUGHPUT_HEADROOM)
        .max_by(f64::total_cmp)
}

/// One LOAD control's outcome for an item: every target it judges must be met.
pub struct Judged {
    pub outcome: OutcomeKind,
    pub evidence: Vec<EvidenceRef>,
    pub reason: Option<String>,
    pub targets: Vec<MeasuredTarget>,
}

/// Judges the item's `targets` that `control` measures against `measured`.
pub fn judge(control: &str, targets: &[Target], measured: &Measured) -> Judged {
    let mine: Vec<&Target> = targets
        .iter()
        .filter(|t| load_control(&t.metric) == Some(control))
        .collect();
    if mine.is_empty() {
        return Judged {
            outcome: OutcomeKind::Unknown,
            evidence: Vec::new(),
            reason: Some(format!(
                "{control} needs a numeric target in the item (e.g. `p95 latency < 100ms`)"
            )),
            targets: Vec::new(),
        };
    }
    let mut shown = Vec::new();
    let mut failing = Vec::new();
    let mut passing = Vec::new();
    let mut missing = Vec::new();
    for target in mine {
        let value = measured.value(&target.metric);
        let met = value.map(|v| holds(target.comparison, v, target.value));
        let unit = base_unit(&target.metric);
        shown.push(MeasuredTarget {
            metric: target.metric.clone(),
            text: target.text.clone(),
            comparison: target.comparison,
            target: target.value,
            value,
            unit,
            met,
        });
        match value {
            Some(v) => {
                let evidence = EvidenceRef {
                    control: control.to_string(),
                    path: measured.source.clone(),
                    line: None,
                    message: describe(target, v),
                    fingerprint: format!("{control}:{}:{}", target.metric, target.text),
                };
                if met == Some(true) {
                    passing.push(evidence);
                } else {
                    failing.push(evidence);
                }
            }
            None => missing.push(target.text.clone()),
        }
    }
    let (outcome, evidence, reason) = if !failing.is_empty() {
        (OutcomeKind::Fail, failing, None)
    } else if missing.is_empty() {
        (OutcomeKind::Pass, passing, None)
    } else {
        let why = measured
            .unavailable
            .clone()
            .unwrap_or_else(|| "the load run has no data for it".to_string());
        (
            OutcomeKind::Unknown,
            Vec::new(),
            Some(format!("`{}` not measured: {why}", missing.join("`, `"))),
        )
    };
    Judged {
        outcome,
        evidence,
        reason,
        targets: shown,
    }
}

fn holds(comparison: Comparison, value: f64, target: f64) -> bool {
    match comparison {
        Comparison::Lt => value < target,
        Comparison::Le => value <= target,
        Comparison::Gt => value > target,
        Comparison::Ge => value >= target,
        // Measurements are never exact: "= 100 ms" reads as "about", within 1 %.
        Comparison::Eq => (value - target).abs() <= target.abs() * 0.01,
    }
}

/// "p95 143.2 ms > target 100 ms": the measured value, how it relates to the target, the target.
pub fn describe(target: &Target, value: f64) -> String {
    let unit = base_unit(&target.metric);
    let relation = if value < target.value {
        "<"
    } else if value > target.value {
        ">"
    } else {
        "="
    };
    format!(
        "{} {} {unit} {relation} target {} {unit}",
        label(&target.metric),
        measured_number(value, &target.metric),
        target_number(target.value),
    )
}

fn label(metric: &str) -> String {
    match metric {
        "error_rate" => "error rate".into(),
        "throughput" => "throughput".into(),
        "latency_avg" | "latency_mean" => "average latency".into(),
        "latency_median" => "median latency".into(),
        "latency_max" => "max latency".into(),
        "latency_min" => "min latency".into(),
        other => other
            .strip_prefix("latency_")
            .unwrap_or(other)
            .replace('_', "."),
    }
}

fn base_unit(metric: &str) -> &'static str {
    match metric {
        "error_rate" => "%",
        "throughput" => "req/s",
        _ => "ms",
    }
}

/// Measured values keep their decimals (one; two for error rates such as 0.25 %).
fn measured_number(value: f64, metric: &str) -> String {
    let decimals = if metric == "error_rate" { 2 } else { 1 };
    format!("{value:.decimals$}")
}

/// Targets as people write them: "100", "0.5", "1100".
fn target_number(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(metric: &str, comparison: Comparison, value: f64, text: &str) -> Target {
        Target {
            metric: metric.into(),
            comparison,
            value,
            unit: "ms".into(),
            text: text.into(),
        }
    }

    fn measured(pairs: &[(&str, f64)]) -> Measured {
        Measured::from_values(
            "http://127.0.0.1:8080/",
            pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        )
    }

    #[test]
    fn load_metrics_and_their_controls() {
        assert_eq!(load_control("latency_p95"), Some("LOAD001"));
        assert_eq!(load_control("latency_p99.9"), Some("LOAD001"));
        assert_eq!(load_control("latency_avg"), Some("LOAD001"));
        assert_eq!(load_control("error_rate"), Some("LOAD002"));
        assert_eq!(load_control("throughput"), Some("LOAD003"));
        for not_load in ["latency", "latency_p", "coverage", "availability", "rto"] {
            assert!(!is_load_metric(not_load), "{not_load}");
        }
        assert!(is_live_control("HTTP017") && is_live_control("LOAD002"));
        assert!(!is_live_control("CODE020"));
    }

    #[test]
    fn a_missed_latency_target_fails_with_the_measured_value() {
        let t = [target(
            "latency_p95",
            Comparison::Lt,
            100.0,
            "p95 latency < 100ms",
        )];
        let j = judge("LOAD001", &t, &measured(&[("latency_p95", 143.24)]));
        assert_eq!(j.outcome, OutcomeKind::Fail);
        assert_eq!(j.evidence[0].message, "p95 143.2 ms > target 100 ms");
        assert_eq!(j.evidence[0].path, "http://127.0.0.1:8080/");
        assert_eq!(j.targets[0].value, Some(143.24));
        assert_eq!(j.targets[0].met, Some(false));

        let j = judge("LOAD001", &t, &measured(&[("latency_p95", 12.0)]));
        assert_eq!(j.outcome, OutcomeKind::Pass);
        assert_eq!(j.evidence[0].message, "p95 12.0 ms < target 100 ms");
    }

    #[test]
    fn each_control_judges_only_its_own_targets() {
        let t = [
            target("latency_p95", Comparison::Lt, 100.0, "p95 < 100ms"),
            target("error_rate", Comparison::Lt, 1.0, "error rate < 1%"),
        ];
        let m = measured(&[("latency_p95", 20.0), ("error_rate", 3.5)]);
        assert_eq!(judge("LOAD001", &t, &m).outcome, OutcomeKind::Pass);
        let errors = judge("LOAD002", &t, &m);
        assert_eq!(errors.outcome, OutcomeKind::Fail);
        assert_eq!(errors.evidence[0].message, "error rate 3.50 % > target 1 %");
        let none = judge("LOAD003", &t, &m);
        assert_eq!(none.outcome, OutcomeKind::Unknown);
        assert!(none.reason.unwrap().contains("numeric target"));
    }

    #[test]
    fn nothing_measured_is_unknown_with_the_reason_never_pass() {
        let t = [target("error_rate", Comparison::Lt, 1.0, "error rate < 1%")];
        let j = judge(
            "LOAD002",
            &t,
            &Measured::unavailable("no request got an HTTP response (connect refused)"),
        );
        assert_eq!(j.outcome, OutcomeKind::Unknown);
        let reason = j.reason.unwrap();
        assert!(reason.contains("error rate < 1%"), "{reason}");
        assert!(reason.contains("connect refused"), "{reason}");
        assert_eq!(j.targets[0].met, None);
    }

    #[test]
    fn throughput_targets_set_the_rate_with_headroom() {
        let t = [
            target("throughput", Comparison::Ge, 800.0, "at 800 req/s"),
            target(
                "throughput",
                Comparison::Gt,
                1000.0,
                "throughput > 1000 req/s",
            ),
            target("latency_p95", Comparison::Lt, 100.0, "p95 < 100ms"),
        ];
        let rate = rate_for_targets(&t).unwrap();
        assert!((rate - 1100.0).abs() < 1e-9, "{rate}");
        assert_eq!(rate_for_targets(&t[2..]), None);
        let j = judge("LOAD003", &t, &measured(&[("throughput", 1050.0)]));
        assert_eq!(j.outcome, OutcomeKind::Pass);
        assert_eq!(j.evidence.len(), 2);
        let j = judge("LOAD003", &t, &measured(&[("throughput", 640.0)]));
        assert_eq!(j.outcome, OutcomeKind::Fail);
        assert_eq!(
            j.evidence[0].message,
            "throughput 640.0 req/s < target 800 req/s"
        );
    }
}
