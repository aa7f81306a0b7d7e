use super::model::K8sModel;
use super::relations::{Replicas, effective_replicas};
use super::scan::{Which, each_workload};
use crate::prelude::*;

pub struct SingleReplica;

static META: ControlMeta = ControlMeta {
    id: "K8S011",
    slug: "multiple_replicas",
    title: "Stateless Deployments run at least two replicas",
    area: Area::Resilience,
    severity: Severity::High,
    remediation: "Set `spec.replicas: 2` or more (spread over nodes with topology spread \
                  constraints or pod anti-affinity), or let a HorizontalPodAutoscaler with \
                  `minReplicas: 2` or more manage the count.",
    references: &[
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/",
        "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/",
        "https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/",
        "https://learnk8s.io/production-best-practices",
    ],
    concepts: &[
        "high availability",
        "replicas",
        "redundancy",
        "single point of failure",
        "multiple instances",
        "horizontal scaling",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every stateless Deployment (and Argo Rollout) keeps at least two replicas: when a
HorizontalPodAutoscaler (or KEDA ScaledObject) targets it by `scaleTargetRef` kind and name, its
minimum counts (`minReplicas`, default 1; KEDA `minReplicaCount`, default 0) and `spec.replicas`
is ignored; otherwise `spec.replicas` (default 1). Deployments that mount a
PersistentVolumeClaim are singletons by design and are not judged. Kustomize overlays and their
`replicas:` field are applied, and overlays named for a non-production environment (`dev`,
`local`, `test`, `ci`, `kind`, `minikube`, `sandbox`, `qa`) are left out when a production-like
one exists. Helm values are read from values.yaml; a count that templating or a condition hides,
or that another (production-like) values file of the chart sets differently, is Unknown.

## Why it matters in production

One replica means every node drain, eviction, rollout or crash is an outage of the service. Two
replicas on different nodes turn those events into reduced capacity instead of downtime.

## Example

Bad:

```yaml
kind: Deployment
spec:
  replicas: 1
```

Good:

```yaml
kind: Deployment
spec:
  replicas: 3
```

## References

- Kubernetes: Deployments
- Kubernetes: Horizontal Pod Autoscaling
- Kubernetes: Pod Topology Spread Constraints
"#,
};

const SCALER_KINDS: [&str; 2] = ["HorizontalPodAutoscaler", "ScaledObject"];

impl Check for SingleReplica {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let model = K8sModel::get(ws);
        each_workload(
            ws,
            Which::Deployments,
            |w, v| {
                if w.has_persistent_volume() {
                    return;
                }
                let obj = w.obj;
                let (replicas, scaler) = effective_replicas(&model, w);
                match (replicas, scaler) {
                    (Replicas::Unknown(r), _) => v.unknown(r),
                    (Replicas::Known(n, at), Some(a)) => {
                        let node = at.unwrap_or(a.target);
                        let msg = format!(
                            "{} `{}` keeps {} at {n} replica(s) at least",
                            a.obj.kind,
                            super::objects::readable(a.obj.name.as_deref().unwrap_or("?")),
                            obj.display()
                        );
                        if n >= 2 {
                            v.pass(a.obj.finding(node, msg));
                        } else {
                            v.fail(
                                a.obj
                                    .finding(node, format!("{msg}: one lost pod is an outage")),
                            );
                        }
                    }
                    (Replicas::Known(n, Some(node)), None) => {
                        let msg = format!(
                            "{} runs {n} replica(s){}",
                            obj.display(),
                            obj.values_note(node)
                        );
                        if n >= 2 {
                            v.pass(obj.finding(node, msg));
                        } else if let Some(gap) = model.hidden(&SCALER_KINDS) {
                            v.unknown(format!(
                                "{gap}; it may hold an autoscaler for {}",
                                obj.display()
                            ));
                        } else {
                            v.fail(obj.finding(node, msg));
                        }
                    }
                    (Replicas::Known(..), None) => match model.hidden(&SCALER_KINDS) {
                        Some(gap) => v.unknown(format!(
                            "{gap}; it may hold an autoscaler for {}",
                            obj.display()
                        )),
                        None => v.fail(obj.finding_here(format!(
                            "{} sets no replicas (Kubernetes runs 1) and no autoscaler targets it",
                            obj.display()
                        ))),
                    },
                }
            },
            "no stateless Deployment in the repository",
        )
    }
}
