//! Paths that deployment YAML expects the service to answer (probes, healthchecks, scrape
//! targets), and how to tell a third-party component's from the service's own.

use crate::prelude::*;

/// What requests the path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requester {
    Liveness,
    Readiness,
    Startup,
    ComposeHealthcheck,
    Scrape,
}

/// A path some YAML file expects the service to serve.
#[derive(Clone, Debug)]
pub struct YamlTarget {
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// The request path (query string kept as written).
    pub path: String,
    pub requester: Requester,
    /// `livenessProbe of container `api` in Deployment `orders``.
    pub what: String,
    /// The code directory of the service that must serve the path, when the repository links
    /// the deployment to one (see `scope`); None: any route in the repository counts.
    pub scope: Option<String>,
}

impl YamlTarget {
    pub fn new(file: &str, node: &Node, path: &str, requester: Requester, what: String) -> Self {
        YamlTarget {
            file: file.to_string(),
            line: node.line,
            column: node.column,
            path: path.to_string(),
            requester,
            what,
            scope: None,
        }
    }

    pub fn scoped(mut self, scope: Option<String>) -> Self {
        self.scope = scope;
        self
    }
}

/// Well-known third-party components whose probes and metrics paths are theirs, not the
/// service's (matched against image names, job names, monitor names).
const THIRD_PARTY: &[&str] = &[
    "adminer",
    "alertmanager",
    "alpine",
    "apiserver",
    "blackbox",
    "busybox",
    "cadvisor",
    "caddy",
    "cloudflared",
    "consul",
    "coredns",
    "elasticsearch",
    "envoy",
    "etcd",
    "federate",
    "fluent-bit",
    "fluentd",
    "grafana",
    "haproxy",
    "httpd",
    "jaeger",
    "kafka",
    "keycloak",
    "kibana",
    "kube-state-metrics",
    "kubelet",
    "logstash",
    "loki",
    "mailhog",
    "mailpit",
    "mariadb",
    "memcached",
    "minio",
    "mongo",
    "mongodb",
    "mysql",
    "nginx",
    "nginx-unprivileged",
    "node",
    "oauth2-proxy",
    "opentelemetry-collector",
    "opentelemetry-collector-contrib",
    "otel-collector",
    "otelcol",
    "otelcol-contrib",
    "pgadmin4",
    "pgbouncer",
    "postgres",
    "postgresql",
    "prometheus",
    "promtail",
    "pushgateway",
    "rabbitmq",
    "redis",
    "tempo",
    "traefik",
    "vault",
    "zookeeper",
];

/// Configuration that deploys or scrapes the service: test fixtures, documentation and examples
/// describe other services (or none), so their probes and scrape jobs say nothing about this
/// code.
pub fn deployed_config(path: &str) -> bool {
    !vouch_workspace::is_test_path(path) && !vouch_workspace::is_docs_or_example_path(path)
}

/// Whether an image reference (`grafana/grafana:10.4`, `docker.io/library/nginx`) or a name
/// (`node-exporter`, `prometheus`) is a well-known third-party component.
pub fn is_third_party(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let repo = name.split('@').next().unwrap_or(&name);
    let last = repo.rsplit('/').next().unwrap_or(repo);
    let base = match last.rsplit_once(':') {
        Some((base, _tag)) => base,
        None => last,
    };
    base.contains("exporter")
        || THIRD_PARTY.contains(&base)
        || base
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| THIRD_PARTY.contains(&word) && word != "node")
}

/// A value still holding template or variable syntax: its real value is not in the file.
pub fn is_templated(value: &str) -> bool {
    value.contains("{{") || value.contains("${") || value.contains("$(")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_third_party_components() {
        assert!(is_third_party("grafana/grafana:10.4.2"));
        assert!(is_third_party("docker.io/library/nginx@sha256:abc"));
        assert!(is_third_party("quay.io/prometheus/node-exporter:v1.8.0"));
        assert!(is_third_party("prom/prometheus"));
        assert!(is_third_party(
            "otel/opentelemetry-collector-contrib:0.100.0"
        ));
        assert!(is_third_party("node"));
        assert!(is_third_party("redis-cache"));
        assert!(!is_third_party("ghcr.io/acme/orders-api:1.4.2"));
        assert!(!is_third_party("registry.example.com:5000/api"));
        assert!(!is_third_party("acme/node-app"));
        assert!(!is_third_party("orders"));
    }
}
