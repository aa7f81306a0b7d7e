//! Kubernetes HTTP probes and compose healthcheck URLs aimed at the service's own containers.

use super::scope::Deployments;
use super::targets::{Requester, YamlTarget, deployed_config, is_templated, is_third_party};
use crate::prelude::*;
use vouch_workspace::YamlRole;

/// Probe targets found in plain manifests and compose files, plus what could not be read.
#[derive(Debug, Default)]
pub struct Probes {
    pub targets: Vec<YamlTarget>,
    /// Probes whose path is templated or otherwise unreadable (`file:line`).
    pub unreadable: Vec<String>,
    /// Helm templates exist: their probes are not read.
    pub helm_templates: usize,
}

impl Probes {
    pub fn build(ws: &Workspace) -> Probes {
        let mut probes = Probes {
            helm_templates: ws.yaml_with_role(YamlRole::HelmTemplate).count(),
            ..Probes::default()
        };
        let deployments = ws.cached(Deployments::build);
        for doc in ws.k8s_docs().filter(|d| deployed_config(&d.file.path)) {
            let object = format!("{} `{}`", doc.kind, doc.name().unwrap_or("?"));
            for container in containers(doc.root) {
                probes.container(&doc.file.path, &object, container, &deployments);
            }
        }
        for file in ws
            .yaml_with_role(YamlRole::Compose)
            .filter(|f| deployed_config(&f.path))
        {
            for doc in file.docs() {
                for (name, service) in doc.root.get("services").into_iter().flat_map(Node::entries)
                {
                    let scope = deployments.for_compose_service(name);
                    probes.compose_service(&file.path, name, service, scope);
                }
            }
        }
        probes
    }

    fn container(&mut self, file: &str, object: &str, container: &Node, deployed: &Deployments) {
        let image = container.get("image").and_then(Node::as_str).unwrap_or("");
        if is_third_party(image) {
            return;
        }
        let scope = deployed.for_image(image);
        let name = container.get("name").and_then(Node::as_str).unwrap_or("?");
        for (key, requester) in [
            ("livenessProbe", Requester::Liveness),
            ("readinessProbe", Requester::Readiness),
            ("startupProbe", Requester::Startup),
        ] {
            let Some(http) = container.path(&[key, "httpGet"]) else {
                continue;
            };
            let what = format!("{key} of container `{name}` in {object}");
            match http.get("path") {
                None => self
                    .targets
                    .push(YamlTarget::new(file, http, "/", requester, what).scoped(scope.clone())),
                Some(node) => match node.as_str() {
                    Some(path) if path.starts_with('/') && !is_templated(path) => {
                        self.targets.push(
                            YamlTarget::new(file, node, path, requester, what)
                                .scoped(scope.clone()),
                        )
                    }
                    _ => self.unreadable.push(format!("{file}:{}", node.line)),
                },
            }
        }
    }

    /// Healthchecks of services built from this repository (`build:`); services that only
    /// run a published image run someone else's code.
    fn compose_service(&mut self, file: &str, name: &str, service: &Node, scope: Option<String>) {
        if service.get("build").is_none() {
            return;
        }
        let Some(test) = service.path(&["healthcheck", "test"]) else {
            return;
        };
        let command = match test.as_str() {
            Some(text) => text.to_string(),
            None => test
                .items()
                .iter()
                .filter_map(Node::as_str)
                .collect::<Vec<_>>()
                .join(" "),
        };
        for path in local_url_paths(&command) {
            let what = format!("healthcheck of compose service `{name}`");
            if is_templated(&path) {
                self.unreadable.push(format!("{file}:{}", test.line));
            } else {
                self.targets.push(
                    YamlTarget::new(file, test, &path, Requester::ComposeHealthcheck, what)
                        .scoped(scope.clone()),
                );
            }
        }
    }
}

/// Every container-shaped mapping (a map with `image` or probes) under a Kubernetes object's
/// pod specs: `containers`, `initContainers`, found at any depth (Deployment, CronJob, Pod,
/// Argo Rollout, Knative Service, ...). Iterative: YAML depth is bounded but walking must not
/// recurse.
fn containers(root: &Node) -> Vec<&Node> {
    let mut found = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        for (key, value) in node.entries() {
            if matches!(key, "containers" | "initContainers") {
                found.extend(value.items().iter().filter(|c| c.as_map().is_some()));
            } else {
                stack.push(value);
            }
        }
        stack.extend(node.items());
    }
    found.sort_by_key(|c| (c.line, c.column));
    found
}

/// Paths of `http://localhost...` URLs in a healthcheck command (`curl -f
/// http://localhost:8000/healthz || exit 1`, `wget -qO- http://127.0.0.1/ready`, a Python
/// `urlopen('http://localhost:8000/health')`). URLs to other hosts check another service.
pub fn local_url_paths(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = command;
    while let Some(at) = rest.find("http") {
        let tail = &rest[at..];
        rest = &tail[4..];
        let Some(after) = tail
            .strip_prefix("http://")
            .or_else(|| tail.strip_prefix("https://"))
        else {
            continue;
        };
        let end = after
            .find(|c: char| c.is_whitespace() || "'\"`)|;&,>".contains(c))
            .unwrap_or(after.len());
        let url = &after[..end];
        let (authority, path) = match url.find('/') {
            Some(slash) => (&url[..slash], &url[slash..]),
            None => (url, "/"),
        };
        let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(v6),
            None => authority.split(':').next().unwrap_or(authority),
        };
        if matches!(host, "localhost" | "127.0.0.1" | "0.0.0.0" | "::1") {
            out.push(path.to_string());
        }
        rest = &after[end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_local_healthcheck_urls() {
        assert_eq!(
            local_url_paths("curl -f http://localhost:8000/healthz || exit 1"),
            ["/healthz"]
        );
        assert_eq!(
            local_url_paths("CMD wget -qO- http://127.0.0.1:8080/ready?full=1"),
            ["/ready?full=1"]
        );
        assert_eq!(
            local_url_paths(
                "CMD python -c \"import urllib.request; urllib.request.urlopen('http://localhost:8000/health')\""
            ),
            ["/health"]
        );
        assert_eq!(local_url_paths("curl -fsS http://localhost:3000"), ["/"]);
        assert_eq!(local_url_paths("curl http://[::1]:8000/livez"), ["/livez"]);
        assert!(local_url_paths("curl -f http://auth:9000/health").is_empty());
        assert!(local_url_paths("pg_isready -U postgres").is_empty());
    }
}
