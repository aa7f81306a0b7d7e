//! Docker Compose controls (`CMP`). One file per control, registered in `checks()`; they all
//! read the shared [`model::ComposeModel`] (projects merged from base, override and overlay
//! files, interpolated, with source positions).

use crate::registry::Check;
use model::{ComposeModel, Project, Service};
use std::sync::Arc;
use vouch_core::{Finding, Outcome};
use vouch_workspace::Workspace;

/// The paragraph every compose control's documentation ends "What it checks" with.
macro_rules! deployed_projects_note {
    () => {
        "Which files count: a deployed project is what `docker compose up` runs (the base compose file
merged with `docker-compose.override.yml`, or the files `COMPOSE_FILE` in `.env` names), a
production file (`docker-compose.prod.yml`, overlay or standalone; when present, it is the
deployment and base + override is taken as the developers' setup) and any other compose
file. Files named `dev`, `local`, `debug`, `test`, `ci`, `e2e`, `.devcontainer` folders, and
files under test, docs or example folders are not deployments.
"
    };
}

pub mod images;
pub mod interpolate;
pub mod model;
pub mod secret_rules;
pub mod tree;

mod admin_ui_not_default;
mod compose_files_parse;
mod datastore_authentication;
mod datastore_ports_not_public;
mod depends_on_condition;
mod image_pinned;
mod no_docker_socket;
mod no_hardcoded_credentials;
mod no_privileged;
mod resource_limits;
mod restart_policy;
mod secrets_not_in_tracked_files;
mod service_healthcheck;

pub fn checks() -> Vec<&'static dyn Check> {
    vec![
        &compose_files_parse::ComposeFilesParse,
        &service_healthcheck::MissingHealthcheck,
        &depends_on_condition::UnconditionalDependsOn,
        &restart_policy::MissingRestartPolicy,
        &resource_limits::MissingResourceLimits,
        &no_hardcoded_credentials::HardcodedCredentials,
        &admin_ui_not_default::AdminUiByDefault,
        &no_privileged::PrivilegedContainer,
        &no_docker_socket::DockerSocketMount,
        &datastore_ports_not_public::PublicDatastorePort,
        &datastore_authentication::UnauthenticatedDatastore,
        &image_pinned::UnpinnedImage,
        &secrets_not_in_tracked_files::TrackedSecretFiles,
    ]
}

/// The compose model of the workspace, built once.
pub(crate) fn model(ws: &Workspace) -> Arc<ComposeModel> {
    ws.cached(ComposeModel::build)
}

/// What a control saw across the deployed projects.
#[derive(Default)]
pub(crate) struct Verdict {
    pub findings: Vec<Finding>,
    pub evidence: Vec<Finding>,
    /// Why some part could not be judged (a file that does not parse, an unresolved value).
    pub unknown: Vec<String>,
}

impl Verdict {
    pub fn fail(&mut self, f: Finding) {
        self.findings.push(f);
    }
    pub fn pass(&mut self, f: Finding) {
        self.evidence.push(f);
    }
    pub fn unknown(&mut self, why: impl Into<String>) {
        self.unknown.push(why.into());
    }
}

/// Runs `inspect` on every deployed compose project (see `model` for which projects are
/// deployments). Findings make a Fail; otherwise anything that could not be judged makes an
/// Unknown; otherwise a Pass with the evidence. `nothing_seen`: when set and the control saw
/// nothing relevant (no evidence at all), the outcome is NotApplicable with that reason.
pub(crate) fn evaluate(
    ws: &Workspace,
    nothing_seen: Option<&str>,
    mut inspect: impl FnMut(&Project, &mut Verdict),
) -> Outcome {
    let model = model(ws);
    if model.projects.is_empty() {
        return Outcome::not_applicable("no compose file in the repository");
    }
    let deployed: Vec<&Project> = model.deployed().collect();
    if deployed.is_empty() {
        let files: Vec<String> = model.projects.iter().map(Project::label).collect();
        return Outcome::not_applicable(format!(
            "only development or test compose files ({})",
            files.join(", ")
        ));
    }
    let mut v = Verdict::default();
    for project in deployed {
        for problem in &project.problems {
            v.unknown(problem.clone());
        }
        inspect(project, &mut v);
    }
    dedup(&mut v.findings);
    dedup(&mut v.evidence);
    v.unknown.sort();
    v.unknown.dedup();
    if !v.findings.is_empty() {
        return Outcome::Fail {
            findings: v.findings,
        };
    }
    if !v.unknown.is_empty() {
        return Outcome::unknown(v.unknown.join("; "));
    }
    match nothing_seen {
        Some(reason) if v.evidence.is_empty() => Outcome::not_applicable(reason),
        _ => Outcome::pass_with(v.evidence),
    }
}

/// Runs `inspect` on every service a plain `docker compose up` starts in the deployed
/// projects; services whose `extends` cannot be followed are reported as unknown.
pub(crate) fn evaluate_services(
    ws: &Workspace,
    nothing_seen: Option<&str>,
    mut inspect: impl FnMut(&Project, &Service, &mut Verdict),
) -> Outcome {
    let mut services = 0;
    let outcome = evaluate(ws, nothing_seen, |project, v| {
        for svc in project.default_services() {
            services += 1;
            if let Some(problem) = &svc.problem {
                v.unknown(problem.clone());
                continue;
            }
            inspect(project, svc, v);
        }
    });
    match outcome {
        Outcome::Pass { .. } if services == 0 => {
            Outcome::not_applicable("the compose files start no service by default")
        }
        other => other,
    }
}

/// One finding per place: the same service seen through several projects (base + override,
/// base + prod overlay), or an `x-` block merged into several services, is fixed in one spot.
fn dedup(findings: &mut Vec<Finding>) {
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f| seen.insert(f.location.clone()));
}
