use crate::data::support::alert_rules::AlertRules;
use crate::data::support::deployable::deployment_artifact;
use crate::data::support::markdown::{doc_files, fence_mask, sections};
use crate::data::support::paths::{file_name, is_product_path};
use crate::data::support::terraform::Terraform;
use crate::data::support::text::is_aspirational;
use crate::data::support::with_message;
use crate::data::support::yaml_files::for_each_yaml;
use crate::prelude::*;
use regex::Regex;
use std::sync::LazyLock;

pub struct SloDefinitions;

static META: ControlMeta = ControlMeta {
    id: "DOC002",
    slug: "slo_definitions",
    title: "Service level objectives are defined",
    area: Area::Documentation,
    severity: Severity::Medium,
    remediation: "Define SLOs with explicit targets: an OpenSLO, Sloth or Pyrra file \
                  (`objective: 99.9`), Prometheus recording rules for the SLIs \
                  (`slo:sli_error:ratio_rate5m`), an SLO resource in Terraform \
                  (`google_monitoring_slo`, `datadog_service_level_objective`), or at least an \
                  `SLO.md` stating each objective as a number (\"99.9% of requests succeed over \
                  30 days\", \"p99 latency < 300 ms\").",
    references: &[
        "https://sre.google/sre-book/service-level-objectives/",
        "https://sre.google/workbook/implementing-slos/",
        "https://github.com/OpenSLO/OpenSLO",
        "https://sloth.dev/",
    ],
    concepts: &[
        "SLO",
        "service level objective",
        "SLI",
        "error budget",
        "availability target",
        "latency target",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

A deployed service must state its service level objectives with a target, in one of:
OpenSLO (`apiVersion: openslo/v1`, kind `SLO`), Sloth (`version: prometheus/v1` with `slos:`
or a `PrometheusServiceLevel`), Pyrra `ServiceLevelObjective`, Prometheus recording rules for
SLIs or error budgets (`slo:`/`sli:` rule names, `error_budget`), SLO resources in Terraform
(`google_monitoring_slo`, `datadog_service_level_objective`, `newrelic_service_level`,
`grafana_slo`), or documentation: a file named like `SLO.md`/`slos.md` or a section titled
"SLO"/"Service level objectives" that contains a numeric target (a percentage such as
`99.9%`, or a latency percentile such as `p99 < 300ms`). Targets on TODO or "we should" lines
do not count, nor do examples. NotApplicable when nothing is deployed from the repository.

## Why it matters in production

Without an objective there is no agreed meaning of "the service is healthy": alerts are tuned
by gut feeling, every blip is an emergency or none is, and there is no error budget to weigh
reliability work against features. An SLO is the contract that alerting, capacity planning and
incident priority all derive from.

## Example

Bad: `README.md` says "TODO: define SLOs".

Good: `slos/orders-api.yaml` (Sloth)

```yaml
version: "prometheus/v1"
service: "orders-api"
slos:
  - name: "requests-availability"
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{job="orders-api",code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total{job="orders-api"}[{{.window}}]))
```

## References

- Google SRE book, "Service Level Objectives"; SRE workbook, "Implementing SLOs"
- OpenSLO specification; Sloth
"#,
};

static TARGET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b\d{2}(?:\.\d+)?\s?%|\bp(?:50|90|95|99|999)\b[^\n]{0,30}\d+\s?(?:ms|s)\b|\b\d+\s?ms\b").unwrap()
});
static SLO_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bSL[OI]s?\b|service[- ]level (?:objective|indicator)|error budget").unwrap()
});
static SLI_RECORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|:)(?:slo|sli)(?::|_)|error_budget|burnrate|burn_rate").unwrap()
});

const TF_SLO: [&str; 6] = [
    "google_monitoring_slo",
    "datadog_service_level_objective",
    "newrelic_service_level",
    "grafana_slo",
    "dynatrace_slo",
    "honeycombio_slo",
];

