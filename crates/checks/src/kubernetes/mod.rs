//! Kubernetes and Helm controls (`K8S`). One file per control, registered in `checks()`.
//!
//! The controls share one object model ([`model::K8sModel`], built once per audit): plain
//! manifests, Kustomize builds and rendered Helm charts, with templated values marked Unknown.

mod base64;
mod helm;
pub(crate) mod image_ref;
mod kustomize;
mod model;
mod objects;
mod relations;
mod scan;
mod secret_values;
mod security;
mod selectors;
mod verdict;
mod workloads;

#[cfg(test)]
mod tests;

mod autoscaler;
mod drop_capabilities;
mod graceful_termination;
mod host_namespaces_privileged;
mod image_pinned;
mod liveness_probe;
mod manifests_parse;
mod multiple_replicas;
mod network_policy;
mod no_privilege_escalation;
mod plausible_probes;
mod pod_disruption_budget;
mod read_only_root_filesystem;
mod readiness_probe;
mod resource_requests_limits;
mod rolling_update_capacity;
mod run_as_non_root;
mod secret_manifest_values;
mod secrets_from_references;

use crate::registry::Check;
use vouch_core::{ControlMeta, Finding, Outcome, fingerprint};
use vouch_workspace::Workspace;

pub fn checks() -> Vec<&'static dyn Check> {
    vec![
        &Distinct(resource_requests_limits::MissingResourceRequestsLimits),
        &Distinct(liveness_probe::MissingLivenessProbe),
        &Distinct(readiness_probe::MissingReadinessProbe),
        &Distinct(plausible_probes::ImplausibleProbes),
        &Distinct(run_as_non_root::RunsAsRoot),
        &Distinct(no_privilege_escalation::PrivilegeEscalationAllowed),
        &Distinct(read_only_root_filesystem::WritableRootFilesystem),
        &Distinct(drop_capabilities::CapabilitiesNotDropped),
        &Distinct(host_namespaces_privileged::HostNamespacesOrPrivileged),
        &Distinct(image_pinned::ImageNotPinned),
        &Distinct(multiple_replicas::SingleReplica),
        &Distinct(pod_disruption_budget::MissingPodDisruptionBudget),
        &Distinct(autoscaler::MissingAutoscaler),
        &Distinct(network_policy::MissingNetworkPolicy),
        &Distinct(rolling_update_capacity::RolloutDropsCapacity),
        &Distinct(secret_manifest_values::SecretManifestHoldsValues),
        &Distinct(secrets_from_references::LiteralSecretEnv),
        &Distinct(graceful_termination::NoGracefulTermination),
        &Distinct(manifests_parse::ManifestDoesNotParse),
    ]
}

/// Wraps a control so each finding's fingerprint covers its message too: one file often holds
/// several containers whose findings quote the same line (`securityContext:`), and baselines
/// must keep them apart. The ` (set in values.yaml:N)` note is left out so the fingerprint
/// survives edits elsewhere in values.yaml.
struct Distinct<C: 'static>(C);

impl<C: Check> Check for Distinct<C> {
    fn meta(&self) -> &'static ControlMeta {
        self.0.meta()
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let id = self.0.meta().id;
        let stamp = |f: &mut Finding| {
            let message = f.message.split(" (set in ").next().unwrap_or(&f.message);
            let basis = format!("{}\n{message}", f.snippet.as_deref().unwrap_or(""));
            f.fingerprint = fingerprint(id, &f.location.path, &basis);
        };
        match self.0.run(ws) {
            Outcome::Fail { mut findings } => {
                findings.iter_mut().for_each(stamp);
                Outcome::Fail { findings }
            }
            Outcome::Pass { mut evidence } => {
                evidence.iter_mut().for_each(stamp);
                Outcome::Pass { evidence }
            }
            other => other,
        }
    }
}
