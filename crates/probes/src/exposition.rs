//! A parser for the Prometheus text exposition format (0.0.4) and OpenMetrics 1.0 text:
//! HELP/TYPE/UNIT lines, samples with labels, escapes, timestamps and exemplars. Every
//! malformed line is reported with its number; parsing never stops early.

use std::collections::{BTreeMap, HashSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `text/plain; version=0.0.4`
    Text,
    /// `application/openmetrics-text`
    OpenMetrics,
}

impl Format {
    /// From the response's media type, falling back to the body's `# EOF` marker.
    pub fn detect(media_type: Option<&str>, body: &str) -> Format {
        match media_type {
            Some(m) if m.contains("openmetrics") => Format::OpenMetrics,
            Some(m) if m.starts_with("text/plain") => Format::Text,
            _ if body.trim_end().ends_with("# EOF") => Format::OpenMetrics,
            _ => Format::Text,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Family {
    pub help: Option<String>,
    pub kind: Option<String>,
    pub unit: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub value: f64,
    /// Milliseconds (text format) or seconds (OpenMetrics), as written.
    pub timestamp: Option<f64>,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    /// 1-based.
    pub line: u32,
    pub text: String,
    pub message: String,
}

#[derive(Clone, Debug, Default)]
pub struct Exposition {
    pub families: BTreeMap<String, Family>,
    pub samples: Vec<Sample>,
    pub errors: Vec<LineError>,
}

const TEXT_TYPES: &[&str] = &["counter", "gauge", "histogram", "summary", "untyped"];
const OM_TYPES: &[&str] = &[
    "counter",
    "gauge",
    "histogram",
    "gaugehistogram",
    "summary",
    "stateset",
    "info",
    "unknown",
];
/// Suffixes a sample may add to its family's name.
const SUFFIXES: &[&str] = &[
    "_total", "_bucket", "_count", "_sum", "_created", "_info", "_gcount", "_gsum",
];

pub fn parse(text: &str, format: Format) -> Exposition {
    let mut p = Parser {
        format,
        out: Exposition::default(),
        typed: HashSet::new(),
        helped: HashSet::new(),
        sampled: HashSet::new(),
        eof_at: None,
    };
    let lines: Vec<&str> = text.split('\n').collect();
    // A final newline leaves one empty piece that is not a line.
    let count = if text.ends_with('\n') {
        lines.len() - 1
    } else {
        lines.len()
    };
    for (i, raw) in lines.iter().take(count).enumerate() {
        p.line((i + 1) as u32, raw.strip_suffix('\r').unwrap_or(raw));
    }
    if format == Format::OpenMetrics && p.eof_at.is_none() {
        p.error(
            count as u32,
            "",
            "OpenMetrics exposition does not end with `# EOF`",
        );
    }
    p.out
}

struct Parser {
    format: Format,
    out: Exposition,
    typed: HashSet<String>,
    helped: HashSet<String>,
    /// Families that already have samples (a TYPE after them is an error).
    sampled: HashSet<String>,
    eof_at: Option<u32>,
}

impl Parser {
    fn error(&mut self, line: u32, text: &str, message: impl Into<String>) {
        self.out.errors.push(LineError {
            line,
            text: text.to_string(),
            message: message.into(),
        });
    }

    fn line(&mut self, n: u32, text: &str) {
        if let Some(eof) = self.eof_at {
            self.error(n, text, format!("content after `# EOF` (line {eof})"));
            return;
        }
        let om = self.format == Format::OpenMetrics;
        if text.trim().is_empty() {
            if om {
                self.error(n, text, "blank line (not allowed in OpenMetrics)");
            }
            return;
        }
        if let Some(rest) = text.strip_prefix('#') {
            self.comment(n, text, rest);
            return;
        }
        if text.starts_with([' ', '\t']) && om {
            self.error(n, text, "leading whitespace");
            return;
        }
        match sample(text.trim_start(), self.format) {
            Ok(mut s) => {
                s.line = n;
                let family = self.family_of(&s.name);
                if let Some(err) = self.check_sample(&family, &s) {
                    self.error(n, text, err);
                }
                self.sampled.insert(family);
                self.out.samples.push(s);
            }
            Err(message) => self.error(n, text, message),
        }
    }

    fn comment(&mut self, n: u32, text: &str, rest: &str) {
        let om = self.format == Format::OpenMetrics;
        if rest == " EOF" && om {
            self.eof_at = Some(n);
            return;
        }
        let mut parts = rest.trim_start().splitn(3, [' ', '\t']);
        let keyword = parts.next().unwrap_or("");
        if !matches!(keyword, "HELP" | "TYPE" | "UNIT") || (keyword == "UNIT" && !om) {
            if om {
                self.error(
                    n,
                    text,
                    "unknown comment (OpenMetrics allows HELP, TYPE, UNIT, EOF)",
                );
            }
            return;
        }
        let name = parts.next().unwrap_or("");
        let value = parts.next().unwrap_or("");
        if !valid_metric_name(name) {
            self.error(n, text, format!("{keyword} without a valid metric name"));
            return;
        }
        let seen_before = match keyword {
            "HELP" => !self.helped.insert(name.to_string()),
            "TYPE" => !self.typed.insert(name.to_string()),
            _ => false,
        };
        if seen_before {
            self.error(n, text, format!("second {keyword} line for `{name}`"));
            return;
        }
        match keyword {
            "HELP" => match unescape(value, om) {
                Ok(help) => self.out.families.entry(name.into()).or_default().help = Some(help),
                Err(e) => self.error(n, text, e),
            },
            "TYPE" => {
                let allowed = if om { OM_TYPES } else { TEXT_TYPES };
                if !allowed.contains(&value.trim()) {
                    self.error(n, text, format!("unknown metric type `{}`", value.trim()));
                } else if self.sampled.contains(name) {
                    self.error(n, text, format!("TYPE for `{name}` after its samples"));
                } else {
                    self.out.families.entry(name.into()).or_default().kind =
                        Some(value.trim().to_string());
                }
            }
            _ => self.out.families.entry(name.into()).or_default().unit = Some(value.to_string()),
        }
    }

    /// The declared family a sample belongs to (`x_bucket` → `x` when `x` is typed).
    fn family_of(&self, name: &str) -> String {
        if self.out.families.contains_key(name) {
            return name.to_string();
        }
        SUFFIXES
            .iter()
            .filter_map(|s| name.strip_suffix(s))
            .find(|base| self.out.families.contains_key(*base))
            .unwrap_or(name)
            .to_string()
    }

    fn check_sample(&self, family: &str, s: &Sample) -> Option<String> {
        let kind = self.out.families.get(family)?.kind.as_deref()?;
        let has = |l: &str| s.labels.iter().any(|(k, _)| k == l);
        match kind {
            "histogram" | "gaugehistogram" if s.name.ends_with("_bucket") && !has("le") => {
                Some("histogram bucket without an `le` label".into())
            }
            "counter" if s.value < 0.0 => Some("negative counter value".into()),
            "counter" if self.format == Format::OpenMetrics && s.name == family => {
                Some("OpenMetrics counter sample without the `_total` suffix".into())
            }
            _ => None,
        }
    }
}

fn valid_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn valid_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `\\` and `\n` (and `\"` in OpenMetrics HELP); any other escape is an error.
fn unescape(s: &str, quotes: bool) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('"') if quotes => out.push('"'),
            Some(other) => return Err(format!("invalid escape `\\{other}`")),
            None => return Err("dangling backslash".into()),
        }
    }
    Ok(out)
}

