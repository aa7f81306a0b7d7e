use crate::data::support::database::pod_containers;
use crate::data::support::deployable::deployment_artifact;
use crate::data::support::paths::{file_name, is_product_path};
use crate::data::support::terraform::Terraform;
use crate::data::support::text::is_comment;
use crate::data::support::with_message;
use crate::data::support::yaml_files::for_each_yaml_where;
use crate::prelude::*;
use vouch_workspace::YamlRole;

pub struct LogShipping;

static META: ControlMeta = ControlMeta {
    id: "OBS005",
    slug: "log_shipping",
    title: "Logs are shipped to a central store",
    area: Area::Observability,
    severity: Severity::Medium,
    remediation: "Ship container and application logs off the host: a Fluent Bit, Promtail, \
                  Grafana Alloy, Vector, Filebeat or Fluentd configuration (or DaemonSet), an \
                  OpenTelemetry collector with a `logs` pipeline, a Docker logging driver such as \
                  `fluentd`, `gelf` or `awslogs`, or the `awslogs`/FireLens driver of ECS task \
                  definitions.",
    references: &[
        "https://docs.fluentbit.io/manual/",
        "https://grafana.com/docs/loki/latest/send-data/",
        "https://opentelemetry.io/docs/collector/configuration/",
        "https://docs.docker.com/engine/logging/configure/",
        "https://owasp.org/Top10/A09_2021-Security_Logging_and_Monitoring_Failures/",
    ],
    concepts: &[
        "log shipping",
        "centralized logging",
        "log aggregation",
        "fluent bit",
        "promtail",
        "opentelemetry collector",
        "log forwarding",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

A deployed service must ship its logs somewhere central, configured in the repository:

- shipper configurations: Fluent Bit (`[OUTPUT]` sections or YAML `pipeline.outputs`), Fluentd
  (`<match>`), Promtail (`clients`), Grafana Alloy (`loki.write`, `otelcol.exporter`), Vector
  (`sinks`), Filebeat (`output.*`), Logstash (`output {}`);
- an OpenTelemetry collector configuration with a `logs` pipeline (one with only traces or
  metrics is reported);
- Kubernetes DaemonSets running one of those shippers, or Helm chart dependencies on them;
- compose services with a remote `logging.driver` (`fluentd`, `gelf`, `awslogs`, `splunk`,
  `syslog`, `loki`, `gcplogs`);
- ECS task definitions in Terraform with the `awslogs` or `awsfirelens` log driver.

Examples, tests and vendored files are ignored. NotApplicable when nothing is deployed from
the repository.

## Why it matters in production

Logs that live only in a container's stdout vanish with the pod: after a crash loop, a
rescheduling or a node loss the evidence of what happened is gone. Central logs are also what
incident responders and auditors search, and what security monitoring (OWASP A09) relies on.

## Example

Bad: the service logs to stdout and nothing collects it.

Good: `deploy/fluent-bit.conf`

```ini
[INPUT]
    Name  tail
    Path  /var/log/containers/orders-*.log

[OUTPUT]
    Name  loki
    Match *
    Host  loki.monitoring.svc
```

## References

- Fluent Bit, Loki, OpenTelemetry collector and Docker logging documentation
- OWASP Top 10 A09:2021, Security Logging and Monitoring Failures
"#,
};

/// Log shipper images (last path segment, tag removed).
const SHIPPERS: [(&str, &str); 11] = [
    ("fluent-bit", "Fluent Bit"),
    ("fluentd", "Fluentd"),
    ("fluentd-kubernetes-daemonset", "Fluentd"),
    ("promtail", "Promtail"),
    ("alloy", "Grafana Alloy"),
    ("vector", "Vector"),
    ("filebeat", "Filebeat"),
    ("opentelemetry-collector-contrib", "OpenTelemetry collector"),
    ("opentelemetry-collector", "OpenTelemetry collector"),
    ("otelcol-contrib", "OpenTelemetry collector"),
    ("agent", "Datadog agent"),
];

fn shipper_of_image(image: &str) -> Option<&'static str> {
    let image = image.split('@').next().unwrap_or(image);
    let last = file_name(image);
    let repo = last.split(':').next().unwrap_or(last);
    SHIPPERS
        .iter()
        .find(|(name, tool)| {
            *name == repo && (*name != "agent" || image.contains("datadog")) && !tool.is_empty()
        })
        .map(|(_, tool)| *tool)
}

