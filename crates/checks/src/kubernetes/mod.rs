//! Kubernetes and Helm controls (`K8S`). One file per control, registered in `checks()`.
//!
//! The controls share one object model ([`model::K8sModel`], built once per audit): plain
//! manifests, Kustomize builds and rendered Helm charts, with templated values marked Unknown.

mod base64;
mod helm;
mod image_ref;
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

pub fn checks() -> Vec<&'static dyn Check> {
    vec![
        &resource_requests_limits::MissingResourceRequestsLimits,
        &liveness_probe::MissingLivenessProbe,
        &readiness_probe::MissingReadinessProbe,
        &plausible_probes::ImplausibleProbes,
        &run_as_non_root::RunsAsRoot,
        &no_privilege_escalation::PrivilegeEscalationAllowed,
        &read_only_root_filesystem::WritableRootFilesystem,
        &drop_capabilities::CapabilitiesNotDropped,
        &host_namespaces_privileged::HostNamespacesOrPrivileged,
        &image_pinned::ImageNotPinned,
        &multiple_replicas::SingleReplica,
        &pod_disruption_budget::MissingPodDisruptionBudget,
        &autoscaler::MissingAutoscaler,
        &network_policy::MissingNetworkPolicy,
        &rolling_update_capacity::RolloutDropsCapacity,
        &secret_manifest_values::SecretManifestHoldsValues,
        &secrets_from_references::LiteralSecretEnv,
        &graceful_termination::NoGracefulTermination,
        &manifests_parse::ManifestDoesNotParse,
    ]
}
