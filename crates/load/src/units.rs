//! Parsing the quantities users write: durations (`10s`, `250ms`, `1m`, `1.5s`) and rates
//! (`2000/s`, `120/m`, `500`).

use crate::error::{LoadError, usage};
use std::time::Duration;

/// Parses `N[unit]` with unit `us`/`µs`, `ms`, `s`, `m` or `h`. A bare number is `default_unit`.
pub fn parse_duration_with(text: &str, default_unit: &str) -> Result<Duration, LoadError> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let unit = if unit.trim().is_empty() {
        default_unit
    } else {
        unit.trim()
    };
    let value: f64 = number.parse().map_err(|_| {
        usage(format!(
            "`{text}` is not a duration (examples: 10s, 250ms, 1m)"
        ))
    })?;
    let seconds = match unit {
        "us" | "µs" => value / 1e6,
        "ms" => value / 1e3,
        "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => {
            return Err(usage(format!(
                "`{text}`: unknown duration unit `{unit}` (use us, ms, s, m or h)"
            )));
        }
    };
    if !seconds.is_finite() || !(0.0..=366.0 * 86_400.0).contains(&seconds) {
        return Err(usage(format!("`{text}` is out of range")));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// A duration where a bare number means seconds (`--duration 30`).
pub fn parse_duration(text: &str) -> Result<Duration, LoadError> {
    parse_duration_with(text, "s")
}

/// Parses a rate in requests per second: `2000/s`, `2000`, `120/m`, `100/1s`.
pub fn parse_rate(text: &str) -> Result<f64, LoadError> {
    let t = text.trim();
    let (number, per) = match t.split_once('/') {
        Some((n, p)) => (n.trim(), Some(p.trim())),
        None => (t, None),
    };
    let count: f64 = number
        .parse()
        .map_err(|_| usage(format!("`{text}` is not a rate (examples: 2000/s, 120/m)")))?;
    let per_seconds = match per {
        None => 1.0,
        Some(p) => {
            let p = if p.starts_with(|c: char| c.is_ascii_digit()) {
                p.to_string()
            } else {
                format!("1{p}")
            };
            parse_duration(&p)?.as_secs_f64()
        }
    };
    if !count.is_finite() || count <= 0.0 || per_seconds <= 0.0 {
        return Err(usage(format!("`{text}`: the rate must be above zero")));
    }
    Ok(count / per_seconds)
}

/// Milliseconds with a precision that suits the magnitude (`0.214ms`, `12.4ms`, `1520ms`).
pub fn format_ms(ms: f64) -> String {
    if ms < 1.0 {
        format!("{ms:.3}ms")
    } else if ms < 100.0 {
        format!("{ms:.2}ms")
    } else {
        format!("{ms:.0}ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_every_unit() {
        assert_eq!(parse_duration("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("1m").unwrap(), Duration::from_secs(60));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("30").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("40us").unwrap(), Duration::from_micros(40));
        assert_eq!(
            parse_duration_with("100", "ms").unwrap(),
            Duration::from_millis(100)
        );
    }

    #[test]
    fn bad_durations_are_usage_errors() {
        for bad in ["", "s", "10 parsecs", "1e999s", "-1s", "ten"] {
            assert!(
                matches!(parse_duration(bad), Err(LoadError::Usage(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn rates() {
        assert_eq!(parse_rate("2000/s").unwrap(), 2000.0);
        assert_eq!(parse_rate("2000").unwrap(), 2000.0);
        assert_eq!(parse_rate("120/m").unwrap(), 2.0);
        assert_eq!(parse_rate("100/2s").unwrap(), 50.0);
        assert!(parse_rate("0/s").is_err());
        assert!(parse_rate("fast").is_err());
        assert!(parse_rate("10/parsec").is_err());
    }
}
