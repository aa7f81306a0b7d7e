//! Where Prometheus is told to scrape the service: `scrape_configs` (also inside a ConfigMap),
//! `prometheus.io/*` annotations on pods and Services, ServiceMonitor and PodMonitor paths.

use super::scope::Deployments;
use super::targets::{Requester, YamlTarget, deployed_config, is_templated, is_third_party};
use crate::prelude::*;
use vouch_workspace::yaml::parse_str;
use vouch_workspace::{K8sDoc, YamlRole};

/// Ports of well-known exporters and Prometheus components: targets on them are not the
/// service's own metrics.
const EXPORTER_PORTS: &[&str] = &[
    "9090", "9091", "9093", "9100", "9104", "9113", "9115", "9121", "9187", "9216", "9308", "9419",
    "8888", "15692",
];

/// Paths of Prometheus' own special endpoints.
const SPECIAL_PATHS: &[&str] = &["/federate", "/probe"];

#[derive(Debug, Default)]
pub struct ScrapeTargets {
    pub targets: Vec<YamlTarget>,
    /// Templated paths (`file:line`).
    pub unreadable: Vec<String>,
    pub helm_templates: usize,
}

impl ScrapeTargets {
    pub fn build(ws: &Workspace) -> ScrapeTargets {
        let mut out = ScrapeTargets {
            helm_templates: ws.yaml_with_role(YamlRole::HelmTemplate).count(),
            ..ScrapeTargets::default()
        };
        let deployed = ws.cached(Deployments::build);
        for file in ws
            .yaml
            .iter()
            .filter(|y| y.role == YamlRole::Other && deployed_config(&y.path))
        {
            for doc in file.docs() {
                if let Some(jobs) = doc.root.get("scrape_configs") {
                    out.scrape_configs(&file.path, jobs, (0, 0), &deployed);
                }
            }
        }
        for doc in ws.k8s_docs().filter(|d| deployed_config(&d.file.path)) {
            match doc.kind {
                "ConfigMap" => out.config_map(ws, &doc, &deployed),
                "ServiceMonitor" | "PodMonitor" => out.monitor(&doc),
                _ => out.annotations(&doc, &deployed),
            }
        }
        out
    }

    /// `shift` moves positions of a configuration embedded in a block scalar to the file's.
    fn scrape_configs(
        &mut self,
        file: &str,
        jobs: &Node,
        shift: (u32, u32),
        deployed: &Deployments,
    ) {
        for job in jobs.items() {
            let name = job.get("job_name").and_then(Node::as_str).unwrap_or("?");
            let discovered = job
                .entries()
                .any(|(k, _)| k.ends_with("_sd_configs") && k != "static_configs");
            let Some(statics) = job.get("static_configs") else {
                continue;
            };
            let rewrites_path = job.get("relabel_configs").is_some_and(|r| {
                r.items().iter().any(|rule| {
                    rule.get("target_label").and_then(Node::as_str) == Some("__metrics_path__")
                })
            });
            let targets: Vec<&str> = statics
                .items()
                .iter()
                .flat_map(|s| s.get("targets").map(Node::items).unwrap_or(&[]))
                .filter_map(Node::as_str)
                .collect();
            if discovered
                || rewrites_path
                || targets.is_empty()
                || is_third_party(name)
                || targets.iter().any(|t| third_party_target(t))
            {
                continue;
            }
            let (path, node) = match job.get("metrics_path") {
                Some(node) => (node.as_str().unwrap_or(""), node),
                None => ("/metrics", job.get_key("job_name").unwrap_or(job)),
            };
            if SPECIAL_PATHS.contains(&path) {
                continue;
            }
            let mut node = node.clone();
            node.line += shift.0;
            node.column += shift.1;
            let what = format!("Prometheus scrape job `{name}` ({})", targets.join(", "));
            // `orders:8000` scrapes the compose service `orders`: its build context's code.
            let scopes: std::collections::BTreeSet<Option<String>> = targets
                .iter()
                .map(|t| deployed.for_compose_service(t.split(':').next().unwrap_or(t)))
                .collect();
            let scope = match scopes.len() {
                1 => scopes.into_iter().next().flatten(),
                _ => None,
            };
            self.push(file, &node, path, what, scope);
        }
    }

    /// A Prometheus configuration embedded in a ConfigMap (`data: prometheus.yml: |`).
    fn config_map(&mut self, ws: &Workspace, doc: &K8sDoc, deployed: &Deployments) {
        for (_, value) in doc.root.get("data").into_iter().flat_map(Node::entries) {
            let Some(text) = value.as_str().filter(|t| t.contains("scrape_configs")) else {
                continue;
            };
            let Ok(docs) = parse_str(text) else {
                self.unreadable
                    .push(format!("{}:{}", doc.file.path, value.line));
                continue;
            };
            let shift = embedded_shift(ws, &doc.file.path, value.line, text);
            for inner in &docs {
                if let Some(jobs) = inner.root.get("scrape_configs") {
                    self.scrape_configs(&doc.file.path, jobs, shift, deployed);
                }
            }
        }
    }