/// `name{label="value",...} value [timestamp] [# exemplar]`
fn sample(line: &str, format: Format) -> Result<Sample, String> {
    let name_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(line.len());
    let name = &line[..name_end];
    if !valid_metric_name(name) {
        return Err("sample without a valid metric name".into());
    }
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if let Some(after) = rest.strip_prefix('{') {
        let (parsed, remaining) = label_set(after, format)?;
        labels = parsed;
        rest = remaining;
    }
    if !rest.starts_with([' ', '\t']) {
        return Err("expected a space before the value".into());
    }
    let (rest, exemplar) = match rest.find(" # ") {
        Some(i) if format == Format::OpenMetrics => (&rest[..i], Some(&rest[i + 3..])),
        _ => (rest, None),
    };
    let mut fields = rest.split_whitespace();
    let value_text = fields.next().ok_or("sample without a value")?;
    let value = parse_value(value_text).ok_or_else(|| format!("invalid value `{value_text}`"))?;
    let timestamp = match fields.next() {
        None => None,
        Some(ts) => Some(match format {
            Format::Text => ts
                .parse::<i64>()
                .map(|v| v as f64)
                .map_err(|_| format!("invalid timestamp `{ts}` (milliseconds expected)"))?,
            Format::OpenMetrics => {
                parse_value(ts).ok_or_else(|| format!("invalid timestamp `{ts}`"))?
            }
        }),
    };
    if let Some(extra) = fields.next() {
        return Err(format!("unexpected `{extra}` after the value"));
    }
    if let Some(ex) = exemplar {
        let inner = ex
            .trim_start()
            .strip_prefix('{')
            .ok_or("exemplar without labels")?;
        let (_, after) = label_set(inner, format)?;
        let v = after
            .split_whitespace()
            .next()
            .ok_or("exemplar without a value")?;
        parse_value(v).ok_or_else(|| format!("invalid exemplar value `{v}`"))?;
    }
    Ok(Sample {
        name: name.to_string(),
        labels,
        value,
        timestamp,
        line: 0,
    })
}