const REMOTE_DRIVERS: [&str; 8] = [
    "fluentd",
    "gelf",
    "awslogs",
    "splunk",
    "syslog",
    "loki",
    "gcplogs",
    "awsfirelens",
];

impl Check for LogShipping {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let artifact = match deployment_artifact(ws) {
            Ok(a) => a,
            Err(outcome) => return outcome,
        };
        let mut notes = Vec::new();
        let mut evidence = config_files(ws);
        evidence.extend(yaml_configs(ws, &mut notes));
        evidence.extend(workloads(ws));
        evidence.extend(ecs_log_drivers(ws));
        if !evidence.is_empty() {
            evidence.truncate(5);
            return Outcome::pass_with(evidence);
        }
        let mut findings = vec![with_message(
            &artifact,
            format!(
                "the repository deploys a service ({}), but nothing ships its logs (no Fluent Bit, Promtail, Alloy, Vector, Filebeat, Fluentd, OpenTelemetry logs pipeline or remote logging driver)",
                artifact.message
            ),
        )];
        findings.extend(notes);
        Outcome::Fail { findings }
    }
}

/// Non-YAML shipper configurations: Fluent Bit, Fluentd, Vector (TOML), Alloy, Logstash.
fn config_files(ws: &Workspace) -> Vec<Finding> {
    let mut out = Vec::new();
    for f in &ws.files {
        if f.binary || !f.class.product() {
            continue;
        }
        let lower = f.rel.to_ascii_lowercase();
        let name = file_name(&lower);
        let (needle, what) = if (name.contains("fluent-bit")
            || lower.contains("fluent-bit/")
            || lower.contains("fluentbit"))
            && name.ends_with(".conf")
        {
            ("[OUTPUT]", "Fluent Bit output")
        } else if (name == "fluent.conf" || name == "td-agent.conf" || lower.contains("fluentd/"))
            && name.ends_with(".conf")
        {
            ("<match", "Fluentd output")
        } else if name.starts_with("vector") && name.ends_with(".toml") {
            ("[sinks.", "Vector sink")
        } else if name.ends_with(".alloy") {
            ("loki.write", "Grafana Alloy log writer")
        } else if lower.contains("logstash") && name.ends_with(".conf") {
            ("output {", "Logstash output")
        } else {
            continue;
        };
        let Some(src) = ws.text(&f.rel) else {
            continue;
        };
        let hit = src.lines().find(|(_, l)| {
            !is_comment(&f.rel, l)
                && (l.trim_start().starts_with(needle)
                    || (name.ends_with(".alloy") && l.contains("otelcol.exporter")))
        });
        if let Some((n, _)) = hit {
            out.push(finding_at(&src, n as u32, 1, what));
        }
    }
    out
}

/// YAML configurations: Promtail, Filebeat, Vector, Fluent Bit YAML, OpenTelemetry collector.
fn yaml_configs(ws: &Workspace, notes: &mut Vec<Finding>) -> Vec<Finding> {
    let mut out = Vec::new();
    // Each configuration below needs a pair of keys: files lacking every pair are not parsed.
    let wanted = |has: &dyn Fn(&str) -> bool| {
        ["clients", "output.", "sinks", "pipeline", "outputs"]
            .iter()
            .any(|n| has(n))
            && (has("clients") && has("scrape_configs")
                || has("filebeat")
                || has("sinks") && has("sources")
                || has("pipeline") && has("outputs")
                || has("pipelines") && has("exporters"))
    };
    for_each_yaml_where(ws, wanted, |y| {
        if !is_product_path(y.path()) || y.role == Some(YamlRole::HelmTemplate) {
            return;
        }
        for doc in y.docs() {
            let root = &doc.root;
            let found = if let (Some(c), Some(_)) =
                (root.get_key("clients"), root.get("scrape_configs"))
            {
                Some((c, "Promtail clients"))
            } else if root.get("filebeat.inputs").is_some() || root.get("filebeat").is_some() {
                root.entries()
                    .find(|(k, _)| k.starts_with("output."))
                    .and_then(|(k, _)| root.get_key(k))
                    .or_else(|| root.get_key("output"))
                    .map(|k| (k, "Filebeat output"))
            } else if let (Some(s), Some(_)) = (root.get_key("sinks"), root.get("sources")) {
                Some((s, "Vector sinks"))
            } else if let Some(p) = root.get("pipeline").filter(|p| p.get("outputs").is_some()) {
                p.get_key("outputs").map(|k| (k, "Fluent Bit outputs"))
            } else {
                None
            };
            if let Some((at, what)) = found {
                out.push(finding_node(y.text, at, what));
                continue;
            }
            let Some(pipelines) = root.path(&["service", "pipelines"]) else {
                continue;
            };
            if root.get("exporters").is_none() {
                continue;
            }
            match pipelines
                .entries()
                .find(|(k, _)| *k == "logs" || k.starts_with("logs/"))
            {
                Some((k, _)) => out.push(finding_node(
                    y.text,
                    pipelines.get_key(k).unwrap_or(pipelines),
                    "OpenTelemetry collector logs pipeline",
                )),
                None => notes.push(finding_node(
                    y.text,
                    root.path(&["service"])
                        .and_then(|s| s.get_key("pipelines"))
                        .unwrap_or(pipelines),
                    "the OpenTelemetry collector has no `logs` pipeline (only traces or metrics)",
                )),
            }
        }
    });
    out
}

