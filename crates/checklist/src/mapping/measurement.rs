//! Runtime numeric targets ("p95 latency < 80ms at 800 req/s", "error rate < 0.5% under peak
//! load", "99.9% uptime"): claims about a measurement, which a static control cannot prove.
//! The target's words are taken out before scoring so "latency" or "error rate" alone does not
//! tie the item to a CI or alerting control; what remains (if anything) is mapped as usual.
//! Targets that configure something (alert thresholds, CI gates, rate limits) are not
//! measurements and stay in.

use regex::Regex;
use std::sync::OnceLock;

/// Words that make numbers in an item configuration rather than a measured claim.
const CONFIG_CONTEXT: &[&str] = &[
    "alert",
    "alerts",
    "alerting",
    "ci",
    "pipeline",
    "build",
    "gate",
    "threshold",
    "thresholds",
    "limit",
    "limits",
    "throttle",
    "rate-limit",
    "timeout",
    "budget",
    "slo",
    "slos",
    "k6",
    "locust",
    "hpa",
    "autoscaler",
    "retention",
];

/// The runtime targets in the (markup-free, lower-case) text, as written.
pub fn find_runtime_targets(text: &str) -> Vec<String> {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .collect();
    if words.iter().any(|w| CONFIG_CONTEXT.contains(w)) {
        return Vec::new();
    }
    target_pattern()
        .find_iter(text)
        .map(|m| m.as_str().trim().to_string())
        .collect()
}

/// The LOAD control that measures a runtime target (as [`find_runtime_targets`] wrote it):
/// LOAD001 latency, LOAD002 error rate, LOAD003 throughput. Uptime, availability, recovery
/// time and "under peak load" are claims no bounded load run can prove: None.
pub fn load_control_for(target: &str) -> Option<&'static str> {
    let t = target.to_lowercase();
    let throughput = [
        "throughput",
        "req/s",
        "rps",
        "qps",
        "tps",
        "requests per second",
        "requests/s",
    ];
    if t.contains("error rate") {
        Some(vouch_load::controls::ERRORS.id)
    } else if throughput.iter().any(|w| t.contains(w)) {
        Some(vouch_load::controls::THROUGHPUT.id)
    } else if t.contains("latency")
        || t.contains("response time")
        || t.starts_with('p') && t[1..].starts_with(|c: char| c.is_ascii_digit())
    {
        Some(vouch_load::controls::LATENCY.id)
    } else {
        None
    }
}

/// The text with the targets blanked out.
pub fn without_targets(text: &str, targets: &[String]) -> String {
    let mut out = text.to_string();
    for t in targets {
        out = out.replace(t.as_str(), " ");
    }
    out
}

fn target_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let metric = r"(?:p\d{2,3}(?:\.\d+)?(?: latency)?|latency|response times?|throughput|error rates?|uptime|availability|apdex|memory growth|memory usage|cpu usage|recovery time)";
        let cmp = r"(?:<=|>=|<|>|=|≤|≥|under|below|above|over|at most|at least|of|within|less than|more than)";
        let number = r"\d[\d.,]*\s*(?:ms|s|sec|secs|seconds|minutes|min|m|%|k|rps|qps|req/s|req/min|requests per second)?";
        let rate = r"(?:at |>=? ?|<=? ?)?\d[\d.,]*\s*(?:k\s*)?(?:req/s|rps|qps|tps|requests per second|requests/s)";
        let uptime = r"\d[\d.]*\s*%\s*(?:uptime|availability)";
        let peak = r"under (?:peak|sustained|full) load";
        Regex::new(&format!(
            r"{metric}\s*(?:\w+\s+){{0,2}}?{cmp}\s*{number}|{rate}|{uptime}|{peak}"
        ))
        .expect("static pattern compiles")
    })
}

#[cfg(test)]
mod tests {
    use super::{find_runtime_targets, without_targets};

    #[test]
    fn finds_latency_throughput_and_error_rate_targets() {
        let t = find_runtime_targets("p95 latency < 80ms at 800 req/s");
        assert_eq!(t, ["p95 latency < 80ms", "at 800 req/s"]);
        assert_eq!(
            without_targets("p95 latency < 80ms at 800 req/s", &t).trim(),
            ""
        );
        assert_eq!(
            find_runtime_targets("error rate < 0.5% under peak load"),
            ["error rate < 0.5%", "under peak load"]
        );
        assert_eq!(
            find_runtime_targets("99.9% uptime over 30 days"),
            ["99.9% uptime"]
        );
    }

    #[test]
    fn each_measurable_target_names_its_load_control() {
        use super::load_control_for;
        assert_eq!(load_control_for("p95 latency < 80ms"), Some("LOAD001"));
        assert_eq!(load_control_for("p99 < 250ms"), Some("LOAD001"));
        assert_eq!(
            load_control_for("response time under 300 ms"),
            Some("LOAD001")
        );
        assert_eq!(load_control_for("error rate < 0.5%"), Some("LOAD002"));
        assert_eq!(load_control_for("at 800 req/s"), Some("LOAD003"));
        assert_eq!(load_control_for("throughput > 1000"), Some("LOAD003"));
        assert_eq!(load_control_for("99.9% uptime"), None);
        assert_eq!(load_control_for("under peak load"), None);
    }

    #[test]
    fn configured_thresholds_are_not_measurements() {
        assert!(find_runtime_targets("alert rules: error rate > 2% for 10m").is_empty());
        assert!(find_runtime_targets("k6 suite in ci with thresholds on p95 and p99").is_empty());
        assert!(find_runtime_targets("coverage gate at 85%").is_empty());
        assert!(find_runtime_targets("throttle clients (100 req/min per key)").is_empty());
    }
}
