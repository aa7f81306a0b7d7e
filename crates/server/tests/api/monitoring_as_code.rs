//! The deployment and monitoring files at the repository root describe this server: every
//! `vouch_*` series the alert rules and the Grafana dashboard query is one a started server
//! exports, every alert has a severity, a summary and a runbook that exists, every dashboard
//! panel queries something, and the compose file, the kustomize manifests and the Helm values
//! keep the properties production needs (replicas, probes, non-root, healthchecks).
//! Metric names do not depend on the database: this runs on SQLite only.

use crate::support::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use vouch_workspace::yaml::{Node, parse_str};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(rel: &str) -> String {
    let path = repo_root().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every document of a YAML file (a parse error fails the test with its position).
fn yaml(rel: &str) -> Vec<Node> {
    parse_str(&read(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
        .into_iter()
        .map(|d| d.root)
        .collect()
}

fn one_yaml(rel: &str) -> Node {
    let mut docs = yaml(rel);
    assert_eq!(docs.len(), 1, "{rel} holds one document");
    docs.remove(0)
}

fn text<'a>(node: &'a Node, path: &[&str]) -> &'a str {
    node.path(path)
        .and_then(Node::as_str)
        .unwrap_or_else(|| panic!("no text at {path:?} in {node:?}"))
}

/// `vouch_*` metric names in a PromQL expression (recording rules, `vouch:...`, are not).
fn vouch_metrics(expr: &str) -> Vec<String> {
    let bytes = expr.as_bytes();
    let mut names = Vec::new();
    let mut i = 0;
    while let Some(found) = expr[i..].find("vouch_") {
        let start = i + found;
        let preceded = start > 0
            && (bytes[start - 1].is_ascii_alphanumeric()
                || matches!(bytes[start - 1], b'_' | b':'));
        let end = expr[start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(expr.len(), |n| start + n);
        if !preceded {
            names.push(expr[start..end].to_string());
        }
        i = end;
    }
    names
}

/// Names announced by `# TYPE` lines, with their kind.
fn exported(metrics: &str) -> Vec<(String, String)> {
    metrics
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.split_once(' '))
        .map(|(name, kind)| (name.to_string(), kind.trim().to_string()))
        .collect()
}

/// A referenced name is exported as itself, or as a histogram's `_bucket`/`_sum`/`_count`.
fn is_exported(name: &str, exported: &[(String, String)]) -> bool {
    exported.iter().any(|(n, _)| n == name)
        || ["_bucket", "_sum", "_count"].iter().any(|suffix| {
            name.strip_suffix(suffix).is_some_and(|base| {
                exported
                    .iter()
                    .any(|(n, kind)| n == base && kind == "histogram")
            })
        })
}

fn alert_rules() -> Vec<Node> {
    let rules = one_yaml("deploy/monitoring/prometheus/alerts.yml");
    rules
        .get("groups")
        .expect("groups")
        .items()
        .iter()
        .flat_map(|g| g.get("rules").expect("rules").items().to_vec())
        .collect()
}

fn dashboard() -> Value {
    serde_json::from_str(&read("deploy/monitoring/grafana/dashboards/vouch.json"))
        .expect("the dashboard is JSON")
}

fn dashboard_exprs(dashboard: &Value) -> Vec<String> {
    dashboard["panels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["targets"].as_array().cloned().unwrap_or_default())
        .filter_map(|t| t["expr"].as_str().map(String::from))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_series_the_alerts_and_the_dashboard_query_is_exported() {
    let s = start(Backend::Sqlite).await;
    let health = s.client.get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(s.get("/api/v1/projects", &s.admin).await.status(), 200);
    let scraper = s.key(&["metrics:read"]).await;
    let response = s.get("/metrics", &scraper).await;
    assert_eq!(response.status(), 200);
    let exported = exported(&response.text().await.unwrap());
    assert!(
        exported
            .iter()
            .any(|(n, k)| n == "vouch_http_request_duration_seconds" && k == "histogram"),
        "{exported:?}"
    );

    let mut referenced = BTreeSet::new();
    for rule in alert_rules() {
        referenced.extend(vouch_metrics(text(&rule, &["expr"])));
    }
    let board = dashboard();
    for expr in dashboard_exprs(&board) {
        referenced.extend(vouch_metrics(&expr));
    }
    for variable in board["templating"]["list"].as_array().unwrap() {
        if let Some(query) = variable["definition"].as_str() {
            referenced.extend(vouch_metrics(query));
        }
    }
    assert!(referenced.len() >= 12, "{referenced:?}");
    let missing: Vec<&String> = referenced
        .iter()
        .filter(|name| !is_exported(name, &exported))
        .collect();
    assert!(
        missing.is_empty(),
        "queried but not exported: {missing:?}; exported: {exported:?}"
    );
}

#[test]
fn every_alert_has_a_severity_a_summary_and_a_runbook_that_exists() {
    let index = read("docs/runbooks/README.md");
    let alerts: Vec<Node> = alert_rules()
        .into_iter()
        .filter(|r| r.get("alert").is_some())
        .collect();
    assert!(alerts.len() >= 10, "{}", alerts.len());
    let mut names = BTreeSet::new();
    for rule in &alerts {
        let name = text(rule, &["alert"]);
        names.insert(name.to_string());
        let severity = text(rule, &["labels", "severity"]);
        assert!(
            ["critical", "warning", "info"].contains(&severity),
            "{name}: {severity}"
        );
        for annotation in ["summary", "description"] {
            assert!(
                !text(rule, &["annotations", annotation]).trim().is_empty(),
                "{name}: {annotation}"
            );
        }
        let runbook = text(rule, &["annotations", "runbook_url"]);
        assert_eq!(runbook, format!("docs/runbooks/{name}.md"), "{name}");
        let page = read(runbook);
        assert!(page.starts_with(&format!("# {name}\n")), "{runbook}");
        for section in [
            "## What it means",
            "## Impact",
            "## Diagnosis",
            "## Mitigation",
        ] {
            assert!(page.contains(section), "{runbook} lacks {section}");
        }
        assert!(
            index.contains(&format!("({name}.md)")),
            "index lacks {name}"
        );
    }
    for expected in [
        "VouchHighErrorRate",
        "VouchLatencyBudgetFastBurn",
        "VouchLatencyBudgetSlowBurn",
        "VouchJobFailures",
        "VouchJobQueueBacklog",
        "VouchBackupMissing",
        "VouchBackupFailed",
        "VouchCertificateExpiringSoon",
        "VouchDiskSpaceLow",
    ] {
        assert!(names.contains(expected), "{expected} missing: {names:?}");
    }
}

#[test]
fn the_dashboard_parses_and_every_panel_queries_something() {
    let board = dashboard();
    assert_eq!(board["uid"], "vouch-overview");
    assert!(!board["title"].as_str().unwrap().is_empty());
    let panels = board["panels"].as_array().unwrap();
    let mut ids = BTreeSet::new();
    let mut titles = Vec::new();
    for panel in panels {
        assert!(ids.insert(panel["id"].as_i64().unwrap()), "duplicate id");
        if panel["type"] == "row" {
            continue;
        }
        let title = panel["title"].as_str().unwrap();
        titles.push(title);
        let targets = panel["targets"].as_array().expect(title);
        assert!(!targets.is_empty(), "{title} has no target");
        for target in targets {
            let expr = target["expr"].as_str().unwrap_or_default();
            assert!(!expr.trim().is_empty(), "{title}: empty query");
        }
    }
    for wanted in [
        "Request rate",
        "Latency p50 / p95 / p99",
        "Errors by route",
        "Jobs by state",
        "Queue age",
        "Webhook breaker state",
        "DB pool",
        "Backup age",
    ] {
        assert!(
            titles.iter().any(|t| t.starts_with(wanted)),
            "{wanted}: {titles:?}"
        );
    }
}

#[test]
fn every_compose_service_is_healthchecked_limited_and_not_public() {
    let compose = one_yaml("docker-compose.yml");
    let services = compose.get("services").expect("services");
    let names: Vec<&str> = services.entries().map(|(n, _)| n).collect();
    for wanted in ["vouch", "postgres", "prometheus", "grafana", "alertmanager"] {
        assert!(names.contains(&wanted), "{wanted}: {names:?}");
    }
    for (name, service) in services.entries() {
        let test = service
            .path(&["healthcheck", "test"])
            .unwrap_or_else(|| panic!("{name} has no healthcheck"));
        assert!(!test.items().is_empty(), "{name}: empty healthcheck");
        assert_eq!(text(service, &["restart"]), "unless-stopped", "{name}");
        for limit in ["cpus", "memory"] {
            assert!(
                service
                    .path(&["deploy", "resources", "limits", limit])
                    .is_some(),
                "{name}: no {limit} limit"
            );
        }
        for port in service.get("ports").map(Node::items).unwrap_or_default() {
            let port = port.as_str().unwrap();
            assert!(port.starts_with("127.0.0.1:"), "{name} publishes {port}");
        }
        for (dependency, condition) in service.get("depends_on").map_or(vec![], |d| {
            d.entries()
                .map(|(n, c)| (n, text(c, &["condition"])))
                .collect()
        }) {
            assert_eq!(condition, "service_healthy", "{name} → {dependency}");
        }
        let monitoring = service
            .get("profiles")
            .is_some_and(|p| p.items().iter().any(|x| x.as_str() == Some("monitoring")));
        assert_eq!(
            monitoring,
            !["vouch", "postgres"].contains(&name),
            "{name}: only vouch and PostgreSQL run without the monitoring profile"
        );
    }
    let vouch_check: Vec<&str> = services
        .path(&["vouch", "healthcheck", "test"])
        .unwrap()
        .items()
        .iter()
        .filter_map(Node::as_str)
        .collect();
    assert_eq!(vouch_check, ["CMD", "vouch", "healthcheck"]);
    assert!(services.path(&["postgres", "ports"]).is_none());
    assert!(read(".gitignore").lines().any(|l| l.trim() == ".env"));
    // The committed template holds placeholders, never a password.
    for line in read(".env.example").lines().filter(|l| !l.starts_with('#')) {
        if let Some((key, value)) = line.split_once('=')
            && key.ends_with("PASSWORD")
        {
            assert!(value.starts_with('<') && value.ends_with('>'), "{line}");
        }
    }
}

/// The server container of a Deployment: probes, security context, secrets by reference.
fn assert_production_pod(spec: &Node, origin: &str) {
    assert_eq!(
        spec.get("automountServiceAccountToken")
            .and_then(Node::as_bool),
        Some(false),
        "{origin}"
    );
    assert_eq!(
        spec.path(&["securityContext", "runAsNonRoot"])
            .and_then(Node::as_bool),
        Some(true),
        "{origin}"
    );
    assert_eq!(
        text(spec, &["securityContext", "seccompProfile", "type"]),
        "RuntimeDefault"
    );
    let container = &spec.get("containers").unwrap().items()[0];
    assert_eq!(
        text(container, &["livenessProbe", "httpGet", "path"]),
        "/healthz"
    );
    assert_eq!(
        text(container, &["startupProbe", "httpGet", "path"]),
        "/healthz"
    );
    assert_eq!(
        text(container, &["readinessProbe", "httpGet", "path"]),
        "/readyz"
    );
    let security = container.get("securityContext").unwrap();
    for (key, want) in [
        ("runAsNonRoot", true),
        ("readOnlyRootFilesystem", true),
        ("allowPrivilegeEscalation", false),
    ] {
        assert_eq!(
            security.get(key).and_then(Node::as_bool),
            Some(want),
            "{origin}: {key}"
        );
    }
    let dropped: Vec<&str> = security
        .path(&["capabilities", "drop"])
        .unwrap()
        .items()
        .iter()
        .filter_map(Node::as_str)
        .collect();
    assert_eq!(dropped, ["ALL"], "{origin}");
    for limit in ["cpu", "memory"] {
        assert!(container.path(&["resources", "limits", limit]).is_some());
        assert!(container.path(&["resources", "requests", limit]).is_some());
    }
    let env = container.get("env").unwrap();
    let database = env
        .items()
        .iter()
        .find(|e| e.get("name").and_then(Node::as_str) == Some("DATABASE_URL"))
        .expect("DATABASE_URL");
    assert!(database.get("value").is_none(), "{origin}: inlined");
    assert!(
        database
            .path(&["valueFrom", "secretKeyRef", "name"])
            .is_some()
    );
}

fn of_kind(docs: &[Node], kind: &str) -> Vec<Node> {
    docs.iter()
        .filter(|d| d.get("kind").and_then(Node::as_str) == Some(kind))
        .cloned()
        .collect()
}

#[test]
fn the_kustomize_manifests_run_a_hardened_replicated_server_with_backups() {
    let base = "deploy/kustomize/base";
    let kustomization = one_yaml(&format!("{base}/kustomization.yaml"));
    let mut docs = Vec::new();
    for resource in kustomization.get("resources").unwrap().items() {
        docs.extend(yaml(&format!("{base}/{}", resource.as_str().unwrap())));
    }
    let deployment = &of_kind(&docs, "Deployment")[0];
    assert!(
        deployment
            .path(&["spec", "replicas"])
            .unwrap()
            .as_i64()
            .unwrap()
            >= 2
    );
    assert_production_pod(
        deployment.path(&["spec", "template", "spec"]).unwrap(),
        "base Deployment",
    );
    let hpa = &of_kind(&docs, "HorizontalPodAutoscaler")[0];
    assert!(
        hpa.path(&["spec", "minReplicas"])
            .unwrap()
            .as_i64()
            .unwrap()
            >= 2
    );
    let metrics: Vec<&str> = hpa
        .path(&["spec", "metrics"])
        .unwrap()
        .items()
        .iter()
        .map(|m| text(m, &["type"]))
        .collect();
    assert_eq!(metrics, ["Resource", "External"]);
    assert_eq!(of_kind(&docs, "PodDisruptionBudget").len(), 1);
    assert_eq!(of_kind(&docs, "ServiceMonitor").len(), 1);
    let policies = of_kind(&docs, "NetworkPolicy");
    assert!(policies.iter().any(|p| {
        p.path(&["spec", "podSelector"])
            .and_then(Node::as_map)
            .is_some_and(<[_]>::is_empty)
            && p.path(&["spec", "ingress"]).is_none()
            && p.path(&["spec", "egress"]).is_none()
    }));
    let cronjob = &of_kind(&docs, "CronJob")[0];
    assert_eq!(text(cronjob, &["spec", "concurrencyPolicy"]), "Forbid");
    let job_pod = cronjob
        .path(&["spec", "jobTemplate", "spec", "template", "spec"])
        .unwrap();
    let script = job_pod.get("containers").unwrap().items()[0]
        .get("args")
        .unwrap()
        .items()[0]
        .as_str()
        .unwrap()
        .to_string();
    assert!(script.contains("vouch admin backup --to"), "{script}");
    assert!(script.contains("-mtime +14 -print -delete"), "{script}");

    let overlay = "deploy/kustomize/overlays/production";
    let production = one_yaml(&format!("{overlay}/kustomization.yaml"));
    assert_eq!(text(&production, &["namespace"]), "vouch");
    let replicas = one_yaml(&format!("{overlay}/deployment-replicas.yaml"));
    assert!(
        replicas
            .path(&["spec", "replicas"])
            .unwrap()
            .as_i64()
            .unwrap()
            >= 2
    );
    for patch in production.get("patches").unwrap().items() {
        one_yaml(&format!("{overlay}/{}", text(patch, &["path"])));
    }
}

#[test]
fn the_helm_chart_defaults_to_a_replicated_autoscaled_server_with_backups() {
    let chart = "deploy/helm/vouch";
    let meta = one_yaml(&format!("{chart}/Chart.yaml"));
    assert_eq!(text(&meta, &["apiVersion"]), "v2");
    let values = one_yaml(&format!("{chart}/values.yaml"));
    assert!(values.get("replicaCount").unwrap().as_i64().unwrap() >= 2);
    assert!(
        values
            .path(&["autoscaling", "minReplicas"])
            .unwrap()
            .as_i64()
            .unwrap()
            >= 2
    );
    assert_eq!(
        text(&values, &["autoscaling", "queueDepth", "metricName"]),
        "vouch_jobs_queued"
    );
    assert!(
        values
            .path(&["backup", "retentionDays"])
            .unwrap()
            .as_i64()
            .unwrap()
            > 0
    );
    assert_eq!(
        values
            .path(&["podDisruptionBudget", "enabled"])
            .and_then(Node::as_bool),
        Some(true)
    );
    let deployment = read(&format!("{chart}/templates/deployment.yaml"));
    for wanted in [
        "path: /healthz",
        "path: /readyz",
        "startupProbe:",
        "automountServiceAccountToken: false",
        "secretKeyRef:",
    ] {
        assert!(
            deployment.contains(wanted),
            "deployment.yaml lacks {wanted}"
        );
    }
    let cronjob = read(&format!("{chart}/templates/backup-cronjob.yaml"));
    assert!(cronjob.contains("concurrencyPolicy: Forbid"));
    assert!(cronjob.contains("-mtime +{{ .Values.backup.retentionDays }}"));
    // The prometheus-adapter rule serves the metric the HPA asks for.
    let adapter = one_yaml("deploy/monitoring/prometheus-adapter/rules.yaml");
    let rule = &adapter.path(&["rules", "external"]).unwrap().items()[0];
    assert_eq!(text(rule, &["name", "as"]), "vouch_jobs_queued");
    assert!(vouch_metrics(text(rule, &["metricsQuery"])) == ["vouch_jobs"]);
}

#[test]
fn metric_names_are_found_in_promql() {
    assert_eq!(
        vouch_metrics(
            "sum(rate(vouch_http_request_duration_seconds_bucket{le=\"0.25\"}[5m])) / vouch:x:ratio + myvouch_y"
        ),
        ["vouch_http_request_duration_seconds_bucket"]
    );
    let exported = vec![("vouch_jobs".to_string(), "gauge".to_string())];
    assert!(is_exported("vouch_jobs", &exported));
    assert!(!is_exported("vouch_jobs_count", &exported));
}
