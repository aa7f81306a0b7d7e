//! Numeric targets inside an item ("p95 latency < 100ms", "coverage >= 80%",
//! "Throughput > 1000 req/s", "error rate below 0.1%", "RTO 4h") as comparable thresholds in
//! base units: milliseconds, percent, requests per second.
//!
//! Only metrics vouch knows are read, and only with a unit that fits the metric: a wrong
//! threshold is worse than none. Alert rules ("alert when error rate > 2%") state when to page,
//! not what the service must achieve, so they yield no target.

use std::sync::OnceLock;

use regex::Regex;

use crate::model::{Comparison, Target};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dimension {
    Duration,
    Percent,
    Rate,
}

struct Metric {
    name: String,
    dimension: Dimension,
    /// Comparison when the item gives only a number ("RTO 4h", "coverage 80%").
    default: Comparison,
}

fn metric_of(words: &str, percentile: Option<&str>) -> Option<Metric> {
    let lower = words.to_lowercase();
    let (name, dimension, default) = if lower.contains("latency") || lower.contains("response time")
    {
        let name = match percentile {
            Some(p) => format!("latency_p{}", p.to_lowercase().trim_start_matches('p')),
            None if lower.starts_with("median") => "latency_p50".into(),
            None if lower.starts_with("average")
                || lower.starts_with("avg")
                || lower.starts_with("mean") =>
            {
                "latency_avg".into()
            }
            None => "latency".into(),
        };
        (name, Dimension::Duration, Comparison::Le)
    } else if let Some(p) = percentile {
        (
            format!("latency_p{}", p.to_lowercase().trim_start_matches('p')),
            Dimension::Duration,
            Comparison::Le,
        )
    } else if lower.contains("error") || lower.contains("5xx") || lower.contains("failure rate") {
        ("error_rate".into(), Dimension::Percent, Comparison::Le)
    } else if lower.contains("coverage") {
        ("coverage".into(), Dimension::Percent, Comparison::Ge)
    } else if lower.contains("throughput") {
        ("throughput".into(), Dimension::Rate, Comparison::Ge)
    } else if lower.contains("availability") || lower.contains("uptime") || lower == "slo" {
        ("availability".into(), Dimension::Percent, Comparison::Ge)
    } else if lower == "rto" || lower.contains("recovery time objective") {
        ("rto".into(), Dimension::Duration, Comparison::Le)
    } else if lower == "rpo" || lower.contains("recovery point objective") {
        ("rpo".into(), Dimension::Duration, Comparison::Le)
    } else if lower == "mttr" {
        ("mttr".into(), Dimension::Duration, Comparison::Le)
    } else if lower.contains("cert") {
        (
            "certificate_validity".into(),
            Dimension::Duration,
            Comparison::Ge,
        )
    } else if lower.contains("retention") || lower.contains("kept") || lower.contains("retained") {
        ("retention".into(), Dimension::Duration, Comparison::Ge)
    } else {
        return None;
    };
    Some(Metric {
        name,
        dimension,
        default,
    })
}

const METRIC: &str = r"(?:(?P<pct>p(?:50|75|90|95|99|99\.9))\s+(?:latency|response\s+times?)|(?:latency|response\s+times?)\s+(?:at\s+)?(?P<pct2>p(?:50|75|90|95|99|99\.9))|(?P<pct3>p(?:50|75|90|95|99|99\.9))(?-u:\b)|(?:median|average|avg|mean)\s+(?:latency|response\s+times?)|latency|response\s+times?|error\s+rate|5xx\s+rate|failure\s+rate|(?:test\s+|code\s+|line\s+|branch\s+)?coverage|throughput|availability|uptime|slo|rto|rpo|mttr|recovery\s+(?:time|point)\s+objective|cert(?:ificate)?s?\s+(?:are\s+|is\s+)?valid(?:\s+for)?|retention(?:\s+of)?|kept\s+for|retained\s+for)";

const COMPARATOR: &str = r"(?P<cmp><=|>=|≤|≥|<|>|==|=|under|below|less\s+than|lower\s+than|at\s+most|no\s+more\s+than|not\s+exceeding|within|over|above|more\s+than|greater\s+than|at\s+least|no\s+less\s+than|minimum(?:\s+of)?|maximum(?:\s+of)?)";

