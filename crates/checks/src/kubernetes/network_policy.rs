use super::model::K8sModel;
use super::objects::{Object, Text, readable};
use super::relations::selects_pods;
use super::scan::{Which, each_workload};
use super::selectors::Match;
use super::workloads::Workload;
use crate::prelude::*;

pub struct MissingNetworkPolicy;

static META: ControlMeta = ControlMeta {
    id: "K8S014",
    slug: "network_policy",
    title: "NetworkPolicies restrict traffic to every workload",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Add a default-deny `NetworkPolicy` (`podSelector: {}` with `Ingress` and \
                  `Egress` policy types) to each namespace, then policies that allow only the \
                  traffic each workload needs, selecting its pods by label.",
    references: &[
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/",
        "https://www.cisecurity.org/benchmark/kubernetes",
        "https://cheatsheetseries.owasp.org/cheatsheets/Kubernetes_Security_Cheat_Sheet.html",
    ],
    concepts: &[
        "network policy",
        "network segmentation",
        "default deny",
        "zero trust networking",
        "ingress rules",
        "egress rules",
        "microsegmentation",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every long-running workload's pods are selected by a network policy in the same namespace: a
`NetworkPolicy` whose `podSelector` matches the pod labels (an empty `podSelector: {}` — a
namespace default — matches every pod), a Cilium `CiliumNetworkPolicy` (`endpointSelector`) or
a `CiliumClusterwideNetworkPolicy`, or a Calico policy selecting `all()`. Other Calico selector
expressions are Unknown. Helm-rendered policies are matched the same way.

## Why it matters in production

Kubernetes lets every pod talk to every other pod and to the internet by default. One
compromised pod can then reach the database, the cache and the cloud metadata endpoint of the
whole cluster, and exfiltrate anywhere. Network policies contain a breach to what the workload
legitimately talks to.

## Example

Bad: no NetworkPolicy in the namespace.

Good:

```yaml
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny }
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
```

## References

- Kubernetes: Network Policies
- CIS Kubernetes Benchmark 5.3.2 (all namespaces have NetworkPolicies)
- OWASP Kubernetes Security Cheat Sheet
"#,
};

const POLICY_KINDS: [&str; 4] = [
    "NetworkPolicy",
    "CiliumNetworkPolicy",
    "CiliumClusterwideNetworkPolicy",
    "GlobalNetworkPolicy",
];

impl Check for MissingNetworkPolicy {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let model = K8sModel::get(ws);
        let policies: Vec<&Object> = model
            .objects
            .iter()
            .filter(|o| POLICY_KINDS.contains(&o.kind.as_str()))
            .collect();
        each_workload(
            ws,
            Which::LongRunning,
            |w, v| {
                let obj = w.obj;
                let mut unknown = None;
                for p in &policies {
                    match policy_selects(p, w) {
                        Match::Yes => {
                            let at = p.root.get("spec").unwrap_or(&p.root);
                            v.pass(p.finding(
                                at,
                                format!(
                                    "{} `{}` selects the pods of {}",
                                    p.kind,
                                    readable(p.name.as_deref().unwrap_or("?")),
                                    obj.display()
                                ),
                            ));
                            return;
                        }
                        Match::Unknown(at) => unknown = Some(at),
                        Match::No => {}
                    }
                }
                let hidden = model.hidden(&POLICY_KINDS);
                match unknown {
                    None if hidden.is_some() => v.unknown(format!(
                        "{}; it may hold a network policy for {}",
                        hidden.clone().unwrap_or_default(),
                        obj.display()
                    )),
                    Some(at) => v.unknown(format!(
                        "{at}: whether a network policy selects the pods of {} is templated or not readable",
                        obj.display()
                    )),
                    None if policies.is_empty() => v.fail(obj.finding_here(format!(
                        "no NetworkPolicy in the repository: the pods of {} accept traffic from any pod",
                        obj.display()
                    ))),
                    None => v.fail(obj.finding_here(format!(
                        "no NetworkPolicy selects the pods of {}",
                        obj.display()
                    ))),
                }
            },
            "no long-running Kubernetes workload in the repository",
        )
    }
}

fn policy_selects(p: &Object, w: &Workload<'_>) -> Match {
    let group = p.api_version.split('/').next().unwrap_or("");
    match (p.kind.as_str(), group) {
        ("NetworkPolicy", "networking.k8s.io") if p.same_namespace(w.obj) => {
            selects_pods(p, p.root.path(&["spec", "podSelector"]), w)
        }
        ("CiliumNetworkPolicy", _) if p.same_namespace(w.obj) => {
            selects_pods(p, p.root.path(&["spec", "endpointSelector"]), w)
        }
        ("CiliumClusterwideNetworkPolicy", _) => {
            selects_pods(p, p.root.path(&["spec", "endpointSelector"]), w)
        }
        ("NetworkPolicy", "projectcalico.org") if !p.same_namespace(w.obj) => Match::No,
        ("NetworkPolicy" | "GlobalNetworkPolicy", "projectcalico.org") => {
            match p.root.path(&["spec", "selector"]).map(|s| p.text(s)) {
                None | Some(Text::Known("all()")) => Match::Yes,
                Some(_) => Match::Unknown(format!("{}: Calico selector", p.at(&p.root))),
            }
        }
        _ => Match::No,
    }
}
