//! k6-style pass/fail criteria: `p(95)<100ms`, `p(99.9)<=1s`, `avg<50ms`, `med<20`, `max<2s`,
//! `errors<1%`, `rps>1000`. A bare latency number is milliseconds (as in k6).

use crate::error::{LoadError, usage};
use crate::summary::LoadResult;
use crate::units::{parse_duration_with, parse_rate};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "percentile")]
pub enum Metric {
    Percentile(f64),
    Avg,
    Min,
    Max,
    Errors,
    Rps,
}

impl Metric {
    pub fn is_latency(self) -> bool {
        !matches!(self, Metric::Errors | Metric::Rps)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Op {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "==")]
    Eq,
}

impl Op {
    fn holds(self, observed: f64, limit: f64) -> bool {
        match self {
            Op::Lt => observed < limit,
            Op::Le => observed <= limit,
            Op::Gt => observed > limit,
            Op::Ge => observed >= limit,
            Op::Eq => (observed - limit).abs() < 1e-9,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Threshold {
    /// As written.
    pub expression: String,
    pub metric: Metric,
    pub op: Op,
    /// Milliseconds for latency, percent for errors, requests per second for rps.
    pub limit: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    pub expression: String,
    /// None when the run has no data for the metric (then the threshold fails).
    pub observed: Option<f64>,
    pub unit: &'static str,
    pub passed: bool,
}

const OPS: [(&str, Op); 5] = [
    ("<=", Op::Le),
    (">=", Op::Ge),
    ("==", Op::Eq),
    ("<", Op::Lt),
    (">", Op::Gt),
];

impl Threshold {
    pub fn parse(text: &str) -> Result<Threshold, LoadError> {
        let expression = text.trim().to_string();
        let at = expression.find(['<', '>', '=']).ok_or_else(|| {
            usage(format!(
                "threshold `{text}`: expected a comparison such as `p(95)<100ms`"
            ))
        })?;
        let (left, rest) = expression.split_at(at);
        let (op_text, op) = OPS
            .iter()
            .find(|(s, _)| rest.starts_with(s))
            .copied()
            .ok_or_else(|| usage(format!("threshold `{text}`: use <, <=, >, >= or ==")))?;
        let right = rest[op_text.len()..].trim();
        let metric = parse_metric(left.trim(), text)?;
        let limit = match metric {
            Metric::Errors => {
                let number = right.strip_suffix('%').ok_or_else(|| {
                    usage(format!(
                        "threshold `{text}`: write the error rate as a percentage, e.g. errors<1%"
                    ))
                })?;
                let v: f64 = number.trim().parse().map_err(|_| {
                    usage(format!("threshold `{text}`: `{right}` is not a percentage"))
                })?;
                if !(0.0..=100.0).contains(&v) {
                    return Err(usage(format!(
                        "threshold `{text}`: a percentage is between 0 and 100"
                    )));
                }
                v
            }
            Metric::Rps => parse_rate(right)
                .map_err(|_| usage(format!("threshold `{text}`: `{right}` is not a rate")))?,
            _ => {
                parse_duration_with(right, "ms")
                    .map_err(|_| {
                        usage(format!(
                            "threshold `{text}`: `{right}` is not a duration (100ms, 1s)"
                        ))
                    })?
                    .as_secs_f64()
                    * 1000.0
            }
        };
        Ok(Threshold {
            expression,
            metric,
            op,
            limit,
        })
    }

    pub fn evaluate(&self, result: &LoadResult) -> Verdict {
        let latency = result.latency_ms.as_ref();
        let observed = match self.metric {
            Metric::Percentile(p) => result.percentile_ms(p),
            Metric::Avg => latency.map(|l| l.mean),
            Metric::Min => latency.map(|l| l.min),
            Metric::Max => latency.map(|l| l.max),
            Metric::Errors => (result.requests.total > 0).then_some(result.error_rate_percent),
            Metric::Rps => (result.measured_s > 0.0).then_some(result.throughput_rps),
        };
        Verdict {
            expression: self.expression.clone(),
            observed,
            unit: match self.metric {
                Metric::Errors => "%",
                Metric::Rps => "req/s",
                _ => "ms",
            },
            passed: observed.is_some_and(|v| self.op.holds(v, self.limit)),
        }
    }
}

fn parse_metric(left: &str, text: &str) -> Result<Metric, LoadError> {
    let lower = left.to_ascii_lowercase();
    let metric = match lower.as_str() {
        "avg" | "mean" => Metric::Avg,
        "med" | "median" => Metric::Percentile(50.0),
        "min" => Metric::Min,
        "max" => Metric::Max,
        "errors" | "error_rate" => Metric::Errors,
        "rps" | "throughput" => Metric::Rps,
        other => {
            let inner = other
                .strip_prefix("p(")
                .and_then(|s| s.strip_suffix(')'))
                .or_else(|| other.strip_prefix('p'))
                .ok_or_else(|| {
                    usage(format!(
                        "threshold `{text}`: unknown metric `{left}` (use p(N), avg, med, min, max, errors or rps)"
                    ))
                })?;
            let p: f64 = inner.trim().parse().map_err(|_| {
                usage(format!(
                    "threshold `{text}`: `{left}` is not a percentile such as p(95)"
                ))
            })?;
            if !(p > 0.0 && p <= 100.0) {
                return Err(usage(format!(
                    "threshold `{text}`: a percentile is above 0 and at most 100"
                )));
            }
            Metric::Percentile(p)
        }
    };
    Ok(metric)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_k6_forms() {
        let t = Threshold::parse("p(95)<100ms").unwrap();
        assert_eq!(
            (t.metric, t.op, t.limit),
            (Metric::Percentile(95.0), Op::Lt, 100.0)
        );
        let t = Threshold::parse("p(99.9) <= 1s").unwrap();
        assert_eq!(
            (t.metric, t.op, t.limit),
            (Metric::Percentile(99.9), Op::Le, 1000.0)
        );
        assert_eq!(Threshold::parse("med<20").unwrap().limit, 20.0);
        assert_eq!(
            Threshold::parse("med<20").unwrap().metric,
            Metric::Percentile(50.0)
        );
        assert_eq!(Threshold::parse("avg<500us").unwrap().limit, 0.5);
        let t = Threshold::parse("errors<1%").unwrap();
        assert_eq!((t.metric, t.limit), (Metric::Errors, 1.0));
        let t = Threshold::parse("rps>1000").unwrap();
        assert_eq!((t.metric, t.op, t.limit), (Metric::Rps, Op::Gt, 1000.0));
        assert_eq!(Threshold::parse("rps>=50/s").unwrap().limit, 50.0);
        assert_eq!(Threshold::parse("max<2s").unwrap().metric, Metric::Max);
    }

    #[test]
    fn mistakes_are_usage_errors_that_say_what_to_write() {
        for (bad, hint) in [
            ("p95 100ms", "comparison"),
            ("p(95)<fast", "not a duration"),
            ("errors<1", "percentage"),
            ("errors<150%", "between 0 and 100"),
            ("latency<1s", "unknown metric"),
            ("p(0)<1s", "above 0"),
            ("p(x)<1s", "not a percentile"),
            ("rps>many", "not a rate"),
            ("p(95)=<1s", "use <"),
        ] {
            match Threshold::parse(bad) {
                Err(LoadError::Usage(m)) => assert!(m.contains(hint), "{bad}: {m}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
