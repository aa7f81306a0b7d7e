use crate::data::support::alert_rules::AlertRules;
use crate::data::support::paths::{file_name, is_product_path};
use crate::prelude::*;
use vouch_workspace::{SourceText, YamlRole};

pub struct AlertmanagerConfigured;

static META: ControlMeta = ControlMeta {
    id: "OBS004",
    slug: "alertmanager_configured",
    title: "Alerts are routed to receivers by an Alertmanager configuration",
    area: Area::Observability,
    severity: Severity::High,
    remediation: "Add the Alertmanager configuration that delivers the alerts: an \
                  `alertmanager.yml` (or an `AlertmanagerConfig` resource, or the \
                  `alertmanager.config` of kube-prometheus-stack values) with a `route` whose \
                  `receiver` and sub-route receivers are all defined under `receivers`, and at \
                  least one receiver with a notification integration (PagerDuty, Opsgenie, Slack, \
                  email, webhook).",
    references: &[
        "https://prometheus.io/docs/alerting/latest/configuration/",
        "https://prometheus-operator.dev/docs/developer/alerting/",
        "https://prometheus.io/docs/alerting/latest/overview/",
    ],
    concepts: &[
        "alertmanager",
        "alert routing",
        "alert receivers",
        "paging",
        "on-call notification",
        "pagerduty",
    ],
    since: "0.1.0",
    doc: r##"## What it checks

When the repository has Prometheus alert rules, it must also say where the alerts go: an
Alertmanager configuration (YAML with `route` and `receivers`), an `AlertmanagerConfig`
resource, an `alertmanager.yaml` in a Secret's `stringData`, or the `alertmanager.config` block
of kube-prometheus-stack Helm values. The configuration is checked: the root route names a
receiver, every receiver referenced by a route exists, and at least one receiver has a
notification integration (`*_configs`). Unknown when Prometheus points at an external
Alertmanager whose configuration is not in the repository. NotApplicable without alert rules.

## Why it matters in production

Alert rules without routing fire into the void: Prometheus evaluates them, the Alertmanager
(if any) drops them or sends them to a default receiver nobody reads. A route to a receiver
name with a typo makes Alertmanager refuse the whole configuration at reload, keeping the
previous one without anyone noticing.

## Example

Bad: `rules/orders.yml` with alerts and no Alertmanager configuration anywhere.

Good: `alertmanager/alertmanager.yml`

```yaml
route:
  receiver: team-orders
  group_by: [alertname, service]
  routes:
    - matchers: [severity="page"]
      receiver: orders-pager
receivers:
  - name: team-orders
    slack_configs:
      - channel: "#orders-alerts"
        api_url_file: /etc/alertmanager/slack-url
  - name: orders-pager
    pagerduty_configs:
      - routing_key_file: /etc/alertmanager/pagerduty-key
```

## References

- Prometheus documentation, Alertmanager configuration
- Prometheus Operator, Alerting
"##,
};

impl Check for AlertmanagerConfigured {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let rules = AlertRules::get(ws);
        if rules.alerts.is_empty() && rules.parse_errors.is_empty() && rules.templated.is_empty() {
            return Outcome::not_applicable("no Prometheus alert rules, so nothing to route");
        }
        let (mut findings, mut evidence) = (Vec::new(), Vec::new());
        let mut external = None;
        for y in &ws.yaml {
            if !is_product_path(&y.path) || y.role == YamlRole::HelmTemplate {
                continue;
            }
            if let Err(e) = &y.docs {
                if file_name(&y.path)
                    .to_ascii_lowercase()
                    .contains("alertmanager")
                {
                    findings.push(finding_at(
                        &y.text,
                        e.line.max(1),
                        e.column,
                        format!("Alertmanager configuration does not parse: {}", e.message),
                    ));
                }
                continue;
            }
            for doc in y.docs() {
                let root = &doc.root;
                let kind = root.get("kind").and_then(Node::as_str);
                let config = match kind {
                    Some("AlertmanagerConfig") => {
                        root.get("spec").map(|s| (s, "AlertmanagerConfig"))
                    }
                    Some("Secret") => {
                        secret_config(&y.text, root, &mut findings, &mut evidence);
                        None
                    }
                    Some(_) => None,
                    None => root
                        .get("route")
                        .map(|_| (root, "Alertmanager configuration"))
                        .or_else(|| {
                            root.path(&["alertmanager", "config"])
                                .map(|c| (c, "kube-prometheus-stack values"))
                        }),
                };
                if let Some((config, what)) = config {
                    check_config(&y.text, config, what, &mut findings, &mut evidence);
                }
                if external.is_none() {
                    external = root.path(&["alerting", "alertmanagers"]).map(|a| {
                        finding_node(&y.text, a, "Prometheus sends alerts to an Alertmanager")
                    });
                }
            }
        }
        if !findings.is_empty() {
            return Outcome::Fail { findings };
        }
        if !evidence.is_empty() {
            return Outcome::pass_with(evidence);
        }
        if let Some(ext) = external {
            return Outcome::unknown(format!(
                "Prometheus sends alerts to an external Alertmanager ({}), whose routing configuration is not in the repository",
                ext.location.display()
            ));
        }
        let anchor = rules
            .alerts
            .first()
            .map(|a| a.src.path.clone())
            .or_else(|| rules.files.first().cloned())
            .or_else(|| rules.templated.first().cloned())
            .unwrap_or_else(|| ".".into());
        Outcome::Fail {
            findings: vec![finding_file(
                &anchor,
                "alert rules exist, but no Alertmanager configuration routes them to a receiver",
            )],
        }
    }
}

