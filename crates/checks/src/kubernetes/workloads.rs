//! Workloads (objects that run pods) and their containers.

use super::objects::{Field, Object, Text, is_hole, readable};
use vouch_workspace::Node;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkloadKind {
    Deployment,
    StatefulSet,
    DaemonSet,
    ReplicaSet,
    Job,
    CronJob,
    Pod,
    /// Argo Rollouts: a Deployment with progressive delivery.
    Rollout,
}

impl WorkloadKind {
    pub fn of(kind: &str) -> Option<WorkloadKind> {
        Some(match kind {
            "Deployment" => WorkloadKind::Deployment,
            "StatefulSet" => WorkloadKind::StatefulSet,
            "DaemonSet" => WorkloadKind::DaemonSet,
            "ReplicaSet" => WorkloadKind::ReplicaSet,
            "Job" => WorkloadKind::Job,
            "CronJob" => WorkloadKind::CronJob,
            "Pod" => WorkloadKind::Pod,
            "Rollout" => WorkloadKind::Rollout,
            _ => return None,
        })
    }

    /// Keys from the object root to the pod template (`None` for a bare Pod).
    fn template_path(self) -> Option<&'static [&'static str]> {
        match self {
            WorkloadKind::Pod => None,
            WorkloadKind::CronJob => Some(&["spec", "jobTemplate", "spec", "template"]),
            _ => Some(&["spec", "template"]),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerRole {
    Main,
    Init,
    /// An init container with `restartPolicy: Always` (a native sidecar: runs all along).
    NativeSidecar,
    Ephemeral,
}

#[derive(Clone, Copy, Debug)]
pub struct Container<'a> {
    pub node: &'a Node,
    pub role: ContainerRole,
}

impl<'a> Container<'a> {
    pub fn name(&self) -> String {
        self.node
            .get("name")
            .and_then(Node::as_str)
            .map(readable)
            .unwrap_or_else(|| "?".into())
    }

    /// `container `api``, `init container `migrate``.
    pub fn label(&self) -> String {
        let what = match self.role {
            ContainerRole::Main => "container",
            ContainerRole::Init => "init container",
            ContainerRole::NativeSidecar => "sidecar container",
            ContainerRole::Ephemeral => "ephemeral container",
        };
        format!("{what} `{}`", self.name())
    }

    /// The image reference, if written literally.
    pub fn image(&self) -> Option<&'a Node> {
        self.node.get("image")
    }

    pub fn declares_ports(&self) -> bool {
        self.node
            .get("ports")
            .is_some_and(|p| !p.items().is_empty())
    }
}

/// Images and names of well-known helper containers that run beside the application.
const SIDECAR_WORDS: [&str; 16] = [
    "istio-proxy",
    "envoy",
    "linkerd-proxy",
    "cloud-sql-proxy",
    "cloudsql-proxy",
    "cloud_sql_proxy",
    "fluent-bit",
    "fluentbit",
    "fluentd",
    "filebeat",
    "promtail",
    "vector",
    "otel-collector",
    "opentelemetry-collector",
    "vault-agent",
    "datadog-agent",
];

#[derive(Clone, Debug)]
pub struct Workload<'a> {
    pub obj: &'a Object,
    pub kind: WorkloadKind,
    /// The pod template (`metadata` + `spec`), or the Pod itself.
    pub template: &'a Node,
    pub pod_spec: &'a Node,
    pub containers: Vec<Container<'a>>,
    /// Some container list holds entries templating inserts.
    pub unknown_containers: Option<&'a Node>,
}

impl<'a> Workload<'a> {
    pub fn of(obj: &'a Object) -> Option<Workload<'a>> {
        let kind = WorkloadKind::of(&obj.kind)?;
        let template = match kind.template_path() {
            Some(path) => obj.root.path(path)?,
            None => &obj.root,
        };
        let pod_spec = template.get("spec")?;
        let mut containers = Vec::new();
        let mut unknown_containers = None;
        for (key, role) in [
            ("initContainers", ContainerRole::Init),
            ("containers", ContainerRole::Main),
            ("ephemeralContainers", ContainerRole::Ephemeral),
        ] {
            if let Field::Unknown(n) = obj.field(pod_spec, key) {
                unknown_containers = Some(n);
            }
            let Some(list) = pod_spec.get(key) else {
                continue;
            };
            for item in list.items() {
                if is_hole(item) || obj.is_uncertain(item) {
                    unknown_containers = Some(item);
                    continue;
                }
                let role = match role {
                    ContainerRole::Init
                        if item.get("restartPolicy").and_then(Node::as_str) == Some("Always") =>
                    {
                        ContainerRole::NativeSidecar
                    }
                    r => r,
                };
                containers.push(Container { node: item, role });
            }
        }
        Some(Workload {
            obj,
            kind,
            template,
            pod_spec,
            containers,
            unknown_containers,
        })
    }

    /// Keeps running (a server or worker), as opposed to Jobs and run-to-completion Pods.
    pub fn long_running(&self) -> bool {
        match self.kind {
            WorkloadKind::Job | WorkloadKind::CronJob => false,
            WorkloadKind::Pod => !matches!(
                self.pod_spec.get("restartPolicy").and_then(Node::as_str),
                Some("Never" | "OnFailure")
            ),
            _ => true,
        }
    }

    /// Pod labels (of the template).
    pub fn pod_labels(&self) -> Option<&'a Node> {
        self.template.path(&["metadata", "labels"])
    }

    /// The application containers: the long-running ones that are not well-known helpers
    /// (mesh proxies, log shippers, database proxies); containers declaring ports first. When
    /// nothing qualifies, the first main container.
    pub fn primary_containers(&self) -> Vec<Container<'a>> {
        let main: Vec<Container<'a>> = self
            .containers
            .iter()
            .copied()
            .filter(|c| c.role == ContainerRole::Main)
            .collect();
        let apps: Vec<Container<'a>> = main
            .iter()
            .copied()
            .filter(|c| !is_known_sidecar(c))
            .collect();
        let with_ports: Vec<Container<'a>> = apps
            .iter()
            .copied()
            .filter(|c| c.declares_ports())
            .collect();
        if !with_ports.is_empty() {
            return with_ports;
        }
        if !apps.is_empty() {
            return apps;
        }
        main.into_iter().take(1).collect()
    }

    /// Mounts a PersistentVolumeClaim (or claims one per replica): state lives with the pod.
    pub fn has_persistent_volume(&self) -> bool {
        self.pod_spec.get("volumes").is_some_and(|v| {
            v.items()
                .iter()
                .any(|v| v.get("persistentVolumeClaim").is_some())
        }) || self
            .obj
            .root
            .path(&["spec", "volumeClaimTemplates"])
            .is_some()
    }

    /// `Deployment `api``.
    pub fn display(&self) -> String {
        self.obj.display()
    }
}

fn is_known_sidecar(c: &Container<'_>) -> bool {
    let mut hay = c.name().to_ascii_lowercase();
    if let Some(Text::Known(image)) = c.image().map(|n| text_of(n)) {
        hay.push(' ');
        hay.push_str(&image.to_ascii_lowercase());
    }
    SIDECAR_WORDS.iter().any(|w| hay.contains(w))
}

fn text_of(node: &Node) -> Text<'_> {
    node.as_str().map_or(Text::Unknown, Text::Known)
}