impl Check for SloDefinitions {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let artifact = match deployment_artifact(ws) {
            Ok(a) => a,
            Err(outcome) => return outcome,
        };
        let mut evidence = slo_specs(ws);
        for rule in &AlertRules::get(ws).recording {
            if SLI_RECORD.is_match(&rule.name) {
                evidence.push(with_message(
                    &rule.finding,
                    format!("SLI recording rule `{}`", rule.name),
                ));
                break;
            }
        }
        for block in Terraform::get(ws).resources(&TF_SLO) {
            evidence.push(finding_at(
                &block.src,
                block.line,
                1,
                format!("SLO resource `{}.{}`", block.rtype, block.name),
            ));
        }
        evidence.extend(slo_docs(ws));
        if !evidence.is_empty() {
            return Outcome::pass_with(evidence);
        }
        Outcome::Fail {
            findings: vec![with_message(
                &artifact,
                format!(
                    "the repository deploys a service ({}), but no service level objective with a target is defined (OpenSLO, Sloth, Pyrra, SLI recording rules, SLO resources, or an SLO document)",
                    artifact.message
                ),
            )],
        }
    }
}

/// OpenSLO, Sloth and Pyrra definitions.
fn slo_specs(ws: &Workspace) -> Vec<Finding> {
    let mut out = Vec::new();
    for_each_yaml(ws, &["slos", "SLO", "ServiceLevel"], |y| {
        if !is_product_path(y.path()) {
            return;
        }
        for doc in y.docs() {
            let root = &doc.root;
            let api = root.get("apiVersion").and_then(Node::as_str).unwrap_or("");
            let kind = root.get("kind").and_then(Node::as_str).unwrap_or("");
            let version = root.get("version").and_then(Node::as_str).unwrap_or("");
            let at = root
                .get("kind")
                .or_else(|| root.get("version"))
                .unwrap_or(root);
            let what = if api.starts_with("openslo/") && kind == "SLO" {
                let has_target = root.path(&["spec", "objectives"]).is_some_and(|o| {
                    o.items()
                        .iter()
                        .any(|i| i.get("target").is_some() || i.get("targetPercent").is_some())
                });
                has_target.then(|| "OpenSLO SLO".to_string())
            } else if version.starts_with("prometheus/v1")
                || (api.starts_with("sloth.slok.dev") && kind == "PrometheusServiceLevel")
            {
                let slos = root.get("slos").or_else(|| root.path(&["spec", "slos"]));
                let n = slos.map_or(0, |s| {
                    s.items()
                        .iter()
                        .filter(|i| i.get("objective").is_some())
                        .count()
                });
                (n > 0).then(|| format!("Sloth SLO file with {n} objective(s)"))
            } else if api.starts_with("pyrra.dev") && kind == "ServiceLevelObjective" {
                root.path(&["spec", "target"])
                    .map(|t| format!("Pyrra SLO with target {}", t.as_str().unwrap_or("?")))
            } else {
                None
            };
            if let Some(what) = what {
                out.push(finding_node(
                    y.text,
                    at,
                    format!("{what} `{}`", file_name(y.path())),
                ));
            }
        }
    });
    out
}

/// Documentation stating an objective with a numeric target.
fn slo_docs(ws: &Workspace) -> Vec<Finding> {
    let mut out = Vec::new();
    for f in doc_files(ws) {
        let Some(src) = ws.text(&f.rel) else {
            continue;
        };
        let stem = f.lowercase_name();
        let file_is_slo = stem.starts_with("slo")
            || stem.contains("service-level")
            || stem.contains("service_level");
        let ranges: Vec<(u32, u32)> = if file_is_slo {
            vec![(1, src.line_count() as u32 + 1)]
        } else {
            sections(&src)
                .into_iter()
                .filter(|s| SLO_TITLE.is_match(&s.title))
                .map(|s| s.body)
                .collect()
        };
        let fenced = fence_mask(&src);
        let hit = ranges.iter().find_map(|&(a, b)| {
            (a..b).find(|&n| {
                let line = src.line(n as usize);
                !fenced[n as usize] && TARGET.is_match(line) && !is_aspirational(line)
            })
        });
        if let Some(n) = hit {
            out.push(finding_at(
                &src,
                n,
                1,
                "service level objective with a target",
            ));
        }
    }
    out
}
