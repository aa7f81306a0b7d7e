use super::model::K8sModel;
use super::objects::{Field, Object};
use super::scan::each_container;
use super::workloads::ContainerRole;
use crate::prelude::*;

pub struct MissingResourceRequestsLimits;

static META: ControlMeta = ControlMeta {
    id: "K8S001",
    slug: "resource_requests_limits",
    title: "Containers set CPU and memory requests and limits",
    area: Area::Resilience,
    severity: Severity::High,
    remediation: "Give every container `resources.requests` and `resources.limits` for `cpu` and \
                  `memory` (sized from observed usage), or a namespace `LimitRange` with \
                  `default`/`defaultRequest` values. In a Helm chart, set them in values.yaml.",
    references: &[
        "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
        "https://kubernetes.io/docs/concepts/policy/limit-range/",
        "https://www.cisecurity.org/benchmark/kubernetes",
        "https://cheatsheetseries.owasp.org/cheatsheets/Kubernetes_Security_Cheat_Sheet.html",
    ],
    concepts: &[
        "resource limits",
        "resource requests",
        "cpu limit",
        "memory limit",
        "resource quotas",
        "capacity planning",
        "noisy neighbour",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every container and init container of every workload (Deployment, StatefulSet, DaemonSet,
ReplicaSet, Job, CronJob, Pod, Argo Rollout) declares `resources.requests` and
`resources.limits` for both `cpu` and `memory`. A missing request is fine when the limit is
set (Kubernetes then uses the limit as the request), and a `LimitRange` of type `Container`
in the same namespace supplies defaults for what a container leaves out. Helm charts are read
with their values.yaml (`{{- toYaml .Values.resources | nindent 12 }}`); where templating hides
the block the answer is Unknown.

## Why it matters in production

Without requests the scheduler packs pods blindly and the node's memory is overcommitted;
without a memory limit one leaking pod gets the node's OOM killer to take down its neighbours,
and a pod without requests is the first evicted under pressure (BestEffort QoS). Limits also
turn a runaway process into a restart of one container instead of a node incident.

## Example

Bad:

```yaml
containers:
  - name: api
    image: ghcr.io/acme/api:1.4.2
```

Good:

```yaml
containers:
  - name: api
    image: ghcr.io/acme/api:1.4.2
    resources:
      requests: { cpu: 250m, memory: 256Mi }
      limits: { cpu: "1", memory: 512Mi }
```

## References

- Kubernetes: Resource Management for Pods and Containers; Limit Ranges
- CIS Kubernetes Benchmark 5.x (resource policies)
- OWASP Kubernetes Security Cheat Sheet: resource limits
"#,
};

const RESOURCES: [&str; 2] = ["cpu", "memory"];

impl Check for MissingResourceRequestsLimits {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let model = K8sModel::get(ws);
        let limit_ranges: Vec<&Object> = model.of_kind("LimitRange").collect();
        each_container(
            ws,
            |_, c| c.role != ContainerRole::Ephemeral,
            |w, c, v| {
                let obj = w.obj;
                let resources = match obj.field(c.node, "resources") {
                    Field::Unknown(at) => {
                        v.unknown(obj.unknown_reason(at, "the resources"));
                        return;
                    }
                    Field::Present(n) => Some(n),
                    Field::Absent => None,
                };
                let mut missing = Vec::new();
                for section in ["limits", "requests"] {
                    for res in RESOURCES {
                        match resources.map(|r| obj.field_path(r, &[section, res])) {
                            Some(Field::Present(_)) => {}
                            Some(Field::Unknown(at)) => {
                                v.unknown(obj.unknown_reason(at, "the resources"));
                                return;
                            }
                            _ => {
                                let limit_set = section == "requests"
                                    && resources
                                        .and_then(|r| obj.field_path(r, &["limits", res]).present())
                                        .is_some();
                                if !limit_set && !defaulted(&limit_ranges, obj, section, res) {
                                    missing.push(format!(
                                        "{} {}",
                                        if res == "cpu" { "CPU" } else { res },
                                        &section[..section.len() - 1]
                                    ));
                                }
                            }
                        }
                    }
                }
                let at = obj.place(c.node, "resources").unwrap_or(c.node);
                if missing.is_empty() {
                    v.pass(obj.finding(
                        at,
                        format!(
                            "{} of {} has CPU and memory requests and limits",
                            c.label(),
                            obj.display()
                        ),
                    ));
                } else if let Some(gap) = model.hidden(&["LimitRange"]) {
                    v.unknown(format!(
                        "{gap}; it may hold a LimitRange default for {}",
                        c.label()
                    ));
                } else {
                    v.fail(obj.finding(
                        at,
                        format!(
                            "{} of {} sets no {}",
                            c.label(),
                            obj.display(),
                            missing.join(", ")
                        ),
                    ));
                }
            },
        )
    }
}

/// A LimitRange in the object's namespace gives containers a default for this value (a
/// default request falls back to the default limit, as Kubernetes does).
fn defaulted(limit_ranges: &[&Object], obj: &Object, section: &str, res: &str) -> bool {
    let keys: &[&str] = if section == "limits" {
        &["default"]
    } else {
        &["defaultRequest", "default"]
    };
    limit_ranges.iter().any(|lr| {
        lr.same_namespace(obj)
            && lr
                .root
                .path(&["spec", "limits"])
                .map(|l| l.items())
                .unwrap_or(&[])
                .iter()
                .any(|item| {
                    item.get("type").and_then(Node::as_str) == Some("Container")
                        && keys.iter().any(|key| item.path(&[key, res]).is_some())
                })
    })
}