const VALUE: &str = r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(?P<k>k)?\s*-?\s*(?P<unit>%|(?:ms|milliseconds?|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|percent|req/s|requests?/s(?:ec)?|requests\s+per\s+second|rps|req/min|requests?/min|requests\s+per\s+minute)(?-u:\b))";

fn metric_first() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(
            r"(?i)(?-u:\b)(?P<metric>{METRIC})\s*(?:(?:is|are|must\s+be|should\s+be|stays?|of|at|gate\s+at|gate|target|budget|:)\s+)?(?:{COMPARATOR}\s*)?{VALUE}"
        ))
        .expect("valid metric-first pattern")
    })
}

fn value_first() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(
            r"(?i)(?:{COMPARATOR}\s*)?{VALUE}\s*(?P<metric>(?:test\s+|code\s+|line\s+)?coverage|availability|uptime|error\s+rate|retention)(?-u:\b)"
        ))
        .expect("valid value-first pattern")
    })
}

/// "at 800 req/s", "handles 1k rps": a load the service must sustain.
fn sustained_load() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(
            r"(?i)(?-u:\b)(?:at|handles?|handling|sustains?|sustaining|serves?|serving)\s+(?:{COMPARATOR}\s*)?{VALUE}"
        ))
        .expect("valid load pattern")
    })
}

fn excluded_context() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)(?-u:\b)alert").expect("valid pattern"))
}

fn rate_limit_context() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)throttl|rate[- ]?limit|(?-u:\b)limit|(?-u:\b)per\s+(?:key|client|user|ip|partner|tenant)",
        )
        .expect("valid pattern")
    })
}

fn comparison(word: &str) -> Option<Comparison> {
    let word = word.to_lowercase();
    let word = word.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(match word.as_str() {
        "<" | "under" | "below" | "less than" | "lower than" => Comparison::Lt,
        "<=" | "≤" | "at most" | "no more than" | "not exceeding" | "within" | "maximum"
        | "maximum of" => Comparison::Le,
        ">" | "over" | "above" | "more than" | "greater than" => Comparison::Gt,
        ">=" | "≥" | "at least" | "no less than" | "minimum" | "minimum of" => Comparison::Ge,
        "=" | "==" => Comparison::Eq,
        _ => return None,
    })
}

/// The value in base units, if the unit fits the dimension.
fn to_base(number: f64, unit: &str, dimension: Dimension) -> Option<f64> {
    let unit = unit.to_lowercase();
    let unit = unit.as_str();
    match dimension {
        Dimension::Duration => {
            let factor = match unit {
                "ms" | "millisecond" | "milliseconds" => 1.0,
                "s" | "sec" | "secs" | "second" | "seconds" => 1_000.0,
                "m" | "min" | "mins" | "minute" | "minutes" => 60_000.0,
                "h" | "hr" | "hrs" | "hour" | "hours" => 3_600_000.0,
                "d" | "day" | "days" => 86_400_000.0,
                _ => return None,
            };
            Some(number * factor)
        }
        Dimension::Percent => matches!(unit, "%" | "percent").then_some(number),
        Dimension::Rate => {
            if unit.contains("min") || unit.contains("minute") {
                Some(number / 60.0)
            } else if unit.contains("/s") || unit.contains("second") || unit == "rps" {
                Some(number)
            } else {
                None
            }
        }
    }
}

fn number(caps: &regex::Captures<'_>) -> Option<f64> {
    let raw = caps.name("num")?.as_str().replace(',', "");
    let value: f64 = raw.parse().ok()?;
    let scale = if caps.name("k").is_some() {
        1000.0
    } else {
        1.0
    };
    Some(value * scale)
}

fn target(caps: &regex::Captures<'_>, metric: Metric) -> Option<Target> {
    let unit = caps.name("unit")?.as_str();
    let value = to_base(number(caps)?, unit, metric.dimension)?;
    let comparison = match caps.name("cmp") {
        Some(word) => comparison(word.as_str())?,
        None => metric.default,
    };
    let unit = match caps.name("k") {
        Some(_) => format!("k {unit}"),
        None => unit.to_owned(),
    };
    Some(Target {
        metric: metric.name,
        comparison,
        value,
        unit,
        text: caps.get(0)?.as_str().trim().to_owned(),
    })
}

