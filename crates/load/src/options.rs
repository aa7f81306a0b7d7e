//! From what the user wrote (command line, scenario file) to a validated [`Plan`] and its
//! thresholds. Command-line values win over the scenario's; thresholds from both apply.

use crate::error::{LoadError, usage};
use crate::plan::{self, Endpoint, Model, Plan};
use crate::scenario::Scenario;
use crate::target::TargetUrl;
use crate::threshold::Threshold;
use crate::units::{parse_duration, parse_rate};
use bytes::Bytes;
use std::time::Duration;

/// Connections of the closed model when neither `--rate` nor `--concurrency` is given.
pub const DEFAULT_CONCURRENCY: usize = 10;

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub url: Option<String>,
    /// `(path as shown, file text)`.
    pub scenario: Option<(String, String)>,
    pub rate: Option<String>,
    pub concurrency: Option<String>,
    pub connections: Option<String>,
    pub duration: Option<String>,
    pub requests: Option<String>,
    pub warmup: Option<String>,
    pub timeout: Option<String>,
    pub method: Option<String>,
    pub headers: Vec<String>,
    pub body: Option<Vec<u8>>,
    pub thresholds: Vec<String>,
    pub threads: usize,
    /// Trust for `https://` targets.
    pub trust: plan::Trust,
}

pub fn build(options: Options) -> Result<(Plan, Vec<Threshold>), LoadError> {
    let scenario = match &options.scenario {
        Some((path, text)) => Some((path.as_str(), Scenario::parse(path, text)?)),
        None => None,
    };
    let shape = scenario
        .as_ref()
        .map(|(_, s)| s.load.clone())
        .unwrap_or_default();
    let pick = |cli: &Option<String>, file: &Option<String>| cli.clone().or_else(|| file.clone());

    let url = options
        .url
        .clone()
        .or_else(|| scenario.as_ref().and_then(|(_, s)| s.target.clone()))
        .ok_or_else(|| usage("give a URL (or a scenario file with `target:`)"))?;
    let target = TargetUrl::parse(&url)?;
    let mut endpoints = match &scenario {
        Some((path, s)) => {
            if options.method.is_some() || options.body.is_some() {
                return Err(usage(
                    "--method and --body do not combine with --scenario; set them per endpoint in the file",
                ));
            }
            s.endpoints_on(&target, path)?
        }
        None => {
            let mut e = Endpoint::new("default", target);
            if let Some(m) = &options.method {
                e.set_method(m)?;
            }
            if let Some(b) = &options.body {
                e.body = Bytes::from(b.clone());
            }
            vec![e]
        }
    };
    for e in &mut endpoints {
        for line in &options.headers {
            e.add_header_line(line)?;
        }
    }

    let rate = pick(&options.rate, &shape.rate)
        .map(|r| parse_rate(&r))
        .transpose()?;
    let concurrency = pick(&options.concurrency, &shape.concurrency)
        .map(|c| size(&c, "--concurrency"))
        .transpose()?;
    let connections = pick(&options.connections, &shape.connections)
        .map(|c| size(&c, "--connections"))
        .transpose()?;
    let model = match (rate, concurrency) {
        (Some(_), Some(_)) => {
            return Err(usage(
                "--rate (open model) and --concurrency (closed model) exclude each other",
            ));
        }
        (Some(rate), None) => Model::Open {
            rate,
            connections: connections.unwrap_or(plan::DEFAULT_CONNECTIONS),
        },
        (None, c) => Model::Closed {
            concurrency: c.or(connections).unwrap_or(DEFAULT_CONCURRENCY),
        },
    };
    let max_requests = pick(&options.requests, &shape.requests)
        .map(|r| count(&r, "--requests"))
        .transpose()?;
    let duration = match pick(&options.duration, &shape.duration) {
        Some(d) => parse_duration(&d)?,
        None => match (max_requests, model) {
            // An open run with a request count lasts as long as the schedule needs.
            (Some(n), Model::Open { rate, .. }) => Duration::from_secs_f64(n as f64 / rate),
            (Some(_), Model::Closed { .. }) => plan::DEFAULT_REQUESTS_DURATION_CAP,
            (None, _) => plan::DEFAULT_DURATION,
        },
    };
    let warmup = pick(&options.warmup, &shape.warmup)
        .map(|w| parse_duration(&w))
        .transpose()?
        .unwrap_or(Duration::ZERO);
    let timeout = pick(&options.timeout, &shape.timeout)
        .map(|t| parse_duration(&t))
        .transpose()?
        .unwrap_or(plan::DEFAULT_TIMEOUT);
    let plan = Plan {
        endpoints,
        model,
        duration,
        max_requests,
        warmup,
        timeout,
        threads: options.threads,
        trust: options.trust.clone(),
    };
    plan.validate()?;

    let mut texts: Vec<String> = scenario.map(|(_, s)| s.thresholds).unwrap_or_default();
    texts.extend(options.thresholds);
    let thresholds = texts
        .iter()
        .map(|t| Threshold::parse(t))
        .collect::<Result<_, _>>()?;
    Ok((plan, thresholds))
}