/// DaemonSets and compose services running shippers, compose remote logging drivers, Helm
/// chart dependencies on shippers.
fn workloads(ws: &Workspace) -> Vec<Finding> {
    let mut out = Vec::new();
    for doc in ws.k8s_docs().filter(|d| is_product_path(&d.file.path)) {
        if !matches!(doc.kind, "DaemonSet" | "Deployment" | "StatefulSet") {
            continue;
        }
        for c in pod_containers(doc.root) {
            let Some(image) = c.get("image") else {
                continue;
            };
            if let Some(tool) = image.as_str().and_then(shipper_of_image) {
                out.push(finding_node(
                    &doc.file.text,
                    image,
                    format!("{} `{}` runs {tool}", doc.kind, doc.name().unwrap_or("?")),
                ));
            }
        }
    }
    for file in ws.yaml_with_role(YamlRole::Compose) {
        if !is_product_path(&file.path) {
            continue;
        }
        for doc in file.docs() {
            for (name, svc) in doc
                .root
                .get("services")
                .map_or_else(Vec::new, |s| s.entries().collect())
            {
                if let Some(driver) = svc.path(&["logging", "driver"])
                    && driver.as_str().is_some_and(|d| REMOTE_DRIVERS.contains(&d))
                {
                    out.push(finding_node(
                        &file.text,
                        driver,
                        format!(
                            "compose service `{name}` ships logs with the `{}` driver",
                            driver.as_str().unwrap_or("")
                        ),
                    ));
                }
                if let Some(tool) = svc
                    .get("image")
                    .and_then(Node::as_str)
                    .and_then(shipper_of_image)
                {
                    let at = svc.get("image").unwrap_or(svc);
                    out.push(finding_node(
                        &file.text,
                        at,
                        format!("compose service `{name}` runs {tool}"),
                    ));
                }
            }
        }
    }
    for file in ws.yaml_with_role(YamlRole::HelmChart) {
        for doc in file.docs() {
            for dep in doc.root.get("dependencies").map_or(&[][..], Node::items) {
                let Some(name) = dep.get("name") else {
                    continue;
                };
                let n = name.as_str().unwrap_or("");
                if matches!(
                    n,
                    "fluent-bit"
                        | "fluentd"
                        | "promtail"
                        | "loki-stack"
                        | "vector"
                        | "opentelemetry-collector"
                        | "alloy"
                        | "filebeat"
                ) {
                    out.push(finding_node(
                        &file.text,
                        name,
                        format!("Helm chart depends on `{n}`"),
                    ));
                }
            }
        }
    }
    out
}

/// ECS task definitions with a remote log driver.
fn ecs_log_drivers(ws: &Workspace) -> Vec<Finding> {
    Terraform::get(ws)
        .resources(&["aws_ecs_task_definition"])
        .filter_map(|b| {
            let (n, _) = b
                .body()
                .find(|(_, l)| l.contains("awslogs") || l.contains("awsfirelens"))?;
            Some(finding_at(
                &b.src,
                n,
                1,
                format!(
                    "ECS task definition `{}` sends logs to CloudWatch/FireLens",
                    b.name
                ),
            ))
        })
        .collect()
}
