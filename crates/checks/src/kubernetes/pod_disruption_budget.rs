use super::model::K8sModel;
use super::objects::{Object, Text, readable};
use super::relations::{Replicas, effective_replicas, selects_pods};
use super::scan::{Which, each_workload};
use super::selectors::Match;
use super::workloads::Workload;
use crate::prelude::*;

pub struct MissingPodDisruptionBudget;

static META: ControlMeta = ControlMeta {
    id: "K8S012",
    slug: "pod_disruption_budget",
    title: "Every Deployment is covered by a PodDisruptionBudget",
    area: Area::Resilience,
    severity: Severity::Medium,
    remediation: "Add a `PodDisruptionBudget` whose `selector` matches the Deployment's pod \
                  labels, with `maxUnavailable: 1` (or a `minAvailable` below the replica count) \
                  so node drains evict pods one at a time without blocking forever.",
    references: &[
        "https://kubernetes.io/docs/concepts/workloads/pods/disruptions/",
        "https://kubernetes.io/docs/tasks/run-application/configure-pdb/",
    ],
    concepts: &[
        "pod disruption budget",
        "PDB",
        "voluntary disruption",
        "node drain",
        "cluster upgrade",
        "high availability",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

For every Deployment (and Argo Rollout), some `PodDisruptionBudget` in the same namespace has a
`selector` that matches the pod template's labels (`matchLabels` and `matchExpressions`; names
are not compared). A budget that allows no eviction at all — `maxUnavailable: 0`, or a
`minAvailable` equal to or above the replica count — fails too, because it blocks node drains.
Helm charts are rendered first: labels produced by the same `include` helper match each other,
and a budget behind a condition vouch cannot evaluate is Unknown.

## Why it matters in production

Cluster upgrades, node pool rotations and autoscaler scale-downs drain nodes. Without a budget a
drain may evict every replica of a service at once; with one, Kubernetes waits until evicted pods
are replaced. A budget that permits zero evictions is the opposite failure: the drain hangs and
the upgrade stalls until someone deletes the budget by hand.

## Example

Bad: a Deployment with no budget, or

```yaml
kind: PodDisruptionBudget
spec:
  minAvailable: 3          # the Deployment runs 3 replicas: no pod can ever be evicted
  selector:
    matchLabels: { app: api }
```

Good:

```yaml
kind: PodDisruptionBudget
spec:
  maxUnavailable: 1
  selector:
    matchLabels: { app: api }
```

## References

- Kubernetes: Disruptions
- Kubernetes: Specifying a Disruption Budget for your Application
"#,
};

impl Check for MissingPodDisruptionBudget {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let model = K8sModel::get(ws);
        let budgets: Vec<&Object> = model.of_kind("PodDisruptionBudget").collect();
        each_workload(
            ws,
            Which::Deployments,
            |w, v| {
                let obj = w.obj;
                let mut unknown = None;
                for pdb in budgets.iter().filter(|p| p.same_namespace(obj)) {
                    match selects_pods(pdb, pdb.root.path(&["spec", "selector"]), w) {
                        Match::Yes => {
                            judge_budget(&model, pdb, w, v);
                            return;
                        }
                        Match::Unknown(at) => unknown = Some(at),
                        Match::No => {}
                    }
                }
                let hidden = model.hidden(&["PodDisruptionBudget"]);
                match unknown {
                    Some(at) => v.unknown(format!(
                        "{at}: whether a PodDisruptionBudget selects the pods of {} is templated",
                        obj.display()
                    )),
                    None if hidden.is_some() => v.unknown(format!(
                        "{}; it may hold a PodDisruptionBudget for {}",
                        hidden.unwrap_or_default(),
                        obj.display()
                    )),
                    None => v.fail(obj.finding_here(format!(
                        "no PodDisruptionBudget selects the pods of {}",
                        obj.display()
                    ))),
                }
            },
            "no Deployment in the repository",
        )
    }
}

/// The budget selects the pods: it must still allow one eviction.
fn judge_budget(model: &K8sModel, pdb: &Object, w: &Workload<'_>, v: &mut super::verdict::Verdict) {
    let name = readable(pdb.name.as_deref().unwrap_or("?"));
    let spec = pdb.root.get("spec");
    let field = |key: &str| spec.and_then(|s| s.get(key));
    if let Some(n) = field("maxUnavailable") {
        match pdb.text(n) {
            Text::Known(t) if t.trim() == "0" || t.trim() == "0%" => {
                v.fail(pdb.finding(
                    n,
                    format!(
                        "PodDisruptionBudget `{name}` allows no eviction of {}: node drains hang",
                        w.display()
                    ),
                ));
                return;
            }
            Text::Known(_) => {}
            _ => {
                v.unknown(pdb.unknown_reason(n, "`maxUnavailable`"));
                return;
            }
        }
    }
    if let Some(n) = field("minAvailable") {
        let text = match pdb.text(n) {
            Text::Known(t) => t.trim().to_string(),
            _ => {
                v.unknown(pdb.unknown_reason(n, "`minAvailable`"));
                return;
            }
        };
        let blocks = if text == "100%" {
            Some(true)
        } else if let Ok(min) = text.parse::<i64>() {
            match effective_replicas(model, w).0 {
                Replicas::Known(r, _) => Some(min >= r),
                Replicas::Unknown(_) => None,
            }
        } else {
            Some(false)
        };
        match blocks {
            Some(true) => {
                v.fail(pdb.finding(
                    n,
                    format!(
                        "PodDisruptionBudget `{name}` requires minAvailable {text} of {}, which runs no more replicas: node drains hang",
                        w.display()
                    ),
                ));
                return;
            }
            None => {
                v.unknown(format!(
                    "{}: whether PodDisruptionBudget `{name}` leaves room for an eviction depends on templated replicas",
                    pdb.at(n)
                ));
                return;
            }
            Some(false) => {}
        }
    }
    let at = spec.and_then(|s| s.get("selector")).unwrap_or(&pdb.root);
    v.pass(pdb.finding(
        at,
        format!("PodDisruptionBudget `{name}` covers {}", w.display()),
    ));
}