fn size(text: &str, what: &str) -> Result<usize, LoadError> {
    usize::try_from(count(text, what)?).map_err(|_| usage(format!("{what} `{text}` is too large")))
}

fn count(text: &str, what: &str) -> Result<u64, LoadError> {
    text.trim()
        .replace('_', "")
        .parse::<u64>()
        .map_err(|_| usage(format!("{what} `{text}` is not a whole number")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(url: &str) -> Options {
        Options {
            url: Some(url.to_string()),
            ..Options::default()
        }
    }

    #[test]
    fn a_url_alone_is_a_short_closed_run() {
        let (plan, thresholds) = build(opts("http://127.0.0.1:9/")).unwrap();
        assert_eq!(
            plan.model,
            Model::Closed {
                concurrency: DEFAULT_CONCURRENCY
            }
        );
        assert_eq!(plan.duration, plan::DEFAULT_DURATION);
        assert!(thresholds.is_empty());
    }

    #[test]
    fn rate_with_requests_sets_the_duration() {
        let mut o = opts("http://127.0.0.1:9/");
        o.rate = Some("200/s".into());
        o.requests = Some("1000".into());
        let (plan, _) = build(o).unwrap();
        assert_eq!(plan.duration, Duration::from_secs(5));
        assert!(matches!(plan.model, Model::Open { rate, connections: 64 } if rate == 200.0));
    }

    #[test]
    fn command_line_wins_over_the_scenario() {
        let mut o = opts("http://127.0.0.1:9/");
        o.scenario = Some((
            "s.yaml".into(),
            "target: http://127.0.0.1:1\nload: { rate: 10/s, duration: 1m }\nthresholds: ['p(99)<1s']\nendpoints:\n  - { path: /a }\n".into(),
        ));
        o.duration = Some("2s".into());
        o.thresholds = vec!["errors<1%".into()];
        let (plan, thresholds) = build(o).unwrap();
        assert_eq!(plan.duration, Duration::from_secs(2));
        assert_eq!(plan.endpoints[0].target.url, "http://127.0.0.1:9/a");
        assert_eq!(thresholds.len(), 2);
    }

    #[test]
    fn conflicting_or_bad_options_are_usage_errors() {
        let mut o = opts("http://127.0.0.1:9/");
        o.rate = Some("10/s".into());
        o.concurrency = Some("2".into());
        assert!(matches!(build(o), Err(LoadError::Usage(_))));
        let mut o = opts("http://127.0.0.1:9/");
        o.thresholds.push("p(95)<soon".into());
        assert!(matches!(build(o), Err(LoadError::Usage(_))));
        assert!(build(Options::default()).is_err());
        let mut o = opts("http://127.0.0.1:9/");
        o.requests = Some("lots".into());
        assert!(build(o).is_err());
    }
}
