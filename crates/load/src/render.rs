//! The human table and the `vouch.load/v1` JSON document.

use crate::controls;
use crate::summary::{LOAD_SCHEMA, LatencyStats, LoadResult};
use crate::threshold::{Threshold, Verdict};
use crate::units::format_ms;
use serde_json::{Value, json};
use std::fmt::Write;

/// The JSON document: the result, each threshold's verdict, and the LOAD controls as report
/// results (the same shape as `vouch.report/v1`'s `results`).
pub fn json(
    tool_version: &str,
    result: &LoadResult,
    thresholds: &[Threshold],
    verdicts: &[Verdict],
) -> Value {
    let mut doc = json!({
        "schema": LOAD_SCHEMA,
        "tool": { "name": "vouch", "version": tool_version },
    });
    if let (Value::Object(out), Ok(Value::Object(body))) = (&mut doc, serde_json::to_value(result))
    {
        out.extend(body);
        out.insert("thresholds".into(), json!(verdicts));
        out.insert("passed".into(), json!(verdicts.iter().all(|v| v.passed)));
        out.insert(
            "results".into(),
            json!(controls::evaluate(result, thresholds, verdicts)),
        );
    }
    doc
}

pub fn table(result: &LoadResult, verdicts: &[Verdict]) -> String {
    let mut out = String::new();
    let c = &result.config;
    let shape = match c.rate {
        Some(rate) => format!(
            "open model, {} req/s over {} connections",
            number(rate),
            c.connections
        ),
        None => format!("closed model, {} connections", c.connections),
    };
    let warm = if c.warmup_s > 0.0 {
        format!(" (+{}s warmup)", c.warmup_s)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "vouch load  {}  {shape}, {}s{warm}\n",
        result.target, c.duration_s
    );
    let r = &result.requests;
    let _ = writeln!(
        out,
        "  requests     {} done in {:.2}s: {} answered, {} transport errors",
        count(r.total),
        result.measured_s,
        count(r.responses),
        count(r.transport_errors)
    );
    if let Some(planned) = r.planned {
        let _ = writeln!(
            out,
            "  schedule     {} planned, {} sent late (>1ms), {} never sent",
            count(planned),
            count(r.late),
            count(r.missed)
        );
    }
    let _ = writeln!(
        out,
        "  throughput   {} req/s, {} received",
        number(result.throughput_rps),
        bytes(result.bytes_received)
    );
    let _ = writeln!(
        out,
        "  errors       {:.2} % ({} with status >= 400, {} transport)",
        result.error_rate_percent,
        count(r.http_errors),
        count(r.transport_errors)
    );
    let label = if c.rate.is_some() {
        "latency      (from the intended send time)"
    } else {
        "latency"
    };
    latency(&mut out, label, result.latency_ms.as_ref());
    if let Some(service) = &result.service_time_ms {
        latency(
            &mut out,
            "service time (from the actual send)",
            Some(service),
        );
    }
    if !result.status_codes.is_empty() {
        let codes: Vec<String> = result
            .status_codes
            .iter()
            .map(|(code, n)| format!("{code} × {}", count(*n)))
            .collect();
        let _ = writeln!(out, "  status       {}", codes.join(", "));
    }
    if !result.transport_errors.is_empty() {
        let kinds: Vec<String> = result
            .transport_errors
            .iter()
            .map(|(kind, n)| format!("{} × {}", kind.as_str(), count(*n)))
            .collect();
        let _ = writeln!(out, "  transport    {}", kinds.join(", "));
    }
    if result.endpoints.len() > 1 {
        let _ = writeln!(out, "  endpoints");
        let total: u64 = result
            .endpoints
            .iter()
            .map(|e| e.requests)
            .sum::<u64>()
            .max(1);
        for e in &result.endpoints {
            let _ = writeln!(
                out,
                "    {:<16} {:<6} {:<40} weight {:<4} {} ({:.1} %)",
                e.name,
                e.method,
                e.url,
                e.weight,
                count(e.requests),
                100.0 * e.requests as f64 / total as f64
            );
        }
    }
    if !verdicts.is_empty() {
        let _ = writeln!(out, "\nthresholds");
        let width = verdicts
            .iter()
            .map(|v| v.expression.len())
            .max()
            .unwrap_or(0);
        for v in verdicts {
            let observed = match v.observed {
                None => "no data".to_string(),
                Some(x) if v.unit == "ms" => format_ms(x),
                Some(x) if v.unit == "%" => format!("{x:.2} %"),
                Some(x) => format!("{} req/s", number(x)),
            };
            let mark = if v.passed { "PASS" } else { "FAIL" };
            let _ = writeln!(
                out,
                "  {mark}  {:<width$}  measured {observed}",
                v.expression
            );
        }
    }
    out
}

fn latency(out: &mut String, label: &str, stats: Option<&LatencyStats>) {
    let Some(s) = stats else {
        let _ = writeln!(out, "  {label}: no responses");
        return;
    };
    let _ = writeln!(out, "  {label}");
    let _ = writeln!(
        out,
        "    min {}  mean {}  p50 {}  p90 {}  p95 {}  p99 {}  p99.9 {}  max {}",
        format_ms(s.min),
        format_ms(s.mean),
        format_ms(s.p50),
        format_ms(s.p90),
        format_ms(s.p95),
        format_ms(s.p99),
        format_ms(s.p99_9),
        format_ms(s.max)
    );
}

/// `12,345`
fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn number(x: f64) -> String {
    if x >= 100.0 {
        count(x.round() as u64)
    } else {
        format!("{x:.1}")
    }
}

fn bytes(n: u64) -> String {
    match n {
        0..1024 => format!("{n} B"),
        1024..1_048_576 => format!("{:.1} KiB", n as f64 / 1024.0),
        _ => format!("{:.1} MiB", n as f64 / 1_048_576.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(bytes(2048), "2.0 KiB");
    }
}
