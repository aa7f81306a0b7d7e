//! `vouch.load/v1` (`vouch load --format json`, crates/load/src/render.rs): the numbers load
//! trends need go into the run's counts: latency percentiles in milliseconds (null when
//! nothing was measured), throughput, error rate, request counts and the threshold verdicts.
//! `gate_failed` is true when a threshold failed; a load run has no score.

use super::ingest::{Ingested, RunKind, tool_version};
use crate::http::problem::FieldError;
use crate::webhooks::signals::Signals;
use serde_json::{Map, Value, json};

pub fn ingest(doc: &Map<String, Value>, errors: &mut Vec<FieldError>) -> Ingested {
    let mut counts = Map::new();
    let latency = doc.get("latency_ms");
    for p in ["p50", "p95", "p99"] {
        let value = match latency {
            None | Some(Value::Null) => Value::Null,
            Some(stats) => number(stats.get(p), &format!("latency_ms.{p}"), errors),
        };
        counts.insert(format!("{p}_ms"), value);
    }
    counts.insert(
        "rps".into(),
        number(doc.get("throughput_rps"), "throughput_rps", errors),
    );
    counts.insert(
        "error_rate_percent".into(),
        number(doc.get("error_rate_percent"), "error_rate_percent", errors),
    );
    let requests = doc.get("requests");
    for field in ["total", "http_errors", "transport_errors"] {
        let value = requests.and_then(|r| r.get(field)).and_then(Value::as_u64);
        if value.is_none() {
            errors.push(FieldError::new(
                format!("requests.{field}"),
                "required non-negative integer",
            ));
        }
        let name = if field == "total" { "requests" } else { field };
        counts.insert(name.into(), json!(value.unwrap_or(0)));
    }
    let thresholds = match doc.get("thresholds") {
        Some(Value::Array(list)) => list.as_slice(),
        _ => {
            errors.push(FieldError::new("thresholds", "required array"));
            &[]
        }
    };
    let failed = thresholds
        .iter()
        .filter(|t| t.get("passed").and_then(Value::as_bool) != Some(true))
        .count();
    counts.insert("thresholds".into(), json!(thresholds.len()));
    counts.insert("thresholds_failed".into(), json!(failed));
    let passed = doc.get("passed").and_then(Value::as_bool);
    if passed.is_none() {
        errors.push(FieldError::new("passed", "required boolean"));
    }
    Ingested {
        kind: RunKind::Load,
        schema: super::ingest::LOAD_SCHEMA.into(),
        tool_version: tool_version(doc),
        commit: None,
        score: None,
        areas: Vec::new(),
        gate_failed: passed.map(|p| !p),
        counts,
        signals: Signals::default(),
        checklist: None,
    }
}

/// A finite, non-negative number.
fn number(value: Option<&Value>, field: &str, errors: &mut Vec<FieldError>) -> Value {
    match value.and_then(Value::as_f64) {
        Some(n) if n.is_finite() && n >= 0.0 => json!(n),
        _ => {
            errors.push(FieldError::new(field, "required non-negative number"));
            Value::Null
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::ingest::ingest as ingest_body;
    use super::*;

    fn load_report(passed: bool) -> Value {
        json!({
            "schema": "vouch.load/v1",
            "tool": {"name": "vouch", "version": "0.1.0"},
            "target": "http://127.0.0.1:8080/",
            "requests": {"total": 1000, "responses": 998, "http_errors": 3,
                         "transport_errors": 2, "late": 0, "missed": 0},
            "throughput_rps": 199.5,
            "error_rate_percent": 0.5,
            "latency_ms": {"min": 0.2, "mean": 1.1, "p50": 0.9, "p90": 2.0, "p95": 2.5,
                           "p99": 7.25, "p99_9": 9.0, "max": 12.0, "stdev": 0.8},
            "thresholds": [
                {"expression": "p(99)<10ms", "observed": 7.25, "unit": "ms", "passed": true},
                {"expression": "errors<0.1%", "observed": 0.5, "unit": "%", "passed": passed}
            ],
            "passed": passed,
            "results": []
        })
    }

    #[test]
    fn percentiles_rate_errors_and_thresholds_are_indexed() {
        let got = ingest_body(&serde_json::to_vec(&load_report(false)).unwrap()).unwrap();
        assert_eq!(got.kind, RunKind::Load);
        assert_eq!(got.score, None);
        assert_eq!(got.gate_failed, Some(true));
        let c = &got.counts;
        assert_eq!(
            (&c["p50_ms"], &c["p95_ms"], &c["p99_ms"]),
            (&json!(0.9), &json!(2.5), &json!(7.25))
        );
        assert_eq!(
            (&c["rps"], &c["error_rate_percent"]),
            (&json!(199.5), &json!(0.5))
        );
        assert_eq!(
            (&c["requests"], &c["http_errors"]),
            (&json!(1000), &json!(3))
        );
        assert_eq!(
            (&c["thresholds"], &c["thresholds_failed"]),
            (&json!(2), &json!(1))
        );
    }

    #[test]
    fn nothing_measured_gives_null_percentiles_and_bad_fields_are_listed() {
        let mut report = load_report(true);
        report["latency_ms"] = Value::Null;
        let got = ingest_body(&serde_json::to_vec(&report).unwrap()).unwrap();
        assert_eq!(got.counts["p99_ms"], Value::Null);
        assert_eq!(got.gate_failed, Some(false));

        report["throughput_rps"] = json!("fast");
        report["passed"] = json!(null);
        report.as_object_mut().unwrap().remove("thresholds");
        let err = ingest_body(&serde_json::to_vec(&report).unwrap()).unwrap_err();
        let fields: Vec<&str> = err.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["throughput_rps", "thresholds", "passed"]);
    }
}
