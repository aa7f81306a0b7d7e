use super::model::K8sModel;
use super::objects::{Text, readable};
use super::relations::{AutoscalerKind, autoscalers};
use super::scan::{Which, each_workload};
use super::selectors::Match;
use crate::prelude::*;

pub struct MissingAutoscaler;

static META: ControlMeta = ControlMeta {
    id: "K8S013",
    slug: "autoscaler",
    title: "Every Deployment has an autoscaler",
    area: Area::Scalability,
    severity: Severity::Medium,
    remediation: "Add a `HorizontalPodAutoscaler` (or a KEDA `ScaledObject`) whose \
                  `scaleTargetRef` names the Deployment, scaling on CPU, memory or a load metric \
                  such as queue depth; use a `VerticalPodAutoscaler` where the workload cannot \
                  scale out.",
    references: &[
        "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/",
        "https://github.com/kubernetes/autoscaler/tree/master/vertical-pod-autoscaler",
        "https://keda.sh/docs/latest/concepts/scaling-deployments/",
    ],
    concepts: &[
        "autoscaling",
        "horizontal pod autoscaler",
        "HPA",
        "auto-scaling",
        "elastic scaling",
        "vertical pod autoscaler",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every stateless Deployment (and Argo Rollout) is the target of an autoscaler in the same
namespace: a `HorizontalPodAutoscaler` or KEDA `ScaledObject` whose `scaleTargetRef` has the
Deployment's kind and name, or a `VerticalPodAutoscaler` whose `targetRef` does and whose
`updateMode` is not `Off` (a recommender only changes nothing). Deployments that mount a
PersistentVolumeClaim are not judged. In a Helm chart the autoscaler template is rendered with
values.yaml: an HPA behind `autoscaling.enabled: false` does not exist, and one behind a
condition vouch cannot evaluate is Unknown.

## Why it matters in production

Traffic is not flat. A fixed replica count is either paid for at peak all day or too small at
peak; an autoscaler adds replicas when latency-driving load rises and removes them afterwards,
and it is the first line of defence against a sudden spike.

## Example

Bad: a Deployment `api` and no autoscaler.

Good:

```yaml
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: api }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: api }
  minReplicas: 3
  maxReplicas: 12
  metrics:
    - type: Resource
      resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } }
```

## References

- Kubernetes: Horizontal Pod Autoscaling
- Kubernetes Autoscaler: Vertical Pod Autoscaler
- KEDA: Scaling Deployments
"#,
};

const AUTOSCALER_KINDS: [&str; 3] = [
    "HorizontalPodAutoscaler",
    "ScaledObject",
    "VerticalPodAutoscaler",
];

impl Check for MissingAutoscaler {
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
                let mut unknown = None;
                for (a, m) in autoscalers(&model, w) {
                    if a.kind == AutoscalerKind::Vpa {
                        let mode = a.obj.root.path(&["spec", "updatePolicy", "updateMode"]);
                        if mode.is_some_and(|n| a.obj.text(n) == Text::Known("Off")) {
                            continue;
                        }
                    }
                    match m {
                        Match::Yes => {
                            v.pass(a.obj.finding(
                                a.target,
                                format!(
                                    "{} `{}` scales {}",
                                    a.obj.kind,
                                    readable(a.obj.name.as_deref().unwrap_or("?")),
                                    obj.display()
                                ),
                            ));
                            return;
                        }
                        Match::Unknown(at) => unknown = Some(at),
                        Match::No => {}
                    }
                }
                let hidden = model.hidden(&AUTOSCALER_KINDS);
                match unknown {
                    Some(at) => v.unknown(format!(
                        "{at}: whether an autoscaler targets {} is templated",
                        obj.display()
                    )),
                    None if hidden.is_some() => v.unknown(format!(
                        "{}; it may hold an autoscaler for {}",
                        hidden.unwrap_or_default(),
                        obj.display()
                    )),
                    None => v.fail(obj.finding_here(format!(
                        "no HorizontalPodAutoscaler, ScaledObject or VerticalPodAutoscaler targets {}",
                        obj.display()
                    ))),
                }
            },
            "no stateless Deployment in the repository",
        )
    }
}