/// Every target stated in `text`, in order of appearance.
pub(crate) fn targets(text: &str) -> Vec<Target> {
    if excluded_context().is_match(text) {
        return Vec::new();
    }
    let mut found: Vec<(usize, std::ops::Range<usize>, Target)> = Vec::new();
    let overlaps = |found: &[(usize, std::ops::Range<usize>, Target)],
                    r: &std::ops::Range<usize>| {
        found
            .iter()
            .any(|(_, other, _)| r.start < other.end && other.start < r.end)
    };
    for caps in metric_first().captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        let percentile = caps
            .name("pct")
            .or_else(|| caps.name("pct2"))
            .or_else(|| caps.name("pct3"))
            .map(|m| m.as_str());
        let metric_words = caps.name("metric").map_or("", |m| m.as_str());
        let Some(metric) = metric_of(metric_words, percentile) else {
            continue;
        };
        if let Some(t) = target(&caps, metric) {
            found.push((whole.start(), whole.range(), t));
        }
    }
    for caps in value_first().captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        if overlaps(&found, &whole.range()) {
            continue;
        }
        let metric_words = caps.name("metric").map_or("", |m| m.as_str());
        if let Some(metric) = metric_of(metric_words, None)
            && let Some(t) = target(&caps, metric)
        {
            found.push((whole.start(), whole.range(), t));
        }
    }
    if !rate_limit_context().is_match(text) {
        for caps in sustained_load().captures_iter(text) {
            let Some(whole) = caps.get(0) else { continue };
            if overlaps(&found, &whole.range()) {
                continue;
            }
            let metric = Metric {
                name: "throughput".into(),
                dimension: Dimension::Rate,
                default: Comparison::Ge,
            };
            if let Some(t) = target(&caps, metric) {
                found.push((whole.start(), whole.range(), t));
            }
        }
    }
    found.sort_by_key(|(start, _, _)| *start);
    found.into_iter().map(|(_, _, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> (String, Comparison, f64, String) {
        let found = targets(text);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        let t = &found[0];
        (t.metric.clone(), t.comparison, t.value, t.unit.clone())
    }

    #[test]
    fn reads_the_common_phrasings() {
        assert_eq!(
            one("p95 latency < 100ms"),
            ("latency_p95".into(), Comparison::Lt, 100.0, "ms".into())
        );
        assert_eq!(
            one("coverage >= 80%"),
            ("coverage".into(), Comparison::Ge, 80.0, "%".into())
        );
        assert_eq!(
            one("Throughput > 1000 req/s"),
            ("throughput".into(), Comparison::Gt, 1000.0, "req/s".into())
        );
        assert_eq!(
            one("error rate below 0.1%"),
            ("error_rate".into(), Comparison::Lt, 0.1, "%".into())
        );
        assert_eq!(
            one("RTO 4h"),
            ("rto".into(), Comparison::Le, 14_400_000.0, "h".into())
        );
        assert_eq!(
            one("99.95% availability"),
            ("availability".into(), Comparison::Ge, 99.95, "%".into())
        );
        assert_eq!(
            one("Coverage gate at 85% for `services/`"),
            ("coverage".into(), Comparison::Ge, 85.0, "%".into())
        );
        assert_eq!(
            one("p99 under 1.5 s"),
            ("latency_p99".into(), Comparison::Lt, 1500.0, "s".into())
        );
    }

    #[test]
    fn latency_at_a_load_gives_both_targets() {
        let found = targets("p95 latency < 80ms at 800 req/s");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].metric, "latency_p95");
        assert_eq!(found[1].metric, "throughput");
        assert_eq!(found[1].comparison, Comparison::Ge);
        assert_eq!(found[1].value, 800.0);
    }

    #[test]
    fn no_target_from_alerts_limits_or_wrong_units() {
        assert!(targets("Alert rules: error rate > 2% for 10m").is_empty());
        assert!(targets("Throttle clients (100 req/min per key)").is_empty());
        assert!(targets("Fail the build on >10% latency regression").is_empty());
        assert!(targets("latency 80%").is_empty());
        assert!(targets("12-hour soak test without memory growth").is_empty());
        assert!(targets("Zero critical vulnerabilities").is_empty());
    }
}