    fn monitor(&mut self, doc: &K8sDoc) {
        let name = doc.name().unwrap_or("?");
        if !doc.api_version.starts_with("monitoring.coreos.com") || is_third_party(name) {
            return;
        }
        let key = if doc.kind == "PodMonitor" {
            "podMetricsEndpoints"
        } else {
            "endpoints"
        };
        for endpoint in doc
            .root
            .path(&["spec", key])
            .map(Node::items)
            .unwrap_or(&[])
        {
            let what = format!("{} `{name}`", doc.kind);
            match endpoint.get("path") {
                Some(node) => {
                    let path = node.as_str().unwrap_or("");
                    self.push(&doc.file.path, node, path, what, None);
                }
                None => self.push(&doc.file.path, endpoint, "/metrics", what, None),
            }
        }
    }

    /// `prometheus.io/scrape`/`path` on a Service or Pod, or on a workload's pod template.
    fn annotations(&mut self, doc: &K8sDoc, deployed: &Deployments) {
        let name = doc.name().unwrap_or("?");
        let (annotations, pod) = match doc.kind {
            "Service" | "Pod" => (doc.root.path(&["metadata", "annotations"]), doc.root),
            "CronJob" => {
                let template = doc.root.path(&["spec", "jobTemplate", "spec", "template"]);
                (
                    template.and_then(|t| t.path(&["metadata", "annotations"])),
                    template.unwrap_or(doc.root),
                )
            }
            _ => {
                let template = doc.root.path(&["spec", "template"]);
                (
                    template.and_then(|t| t.path(&["metadata", "annotations"])),
                    template.unwrap_or(doc.root),
                )
            }
        };
        let Some(annotations) = annotations else {
            return;
        };
        let scrape = annotations
            .get("prometheus.io/scrape")
            .and_then(Node::as_bool);
        let path = annotations.get("prometheus.io/path");
        if scrape == Some(false) || (scrape.is_none() && path.is_none()) {
            return;
        }
        if doc.kind == "Service" && is_third_party(name) {
            return;
        }
        let images: Vec<&str> = pod
            .path(&["spec", "containers"])
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(|c| c.get("image").and_then(Node::as_str))
            .collect();
        // An exporter sidecar may be what the annotation points at; all-third-party pods are
        // not the service.
        if images.iter().any(|i| i.contains("exporter"))
            || (!images.is_empty() && images.iter().all(|i| is_third_party(i)))
        {
            return;
        }
        let what = format!("`prometheus.io` scrape annotation on {} `{name}`", doc.kind);
        let scope = deployed.for_images(images.iter().copied());
        match path {
            Some(node) => self.push(
                &doc.file.path,
                node,
                node.as_str().unwrap_or(""),
                what,
                scope,
            ),
            None => {
                let node = annotations
                    .get("prometheus.io/scrape")
                    .unwrap_or(annotations);
                self.push(&doc.file.path, node, "/metrics", what, scope);
            }
        }
    }

    fn push(&mut self, file: &str, node: &Node, path: &str, what: String, scope: Option<String>) {
        if path.starts_with('/') && !is_templated(path) {
            self.targets
                .push(YamlTarget::new(file, node, path, Requester::Scrape, what).scoped(scope));
        } else {
            self.unreadable.push(format!("{file}:{}", node.line));
        }
    }
}

/// `host:port` of a well-known exporter or of Prometheus itself.
fn third_party_target(target: &str) -> bool {
    let (host, port) = target.rsplit_once(':').unwrap_or((target, ""));
    is_third_party(host) || EXPORTER_PORTS.contains(&port)
}

/// Lines and columns to add to positions inside a block scalar that starts at or after `line`:
/// found by locating the embedded text's first non-empty line in the file.
fn embedded_shift(ws: &Workspace, path: &str, line: u32, text: &str) -> (u32, u32) {
    let indent = |l: &str| (l.len() - l.trim_start().len()) as u32;
    let Some((index, first)) = text.lines().enumerate().find(|(_, l)| !l.trim().is_empty()) else {
        return (line, 0);
    };
    let Some(src) = ws.text(path) else {
        return (line, 0);
    };
    (line..line + 4)
        .find(|n| src.line(*n as usize).trim() == first.trim())
        .map_or((line, 0), |n| {
            let in_file = indent(src.line(n as usize));
            (n - 1 - index as u32, in_file.saturating_sub(indent(first)))
        })
}
