use super::model::K8sModel;
use super::objects::{Field, Object, Text};
use super::relations::{Replicas, effective_replicas};
use super::scan::{Which, each_workload};
use super::workloads::WorkloadKind;
use crate::prelude::*;

pub struct RolloutDropsCapacity;

static META: ControlMeta = ControlMeta {
    id: "K8S015",
    slug: "rolling_update_capacity",
    title: "Deployments roll out without losing capacity",
    area: Area::Deployment,
    severity: Severity::Medium,
    remediation: "Use the `RollingUpdate` strategy with `maxUnavailable: 0` (or a value below the \
                  replica count) and `maxSurge: 1` or more; keep `Recreate` for workloads that \
                  cannot run two versions side by side (and say so with a suppression).",
    references: &[
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy",
        "https://kubernetes.io/docs/tutorials/kubernetes-basics/update/update-intro/",
    ],
    concepts: &[
        "rolling update",
        "zero-downtime deployment",
        "deployment strategy",
        "maxUnavailable",
        "maxSurge",
        "blue-green",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every stateless Deployment keeps serving while it rolls out:

- `strategy.type: Recreate` fails when the Deployment runs two or more replicas (or an
  autoscaler keeps two or more): Recreate stops every pod before starting new ones;
- a `RollingUpdate` whose `maxUnavailable` (an absolute number, or a percentage of the replicas,
  rounded down) reaches the replica count fails: it may stop every pod at once. When both
  `maxUnavailable` and `maxSurge` round down to 0, Kubernetes lets one pod be unavailable, and
  that is what is judged.

The default strategy (RollingUpdate, 25% / 25%) passes. Deployments that mount a
PersistentVolumeClaim (where Recreate is often required) and single-replica Deployments using
Recreate are not judged here (K8S011 reports the single replica). Argo Rollouts have their own
strategies and are not judged.

## Why it matters in production

Every deploy is a planned event; it should never be an outage. With Recreate or an
all-at-once `maxUnavailable`, each release drops traffic for the whole start-up time of the new
version — and if the new version does not start, the service stays down.

## Example

Bad:

```yaml
spec:
  replicas: 3
  strategy:
    type: Recreate
```

Good:

```yaml
spec:
  replicas: 3
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
```

## References

- Kubernetes: Deployments, strategy
- Kubernetes tutorial: Performing a Rolling Update
"#,
};

impl Check for RolloutDropsCapacity {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let model = K8sModel::get(ws);
        each_workload(
            ws,
            Which::Deployments,
            |w, v| {
                // Argo Rollouts have their own (canary, blue-green) strategies.
                if w.kind != WorkloadKind::Deployment || w.has_persistent_volume() {
                    return;
                }
                let obj = w.obj;
                let spec = w.obj.root.get("spec").unwrap_or(&obj.root);
                let strategy = match obj.field(spec, "strategy") {
                    Field::Present(s) => Some(s),
                    Field::Absent => None,
                    Field::Unknown(at) => {
                        v.unknown(obj.unknown_reason(at, "the rollout strategy"));
                        return;
                    }
                };
                let replicas = effective_replicas(&model, w).0;
                let kind = strategy.and_then(|s| s.get("type"));
                match kind.map(|k| (k, obj.text(k))) {
                    Some((k, Text::Known("Recreate"))) => match replicas {
                        Replicas::Known(n, _) if n >= 2 => v.fail(obj.finding(
                            k,
                            format!(
                                "{} uses the Recreate strategy: all {n} replicas stop before new ones start",
                                obj.display()
                            ),
                        )),
                        Replicas::Known(..) => {}
                        Replicas::Unknown(r) => v.unknown(r),
                    },
                    Some((k, Text::Unknown | Text::Symbolic(_))) => {
                        v.unknown(obj.unknown_reason(k, "the rollout strategy"))
                    }
                    _ => judge_rolling(obj, strategy, replicas, v),
                }
            },
            "no stateless Deployment in the repository",
        )
    }
}

/// A rolling update's `maxUnavailable`/`maxSurge` against the replica count.
fn judge_rolling(
    obj: &Object,
    strategy: Option<&Node>,
    replicas: Replicas<'_>,
    v: &mut super::verdict::Verdict,
) {
    let rolling = strategy.and_then(|s| s.get("rollingUpdate"));
    let read = |key: &str, default: &str| -> Result<(String, Option<&Node>), String> {
        match rolling.and_then(|r| r.get(key)) {
            Some(n) => match obj.text(n) {
                Text::Known(t) => Ok((t.trim().to_string(), Some(n))),
                _ => Err(obj.unknown_reason(n, &format!("`{key}`"))),
            },
            None => Ok((default.to_string(), None)),
        }
    };
    let (unavailable, surge) = match (read("maxUnavailable", "25%"), read("maxSurge", "25%")) {
        (Ok(u), Ok(s)) => (u, s),
        (Err(r), _) | (_, Err(r)) => {
            v.unknown(r);
            return;
        }
    };
    let at = unavailable
        .1
        .or(rolling)
        .or(strategy)
        .unwrap_or_else(|| obj.root.get_key("kind").unwrap_or(&obj.root));
    // Percentages round down for maxUnavailable and up for maxSurge; both need the count,
    // except that a percentage below 100 never takes every pod of a non-empty Deployment.
    let absolute = |value: &str, up: bool, n: i64| -> Option<i64> {
        match value.strip_suffix('%') {
            Some(p) => p.trim().parse::<i64>().ok().map(|p| {
                if up {
                    p.saturating_mul(n).saturating_add(99) / 100
                } else {
                    p.saturating_mul(n) / 100
                }
            }),
            None => value.parse().ok(),
        }
    };
    let n = match replicas {
        Replicas::Known(n, _) => n,
        Replicas::Unknown(r) => {
            let pct_below_all = unavailable
                .0
                .strip_suffix('%')
                .and_then(|p| p.trim().parse::<i64>().ok())
                .is_some_and(|p| p < 100);
            if unavailable.0 == "0" || pct_below_all {
                v.pass(obj.finding(
                    at,
                    format!(
                        "{} rolls out keeping capacity (maxUnavailable {})",
                        obj.display(),
                        unavailable.0
                    ),
                ));
            } else {
                v.unknown(r);
            }
            return;
        }
    };
    let (Some(u), Some(s)) = (
        absolute(&unavailable.0, false, n),
        absolute(&surge.0, true, n),
    ) else {
        return;
    };
    // Kubernetes resolves 0/0 to one unavailable pod so the rollout can progress.
    let u = if u == 0 && s == 0 { 1 } else { u };
    if n > 0 && u >= n {
        v.fail(obj.finding(
            at,
            format!(
                "{} allows {u} of its {n} replica(s) to be unavailable during a rollout (maxUnavailable {})",
                obj.display(),
                unavailable.0
            ),
        ));
    } else {
        v.pass(obj.finding(
            at,
            format!(
                "{} rolls out keeping capacity (maxUnavailable {})",
                obj.display(),
                unavailable.0
            ),
        ));
    }
}
