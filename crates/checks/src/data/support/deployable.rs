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

/// Whether a deployment file can be read as what it is: it parses (Dockerfiles and YAML) and
/// holds no merge-conflict block. Broken files are poor evidence that something is deployed.
fn is_sound(ws: &Workspace, rel: &str) -> bool {
    let parses = match ws.dockerfiles.iter().find(|d| d.path == rel) {
        Some(d) => d.parsed.is_ok(),
        None => ws
            .yaml
            .iter()
            .find(|y| y.path == rel)
            .is_none_or(|y| y.docs.is_ok()),
    };
    parses && !ws.facts.conflict_markers.iter().any(|c| c.path == rel)
}

/// The premise of the operational controls: the repository deploys something. Ok holds a
/// repository-level finding (at `.`) whose message names the first deployment artifact
/// (Dockerfile, compose, Kubernetes, Helm, Terraform, platform descriptor), preferring one
/// that parses; the callers reword it. Err is the NotApplicable outcome for a repository that
/// deploys nothing.
pub fn deployment_artifact(ws: &Workspace) -> Result<Finding, Outcome> {
    // Several controls ask: the artifact is chosen once per workspace.
    let chosen = ws.cached(|ws| {
        let candidates = artifacts(ws);
        ChosenArtifact(
            candidates
                .iter()
                .find(|(rel, _)| is_sound(ws, rel))
                .or_else(|| candidates.first())
                .cloned(),
        )
    });
    match &chosen.0 {
        Some((rel, what)) => Ok(finding_file(".", format!("{what} `{rel}`"))),
        None => Err(Outcome::not_applicable(
            "nothing is deployed from this repository: no Dockerfile, compose file, Kubernetes \
             manifest, Helm chart, Terraform or platform descriptor",
        )),
    }
}

/// The deployment artifact [`deployment_artifact`] names, as (path, what).
struct ChosenArtifact(Option<(String, &'static str)>);

/// Deployment artifacts as (path, what), most telling first: Dockerfiles, Terraform and
/// platform descriptors in path order, then compose files, Helm charts, Kustomize and
/// workload manifests, then other Kubernetes objects that run something.
fn artifacts(ws: &Workspace) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = ws
        .files
        .iter()
        .filter(|f| f.class.product())
        .filter_map(|f| {
            let what = if f.kind == FileKind::Dockerfile && !has_code_extension(&f.rel) {
                "Dockerfile"
            } else if f.kind == FileKind::Terraform && f.rel.ends_with(".tf") {
                "Terraform configuration"
            } else if PLATFORM_FILES.contains(&f.name()) {
                "platform descriptor"
            } else {
                return None;
            };
            Some((f.rel.clone(), what))
        })
        .collect();
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
    let what = |y: &vouch_workspace::YamlFile| match y.role {
        YamlRole::Compose => "compose file",
        YamlRole::HelmChart => "Helm chart",
        YamlRole::Kustomization => "Kustomize configuration",
        _ => "Kubernetes manifest",
    };
    out.extend(
        product()
            .filter(|y| {
                matches!(
                    y.role,
                    YamlRole::Compose | YamlRole::HelmChart | YamlRole::Kustomization
                ) || workload(y, &["Deployment", "StatefulSet", "DaemonSet"])
            })
            .map(|y| (y.path.clone(), what(y))),
    );
    out.extend(
        product()
            .filter(|y| workload(y, &["CronJob", "Job", "Service"]))
            .map(|y| (y.path.clone(), what(y))),
    );
    out
}
