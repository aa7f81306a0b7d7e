use super::compare::{Requested, judge, nothing_reason};
use super::scrape::ScrapeTargets;
use super::served::Served;
use crate::prelude::*;

pub struct ScrapeTargetsServed;

static META: ControlMeta = ControlMeta {
    id: "CODE041",
    slug: "scrape_targets_served",
    title: "Prometheus scrape targets point at paths the service serves",
    area: Area::Observability,
    severity: Severity::Medium,
    remediation: "Make the scrape configuration and the code agree: set `metrics_path` (Prometheus \
                  `scrape_configs`), the `prometheus.io/path` annotation or the ServiceMonitor or \
                  PodMonitor endpoint `path` to the path the metrics handler is mounted on, or \
                  mount the handler on the path the configuration expects (`/metrics` by default).",
    references: &[
        "https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config",
        "https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.Endpoint",
        "https://github.com/prometheus/prometheus/blob/main/documentation/examples/prometheus-kubernetes.yml",
        "https://sre.google/sre-book/monitoring-distributed-systems/",
    ],
    concepts: &[
        "Prometheus metrics",
        "scrape config",
        "metrics_path",
        "prometheus.io/path",
        "ServiceMonitor",
        "metrics scraping",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every place in the repository that tells Prometheus where to scrape the service must name a
path the code serves (a route answering `GET`, or a metrics endpoint):

- `scrape_configs[].metrics_path` (default `/metrics`) of jobs with `static_configs`, in a
  Prometheus configuration file or embedded in a ConfigMap;
- `prometheus.io/path` (default `/metrics` when `prometheus.io/scrape: "true"`) on pod
  templates, Pods and Services;
- ServiceMonitor `spec.endpoints[].path` and PodMonitor `spec.podMetricsEndpoints[].path`
  (default `/metrics`).

In a repository with several services, a target is compared with the code of the service it
deploys when the repository links the two: a compose service's `build:` context, a scrape job
whose `static_configs` targets are compose services (`users:8080`), or a container image named
like a project directory that serves routes (`ghcr.io/acme/users:2.3` and `services/users/`,
also for the `-api`/`-service` forms) or like a compose service that builds it. A probe on the
`users` Deployment that only the `orders` service answers fails. Without such a unique link,
any route in the repository counts.

Path parameters (`{id}`, `:id`) match any segment; a catch-all route does not count. Spring
Boot Actuator's `/actuator/prometheus` counts when the Micrometer Prometheus registry is
declared and the endpoint is exposed in an `application*` configuration file. Jobs and
objects for well-known third-party components (Prometheus itself, exporters, Grafana, Redis,
nginx, ...), jobs using service discovery or rewriting `__metrics_path__`, and Prometheus'
`/federate` and `/probe` endpoints are skipped. Helm templates are not rendered for this
control. NotApplicable when nothing configures a scrape; Unknown when the code has no routes
vouch recognises or a path is templated.

When a path is not served but the repository also has Kotlin, Ruby, PHP or C# code (which
vouch does not read), the answer is Unknown rather than a failure.

## Why it matters in production

A scrape config pointing at a path the service does not serve produces `404`s that nobody
looks at: the target shows as down (or, with an SPA catch-all, "up" with no metrics), the
dashboards are empty and the alerts built on those metrics never fire. The team believes it is
monitored when it is not.

## Example

Bad (the code mounts metrics at `/metrics`):

```yaml
metadata:
  annotations:
    prometheus.io/scrape: "true"
    prometheus.io/path: /prometheus
```

Good:

```yaml
metadata:
  annotations:
    prometheus.io/scrape: "true"
    prometheus.io/path: /metrics
    prometheus.io/port: "8000"
```

## References

- Prometheus configuration, `scrape_config`
- Prometheus Operator API, `Endpoint`
- Prometheus example Kubernetes configuration (annotations)
- Google SRE book, "Monitoring Distributed Systems"
"#,
};

impl Check for ScrapeTargetsServed {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let scrape = ws.cached(ScrapeTargets::build);
        judge(
            ws,
            Requested {
                targets: &scrape.targets,
                unreadable: &scrape.unreadable,
                nothing: nothing_reason(
                    "Prometheus scrape config, prometheus.io annotation or ServiceMonitor for the \
                     service",
                    scrape.helm_templates,
                ),
                noun: "scrape paths",
                catch_all_effect: "which returns a page, not metrics",
                hint: metrics_paths,
            },
        )
    }
}

/// The metrics endpoints the code serves.
fn metrics_paths(served: &Served) -> Option<String> {
    served
        .listing(|s| s.what == "metrics endpoint")
        .map(|l| format!("metrics on {l}"))
}