/// `alertmanager.yaml` in a Secret's `stringData`.
fn secret_config(
    src: &SourceText,
    root: &Node,
    findings: &mut Vec<Finding>,
    evidence: &mut Vec<Finding>,
) {
    let Some(value) = root.path(&["stringData", "alertmanager.yaml"]) else {
        if root.path(&["data", "alertmanager.yaml"]).is_some() {
            evidence.push(finding_node(
                src,
                root.get("data").unwrap_or(root),
                "Alertmanager configuration in a Secret (base64, not validated)",
            ));
        }
        return;
    };
    let Some(text) = value.as_str() else {
        return;
    };
    match vouch_workspace::yaml::parse_str(text) {
        Ok(docs) => {
            if let Some(doc) = docs.first() {
                let mut inner = Vec::new();
                check_config(
                    src,
                    &doc.root,
                    "Alertmanager configuration in a Secret",
                    findings,
                    &mut inner,
                );
                evidence.extend(inner.into_iter().map(|f| Finding {
                    location: Location::at(&src.path, value.line, value.column),
                    snippet: Some(src.line(value.line as usize).trim().to_string()),
                    ..f
                }));
            }
        }
        Err(e) => findings.push(finding_node(
            src,
            value,
            format!("Alertmanager configuration in a Secret does not parse: {e}"),
        )),
    }
}

/// Validates a route tree against the receivers.
fn check_config(
    src: &SourceText,
    config: &Node,
    what: &str,
    findings: &mut Vec<Finding>,
    evidence: &mut Vec<Finding>,
) {
    let Some(route) = config.get("route") else {
        return;
    };
    let receivers = config.get("receivers").map_or(&[][..], Node::items);
    let names: Vec<&str> = receivers
        .iter()
        .filter_map(|r| r.get("name").and_then(Node::as_str))
        .collect();
    let before = findings.len();
    if route.get("receiver").is_none() && what != "AlertmanagerConfig" {
        findings.push(finding_node(
            src,
            route,
            format!("{what}: the root route has no `receiver`"),
        ));
    }
    let mut stack = vec![route];
    let mut depth = 0;
    while let Some(r) = stack.pop() {
        depth += 1;
        if depth > 1000 {
            break;
        }
        if let Some(recv) = r.get("receiver") {
            let name = recv.as_str().unwrap_or("");
            if !names.contains(&name) {
                findings.push(finding_node(
                    src,
                    recv,
                    format!("{what}: route sends alerts to receiver `{name}`, which is not defined under `receivers`"),
                ));
            }
        }
        stack.extend(r.get("routes").map_or(&[][..], Node::items));
    }
    let integrated = receivers.iter().any(|r| {
        r.entries().any(|(k, v)| {
            (k.ends_with("_configs") || k.ends_with("Configs")) && !v.items().is_empty()
        })
    });
    if !integrated {
        findings.push(finding_node(
            src,
            config.get_key("receivers").unwrap_or(route),
            format!("{what}: no receiver has a notification integration (`*_configs`), so alerts reach nobody"),
        ));
    }
    if findings.len() == before {
        evidence.push(finding_node(
            src,
            config.get_key("route").unwrap_or(route),
            format!("{what} routes alerts to {} receiver(s)", names.len()),
        ));
    }
}
