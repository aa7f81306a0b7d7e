//! Whether the repository is a deployed service (and not a library): the premise of the
//! operational controls (runbooks, SLOs, load and chaos tests, log shipping).

use super::paths::{file_name, is_product_path};
use crate::prelude::*;
use vouch_workspace::{FileKind, YamlRole};

/// Names of platform descriptors that deploy an application.
const PLATFORM_FILES: [&str; 12] = [
    "Procfile",
    "app.yaml",
    "app.yml",
    "fly.toml",
    "render.yaml",
    "serverless.yml",
    "serverless.yaml",
    "skaffold.yaml",
    "Pulumi.yaml",
    "cdk.json",
    "template.yaml",
    "samconfig.toml",
];

/// `dockerfile.rs`, `Dockerfile.md`: code or docs named after Dockerfiles, not Dockerfiles.
fn has_code_extension(rel: &str) -> bool {
    let name = file_name(rel).to_ascii_lowercase();
    [
        ".rs", ".go", ".py", ".ts", ".js", ".java", ".md", ".txt", ".rb", ".json", ".yaml", ".yml",
    ]
    .iter()
    .any(|e| name.ends_with(e))
}

/// The first deployment artifact (Dockerfile, compose, Kubernetes, Helm, Terraform, platform
/// descriptor), or the NotApplicable outcome for a repository that deploys nothing.
pub fn deployment_artifact(ws: &Workspace) -> Result<Finding, Outcome> {
    let found = ws
        .files
        .iter()
        .filter(|f| is_product_path(&f.rel))
        .find_map(|f| {
            let what = if f.kind == FileKind::Dockerfile && !has_code_extension(&f.rel) {
                "Dockerfile"
            } else if f.kind == FileKind::Terraform && f.rel.ends_with(".tf") {
                "Terraform configuration"
            } else if PLATFORM_FILES.contains(&file_name(&f.rel)) {
                "platform descriptor"
            } else {
                return None;
            };
            Some(finding_file(&f.rel, format!("{what} `{}`", f.rel)))
        });
    if let Some(f) = found {
        return Ok(f);
    }
    let workload = |y: &vouch_workspace::YamlFile, kinds: &[&str]| {
        y.role == YamlRole::Other
            && y.docs().iter().any(|d| {
                d.root
                    .get("kind")
                    .and_then(Node::as_str)
                    .is_some_and(|k| kinds.contains(&k))
            })
    };
    let product = || ws.yaml.iter().filter(|y| is_product_path(&y.path));
    let yaml = product()
        .find(|y| {
            matches!(
                y.role,
                YamlRole::Compose | YamlRole::HelmChart | YamlRole::Kustomization
            ) || workload(y, &["Deployment", "StatefulSet", "DaemonSet"])
        })
        .or_else(|| product().find(|y| workload(y, &["CronJob", "Job", "Service"])));
    match yaml {
        Some(y) => {
            let what = match y.role {
                YamlRole::Compose => "compose file",
                YamlRole::HelmChart => "Helm chart",
                YamlRole::Kustomization => "Kustomize configuration",
                _ => "Kubernetes manifest",
            };
            Ok(finding_file(&y.path, format!("{what} `{}`", y.path)))
        }
        None => Err(Outcome::not_applicable(
            "nothing is deployed from this repository: no Dockerfile, compose file, Kubernetes \
             manifest, Helm chart, Terraform or platform descriptor",
        )),
    }
}
