use crate::data::support::backups::scalar_lines;
use crate::data::support::paths::{file_name, is_product_path};
use crate::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;
use vouch_workspace::{FileKind, SourceText};

pub struct GrafanaDashboardsValid;

static META: ControlMeta = ControlMeta {
    id: "OBS003",
    slug: "grafana_dashboards_valid",
    title: "Grafana dashboards are valid JSON that Grafana can load",
    area: Area::Observability,
    severity: Severity::Low,
    remediation: "Export dashboards from Grafana (Share → Export → JSON) instead of editing them \
                  by hand, validate them in CI (`jq empty dashboards/*.json`), give each a title \
                  and a `uid` unique across the provisioned set.",
    references: &[
        "https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/",
        "https://grafana.com/docs/grafana/latest/administration/provisioning/#dashboards",
        "https://www.rfc-editor.org/rfc/rfc8259",
    ],
    concepts: &[
        "dashboards",
        "grafana dashboards",
        "dashboards as code",
        "monitoring dashboards",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

JSON files that are Grafana dashboards (a `panels` or `rows` array at the top level or under
`dashboard`), JSON files under a `grafana/` or `dashboards/` folder or named `*dashboard*.json`,
and dashboards embedded in Kubernetes ConfigMaps (`*.json` keys of ConfigMaps labelled
`grafana_dashboard` or named like dashboards) must:

- be valid JSON (a syntax error is reported at its line and column);
- have a non-empty `title`;
- use a `uid` that no other dashboard of the repository uses (Grafana provisioning refuses
  or silently overwrites duplicates).

Dashboards in documentation, examples, tests and vendored folders are ignored. NotApplicable
when the repository has no dashboards.

## Why it matters in production

Provisioned dashboards fail to load as a whole: one trailing comma or a duplicated uid and the
dashboard the on-call engineer opens during an incident is missing or shows someone else's
panels. These mistakes are invisible in review and trivial to catch statically.

## Example

Bad: a hand-edited dashboard with a trailing comma.

```json
{ "title": "Orders API", "uid": "orders-api", "panels": [ { "type": "timeseries" }, ] }
```

Good:

```json
{ "title": "Orders API", "uid": "orders-api", "panels": [ { "type": "timeseries" } ] }
```

## References

- Grafana documentation, Dashboard JSON model; Provisioning dashboards
- RFC 8259, The JSON data format
"#,
};

/// Whether a path is a dashboard folder (`grafana/`, `dashboards/`) or a file named like a
/// dashboard; a web app's `pages/dashboard/` is neither.
fn dashboard_path(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let name = file_name(&lower);
    lower
        .split('/')
        .any(|d| d == "grafana" || d == "dashboards" || d == "grafana-dashboards")
        || name.ends_with("-dashboard.json")
        || name.ends_with("_dashboard.json")
        || name.ends_with(".dashboard.json")
}

fn is_dashboard(v: &Value) -> bool {
    let has = |v: &Value| {
        v.get("panels").is_some_and(Value::is_array) || v.get("rows").is_some_and(Value::is_array)
    };
    has(v) || v.get("dashboard").is_some_and(has)
}

struct Seen {
    title: Option<String>,
    uid: Option<String>,
    finding: Finding,
}

impl Check for GrafanaDashboardsValid {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let mut findings = Vec::new();
        let mut seen: Vec<Seen> = Vec::new();
        for f in ws.files_of(FileKind::Json) {
            if !f.class.product() {
                continue;
            }
            let Some(src) = ws.text(&f.rel) else {
                continue;
            };
            let by_path = dashboard_path(&f.rel);
            if !by_path && !src.text.contains("\"panels\"") && !src.text.contains("\"rows\"") {
                continue;
            }
            inspect(&src, &src.text, 0, 0, by_path, &mut findings, &mut seen);
        }
        for doc in ws.k8s_docs() {
            if doc.kind != "ConfigMap" || !is_product_path(&doc.file.path) {
                continue;
            }
            let labelled = doc
                .root
                .path(&["metadata", "labels"])
                .is_some_and(|l| l.entries().any(|(k, _)| k.contains("grafana_dashboard")));
            let named = doc.name().is_some_and(|n| n.contains("dashboard"));
            for (key, value) in doc
                .root
                .get("data")
                .map_or_else(Vec::new, |d| d.entries().collect())
            {
                if !key.ends_with(".json") || !(labelled || named) {
                    continue;
                }
                let Some(text) = value.as_str() else {
                    continue;
                };
                let first = scalar_lines(value).first().map_or(value.line, |(n, _)| *n);
                let indent = doc.file.text.line(first as usize).len()
                    - doc.file.text.line(first as usize).trim_start().len();
                inspect(
                    &doc.file.text,
                    text,
                    first - 1,
                    indent,
                    true,
                    &mut findings,
                    &mut seen,
                );
            }
        }
        if findings.is_empty() && seen.is_empty() {
            return Outcome::not_applicable("no Grafana dashboards in the repository");
        }
        let mut by_uid: BTreeMap<&str, Vec<&Seen>> = BTreeMap::new();
        for s in &seen {
            match &s.title {
                Some(t) if !t.trim().is_empty() => {}
                _ => findings.push(Finding {
                    message: "dashboard has no `title` (Grafana refuses to provision it)".into(),
                    ..s.finding.clone()
                }),
            }
            if let Some(uid) = &s.uid {
                by_uid.entry(uid.as_str()).or_default().push(s);
            }
        }
        for (uid, list) in by_uid.iter().filter(|(_, l)| l.len() > 1) {
            for s in &list[1..] {
                findings.push(Finding {
                    message: format!(
                        "dashboard uid `{uid}` is also used by {} (Grafana keeps only one of them)",
                        list[0].finding.location.path
                    ),
                    ..s.finding.clone()
                });
            }
        }
        if !findings.is_empty() {
            return Outcome::Fail { findings };
        }
        let evidence = seen
            .iter()
            .map(|s| Finding {
                message: format!(
                    "dashboard `{}` is valid JSON",
                    s.title.as_deref().unwrap_or("?")
                ),
                ..s.finding.clone()
            })
            .collect();
        Outcome::pass_with(evidence)
    }
}

/// Parses one dashboard text that starts at `line_offset` lines and `indent` columns into
/// `src`; records parse errors (for dashboard-like paths) and parsed dashboards.
fn inspect(
    src: &SourceText,
    text: &str,
    line_offset: u32,
    indent: usize,
    by_path: bool,
    findings: &mut Vec<Finding>,
    seen: &mut Vec<Seen>,
) {
    match serde_json::from_str::<Value>(text) {
        Err(e) if by_path => {
            let line = line_offset + e.line().max(1) as u32;
            let column = (e.column()
                + if e.line() > 1 || line_offset > 0 {
                    indent
                } else {
                    0
                })
            .max(1) as u32;
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message);
            findings.push(finding_at(
                src,
                line,
                column,
                format!("dashboard is not valid JSON: {message}"),
            ));
        }
        Err(_) => {}
        Ok(v) if is_dashboard(&v) => {
            let body = v.get("dashboard").filter(|d| is_dashboard(d)).unwrap_or(&v);
            let text_of = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_string);
            let line = line_offset + 1;
            let finding = if line_offset == 0 {
                finding_file(&src.path, format!("dashboard `{}`", file_name(&src.path)))
            } else {
                finding_at(src, line, 1, "dashboard")
            };
            seen.push(Seen {
                title: text_of("title"),
                uid: text_of("uid"),
                finding,
            });
        }
        Ok(_) => {}
    }
}
