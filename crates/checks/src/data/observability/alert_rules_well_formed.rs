use crate::data::support::alert_rules::{AlertRules, is_prometheus_duration};
use crate::prelude::*;

pub struct AlertRulesWellFormed;

static META: ControlMeta = ControlMeta {
    id: "OBS001",
    slug: "alert_rules_well_formed",
    title: "Prometheus alert rules parse and carry expr, severity and summary",
    area: Area::Observability,
    severity: Severity::Medium,
    remediation: "Make every rule file valid YAML that Prometheus loads (`promtool check rules`), \
                  and give every alerting rule an `expr`, a `severity` label (used for routing and \
                  paging) and a `summary` or `description` annotation (what the person paged reads \
                  first). Keep `for:` durations in Prometheus syntax (`5m`, `1h30m`).",
    references: &[
        "https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/",
        "https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/",
        "https://prometheus-operator.dev/docs/developer/alerting/",
    ],
    concepts: &[
        "alert rules",
        "alerting rules",
        "prometheus alerts",
        "alert severity",
        "alert annotations",
        "promtool",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every Prometheus rule file (YAML with `groups:` whose `rules:` hold `alert:` or `record:`
entries, PrometheusRule resources with `spec.groups`, rule groups nested in Helm values) must
parse, and every alerting rule must have:

- a non-empty `expr`;
- a `severity` label;
- a `summary` or `description` annotation;
- a `for:` duration Prometheus accepts (`5m`, `1h30m`; not `5 minutes`).

Rule groups need a name, unique within their file. A rule file that is not valid YAML is
reported at the line and column of the error. Rules in documentation, examples and tests are
ignored. NotApplicable without alert rules; Unknown when the rules exist only in Helm templates.

## Why it matters in production

A rule file that does not load silently removes every alert in it: Prometheus keeps the last
good configuration or refuses to start. An alert without `severity` is routed nowhere or
pages for trivia, and one without a summary wakes someone up with nothing but a metric name.

## Example

Bad:

```yaml
groups:
  - name: api
    rules:
      - alert: HighLatency
        expr: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 0.5
        for: 10 minutes
```

Good:

```yaml
groups:
  - name: api
    rules:
      - alert: HighLatency
        expr: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 0.5
        for: 10m
        labels:
          severity: warning
        annotations:
          summary: p99 latency above 500 ms for 10 minutes
```

## References

- Prometheus documentation, Alerting rules; Unit testing for rules
- Prometheus Operator, Alerting
"#,
};

impl Check for AlertRulesWellFormed {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let rules = AlertRules::get(ws);
        if let Err(outcome) = rules.premise() {
            return outcome;
        }
        let mut findings: Vec<Finding> = rules.parse_errors.clone();
        findings.extend(rules.group_errors.iter().cloned());
        for alert in &rules.alerts {
            let mut missing = Vec::new();
            if alert.expr.is_none() {
                missing.push("an `expr`");
            }
            if alert.severity.is_none() {
                missing.push("a `severity` label");
            }
            if alert.summary.is_none() {
                missing.push("a `summary` or `description` annotation");
            }
            if !missing.is_empty() {
                findings.push(alert.finding(format!(
                    "alert `{}` lacks {}",
                    alert.name,
                    join_and(&missing)
                )));
            }
            if let Some((value, line, column)) = &alert.for_
                && !is_prometheus_duration(value)
            {
                findings.push(finding_at(
                        &alert.src,
                        *line,
                        *column,
                        format!(
                            "alert `{}` has `for: {value}`, which is not a Prometheus duration (use e.g. `5m`)",
                            alert.name
                        ),
                    ));
            }
        }
        if !findings.is_empty() {
            return Outcome::Fail { findings };
        }
        let evidence = rules
            .alerts
            .first()
            .map(|a| {
                a.finding(format!(
                    "{} alert rules in {} file(s) parse, each with expr, severity and summary",
                    rules.alerts.len(),
                    rules.files.len()
                ))
            })
            .into_iter()
            .collect();
        Outcome::pass_with(evidence)
    }
}

fn join_and(parts: &[&str]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