type Labels = Vec<(String, String)>;

/// Parses `a="1",b="2"}` (after the `{`); returns the labels and the text after `}`.
fn label_set(mut s: &str, format: Format) -> Result<(Labels, &str), String> {
    let mut labels: Labels = Vec::new();
    loop {
        s = s.trim_start_matches([' ', '\t']);
        if let Some(after) = s.strip_prefix('}') {
            return Ok((labels, after));
        }
        let eq = s.find('=').ok_or("label without `=`")?;
        let name = s[..eq].trim();
        if !valid_label_name(name) {
            return Err(format!("invalid label name `{name}`"));
        }
        if labels.iter().any(|(k, _)| k == name) {
            return Err(format!("duplicate label `{name}`"));
        }
        s = s[eq + 1..].trim_start();
        s = s
            .strip_prefix('"')
            .ok_or_else(|| format!("label `{name}` value is not quoted"))?;
        let mut value = String::new();
        let mut chars = s.char_indices();
        let end = loop {
            match chars.next() {
                None => return Err(format!("label `{name}` value has no closing quote")),
                Some((i, '"')) => break i,
                Some((_, '\\')) => match chars.next() {
                    Some((_, '\\')) => value.push('\\'),
                    Some((_, '"')) => value.push('"'),
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, c)) => {
                        return Err(format!("invalid escape `\\{c}` in label `{name}`"));
                    }
                    None => return Err(format!("label `{name}` value has no closing quote")),
                },
                Some((_, c)) => value.push(c),
            }
        };
        labels.push((name.to_string(), value));
        s = &s[end + 1..];
        s = s.trim_start_matches([' ', '\t']);
        if let Some(after) = s.strip_prefix(',') {
            s = after;
            if format == Format::OpenMetrics && s.trim_start().starts_with('}') {
                return Err("trailing comma in labels (not allowed in OpenMetrics)".into());
            }
        } else if !s.starts_with('}') {
            return Err("expected `,` or `}` after a label".into());
        }
    }
}

