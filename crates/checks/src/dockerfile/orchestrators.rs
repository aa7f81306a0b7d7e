//! Where Dockerfiles are used: compose services that build them (context, healthcheck) and
//! Kubernetes containers with probes. Built once per audit and shared by the DKR checks.

use std::collections::BTreeMap;
use vouch_workspace::{Node, Workspace, YamlRole};

/// A compose service built from a Dockerfile, override files of the same folder merged.
#[derive(Clone, Debug, Default)]
pub(crate) struct ComposeBuild {
    pub compose_path: String,
    pub service: String,
    /// Build context, relative to the audited root ("" for the root).
    pub context: String,
    /// The Dockerfile the service builds, relative to the audited root.
    pub dockerfile: String,
    pub image: Option<String>,
    /// `(file, line, enabled)` of the service's healthcheck, when it has one.
    pub healthcheck: Option<(String, u32, bool)>,
}

/// A container in a Kubernetes manifest that declares a liveness or readiness probe.
#[derive(Clone, Debug)]
pub(crate) struct ProbedContainer {
    pub path: String,
    pub line: u32,
    pub image: String,
}

pub(crate) struct Usage {
    pub builds: Vec<ComposeBuild>,
    /// Images compose services pull rather than build (datastores, brokers, ...).
    pub pulled: Vec<String>,
    pub probed: Vec<ProbedContainer>,
    /// Helm charts that mention probes (templates or values), with the file.
    pub helm_probes: Vec<String>,
}

pub(crate) fn usage(ws: &Workspace) -> std::sync::Arc<Usage> {
    ws.cached(|ws| Usage {
        builds: compose_builds(ws),
        pulled: pulled_images(ws),
        probed: probed_containers(ws),
        helm_probes: ws
            .yaml
            .iter()
            .filter(|y| matches!(y.role, YamlRole::HelmTemplate | YamlRole::HelmValues))
            .filter(|y| {
                y.text.text.contains("livenessProbe") || y.text.text.contains("readinessProbe")
            })
            .map(|y| y.path.clone())
            .collect(),
    })
}

fn compose_builds(ws: &Workspace) -> Vec<ComposeBuild> {
    let mut merged: BTreeMap<(String, String), ComposeBuild> = BTreeMap::new();
    for file in ws.yaml_with_role(YamlRole::Compose) {
        let dir = parent_dir(&file.path);
        for doc in file.docs() {
            let Some(services) = doc.root.get("services") else {
                continue;
            };
            for (name, svc) in services.entries() {
                let entry = merged
                    .entry((dir.clone(), name.to_string()))
                    .or_insert_with(|| ComposeBuild {
                        compose_path: file.path.clone(),
                        service: name.to_string(),
                        ..Default::default()
                    });
                if let Some(build) = svc.get("build") {
                    let (context, dockerfile) = match build.as_str() {
                        Some(ctx) => (ctx.to_string(), None),
                        None => (
                            build
                                .get("context")
                                .and_then(Node::as_str)
                                .unwrap_or(".")
                                .to_string(),
                            build
                                .get("dockerfile")
                                .and_then(Node::as_str)
                                .map(str::to_string),
                        ),
                    };
                    let context = join(&dir, &context);
                    let dockerfile = join(&context, dockerfile.as_deref().unwrap_or("Dockerfile"));
                    entry.context = context;
                    entry.dockerfile = dockerfile;
                    entry.compose_path = file.path.clone();
                }
                if let Some(image) = svc.get("image").and_then(Node::as_str) {
                    entry.image = Some(image.to_string());
                }
                if let Some(hc) = svc.get("healthcheck") {
                    let disabled = hc.get("disable").and_then(Node::as_bool) == Some(true)
                        || hc
                            .get("test")
                            .and_then(|t| t.items().first().or(Some(t)))
                            .and_then(Node::as_str)
                            == Some("NONE");
                    let line = svc.get_key("healthcheck").map_or(hc.line, |k| k.line);
                    entry.healthcheck = Some((file.path.clone(), line, !disabled));
                }
            }
        }
    }
    merged
        .into_values()
        .filter(|b| !b.dockerfile.is_empty())
        .collect()
}

fn pulled_images(ws: &Workspace) -> Vec<String> {
    ws.yaml_with_role(YamlRole::Compose)
        .flat_map(|f| f.docs())
        .filter_map(|d| d.root.get("services"))
        .flat_map(|services| services.entries().map(|(_, svc)| svc))
        .filter(|svc| svc.get("build").is_none())
        .filter_map(|svc| svc.get("image").and_then(Node::as_str))
        .map(str::to_string)
        .collect()
}

fn probed_containers(ws: &Workspace) -> Vec<ProbedContainer> {
    let mut out = Vec::new();
    for doc in ws.k8s_docs() {
        collect_containers(doc.root, &doc.file.path, &mut out, 0);
    }
    out
}

fn collect_containers(node: &Node, path: &str, out: &mut Vec<ProbedContainer>, depth: usize) {
    if depth > 32 {
        return;
    }
    for (key, value) in node.entries() {
        if key == "containers" {
            for c in value.items() {
                let probed = c.get("livenessProbe").is_some() || c.get("readinessProbe").is_some();
                if let (true, Some(image)) = (probed, c.get("image").and_then(Node::as_str)) {
                    let line = c
                        .get_key("livenessProbe")
                        .or_else(|| c.get_key("readinessProbe"))
                        .map_or(c.line, |k| k.line);
                    out.push(ProbedContainer {
                        path: path.to_string(),
                        line,
                        image: image.to_string(),
                    });
                }
            }
        } else {
            collect_containers(value, path, out, depth + 1);
        }
    }
}

/// Directory of a relative path ("" for the root).
pub(crate) fn parent_dir(path: &str) -> String {
    path.rsplit_once('/')
        .map_or(String::new(), |(d, _)| d.to_string())
}

/// Joins a relative path onto a directory, resolving `.` and `..` ("" is the root).
pub(crate) fn join(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_paths() {
        assert_eq!(join("deploy", "../services/api"), "services/api");
        assert_eq!(join("", "."), "");
        assert_eq!(
            join("services/api", "Dockerfile"),
            "services/api/Dockerfile"
        );
        assert_eq!(parent_dir("Dockerfile"), "");
    }
}
