//! The loops most K8S controls share: every workload (or container) of the model, with Helm
//! conditions, templated container lists and unreadable inputs turned into Unknown.

use super::model::{K8sModel, WORKLOAD_KINDS};
use super::verdict::Verdict;
use super::workloads::{Container, Workload, WorkloadKind};
use vouch_core::Outcome;
use vouch_workspace::Workspace;

pub const NO_WORKLOADS: &str = "no Kubernetes workloads (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod) in the repository";

/// Which workloads a control judges.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Which {
    All,
    /// Not Jobs, CronJobs or run-to-completion Pods.
    LongRunning,
    /// Deployments and Argo Rollouts.
    Deployments,
}

impl Which {
    fn admits(self, w: &Workload<'_>) -> bool {
        match self {
            Which::All => true,
            Which::LongRunning => w.long_running(),
            Which::Deployments => {
                matches!(w.kind, WorkloadKind::Deployment | WorkloadKind::Rollout)
            }
        }
    }

    /// Kinds an unreadable input must mention to matter.
    fn kinds(self) -> &'static [&'static str] {
        match self {
            Which::All => &WORKLOAD_KINDS,
            Which::LongRunning => &[
                "Deployment",
                "StatefulSet",
                "DaemonSet",
                "ReplicaSet",
                "Pod",
                "Rollout",
            ],
            Which::Deployments => &["Deployment", "Rollout"],
        }
    }
}

/// Runs `judge` on every workload `which` admits. Failures on a workload Helm renders only
/// under an unknown condition become Unknown; so does a pass on a workload whose container
/// list templating extends. Inputs that may hold such workloads but could not be read are
/// Unknown.
pub fn each_workload(
    ws: &Workspace,
    which: Which,
    mut judge: impl FnMut(&Workload<'_>, &mut Verdict),
    nothing: &str,
) -> Outcome {
    let model = K8sModel::get(ws);
    let mut v = Verdict::default();
    let mut any = false;
    for w in model.workloads().filter(|w| which.admits(w)) {
        any = true;
        let mut local = Verdict::default();
        judge(&w, &mut local);
        absorb(&w, local, &mut v);
    }
    for gap in model.gaps_for(which.kinds()) {
        any = true;
        v.unknown(gap.describe());
    }
    if !any {
        return Outcome::not_applicable(nothing);
    }
    v.outcome(nothing)
}

/// Runs `judge` on every container (`select` filters) of every workload.
pub fn each_container(
    ws: &Workspace,
    select: impl Fn(&Workload<'_>, &Container<'_>) -> bool,
    mut judge: impl FnMut(&Workload<'_>, &Container<'_>, &mut Verdict),
) -> Outcome {
    each_workload(
        ws,
        Which::All,
        |w, v| {
            for c in w.containers.iter().filter(|c| select(w, c)) {
                judge(w, c, v);
            }
            if let Some(at) = w.unknown_containers {
                v.unknown(w.obj.unknown_reason(at, "part of the container list"));
            }
        },
        NO_WORKLOADS,
    )
}

fn absorb(w: &Workload<'_>, local: Verdict, into: &mut Verdict) {
    match &w.obj.conditional {
        Some(reason) if !local.findings.is_empty() => into.unknown(reason.clone()),
        _ => {
            into.findings.extend(local.findings);
            into.evidence.extend(local.evidence);
            for u in local.unknown {
                into.unknown(u);
            }
        }
    }
}