/// Go-style floats: `1`, `-2.5e3`, `NaN`, `+Inf`, `-Inf`.
fn parse_value(s: &str) -> Option<f64> {
    match s {
        "NaN" => Some(f64::NAN),
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        // Rust would also take `inf` or `infinity`; the format does not.
        _ if s.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c)) => s.parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\nhttp_requests_total{method=\"GET\",code=\"200\"} 1027 1395066363000\nhttp_requests_total{method=\"POST\",code=\"400\",} 3\n\n# A normal comment.\n# HELP msdos_file_access_time_seconds Escapes: \\\\ and \\n.\n# TYPE msdos_file_access_time_seconds gauge\nmsdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n# TYPE rpc_duration_seconds histogram\nrpc_duration_seconds_bucket{le=\"0.05\"} 24054\nrpc_duration_seconds_bucket{le=\"+Inf\"} 144320\nrpc_duration_seconds_sum 53423\nrpc_duration_seconds_count 144320\nspecial NaN\nneg -Inf\n";

    #[test]
    fn parses_the_reference_example_without_errors() {
        let e = parse(GOOD, Format::Text);
        assert!(e.errors.is_empty(), "{:?}", e.errors);
        assert_eq!(e.samples.len(), 9);
        let file = &e.samples[2];
        assert_eq!(file.labels[0].1, "C:\\DIR\\FILE.TXT");
        assert_eq!(file.labels[1].1, "Cannot find file:\n\"FILE.TXT\"");
        assert_eq!(e.samples[0].timestamp, Some(1395066363000.0));
        assert_eq!(
            e.families["msdos_file_access_time_seconds"].help.as_deref(),
            Some("Escapes: \\ and \n.")
        );
        assert_eq!(
            e.families["rpc_duration_seconds"].kind.as_deref(),
            Some("histogram")
        );
        assert!(e.samples[7].value.is_nan());
    }

    #[test]
    fn reports_each_malformed_line() {
        let text = "# TYPE a counter\na 1\na{x=\"1} 2\nb\n# TYPE c sometype\nd{1x=\"y\"} 1\ne{x=y} 1\nf 1 notatime\ng{x=\"\\q\"} 1\n# TYPE a gauge\nh 1 2 3\n# TYPE hist histogram\nhist_bucket 1\n";
        let e = parse(text, Format::Text);
        let lines: Vec<u32> = e.errors.iter().map(|x| x.line).collect();
        assert_eq!(
            lines,
            vec![3, 4, 5, 6, 7, 8, 9, 10, 11, 13],
            "{:#?}",
            e.errors
        );
        assert!(e.errors[0].message.contains("closing quote"));
        assert!(e.errors[7].message.contains("second TYPE"));
        assert!(e.errors[9].message.contains("`le`"));
        assert_eq!(e.samples.len(), 2, "valid lines still parse");
    }

    #[test]
    fn openmetrics_needs_eof_and_total_suffix() {
        let ok = "# TYPE foo counter\n# HELP foo Foos.\nfoo_total 17.0 1520879607.789 # {trace_id=\"KOO5S4vxi0o\"} 0.67\nfoo_created 1520430000.123\n# EOF\n";
        let e = parse(ok, Format::OpenMetrics);
        assert!(e.errors.is_empty(), "{:?}", e.errors);
        assert_eq!(e.samples[0].timestamp, Some(1520879607.789));

        let bad = "# TYPE foo counter\nfoo 1\n\n# random\n";
        let e = parse(bad, Format::OpenMetrics);
        let messages: Vec<&str> = e.errors.iter().map(|x| x.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.contains("_total")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("blank line")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("unknown comment")),
            "{messages:?}"
        );
        assert!(messages.iter().any(|m| m.contains("# EOF")), "{messages:?}");
        let after = parse("a_total 1\n# EOF\nb 1\n", Format::OpenMetrics);
        assert!(after.errors[0].message.contains("after `# EOF`"));
    }

    #[test]
    fn format_detection() {
        assert_eq!(
            Format::detect(Some("application/openmetrics-text"), ""),
            Format::OpenMetrics
        );
        assert_eq!(Format::detect(Some("text/plain"), "# EOF"), Format::Text);
        assert_eq!(Format::detect(None, "a 1\n# EOF\n"), Format::OpenMetrics);
    }
}
