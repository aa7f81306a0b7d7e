//! CI pipeline and dependency-hygiene controls (`CI`). One file per control, registered in
//! `checks()`; the shared pipeline model lives in `model.rs`, tool matchers in `tools.rs`.

use crate::registry::Check;

mod gate;
pub mod model;
mod next_config;
mod pinning;
mod settings;
mod tools;

mod coverage_gate;
mod dependency_audit;
mod dependency_updates;
mod dynamic_security_tests;
mod format_check;
mod github_actions_pinned;
mod image_scan;
mod load_tests;
mod lock_files;
mod pipeline_exists;
mod pipeline_parses;
mod runs_lint;
mod runs_tests;
mod runs_type_check;
mod sast;
mod security_steps_enforced;
mod third_party_actions_pinned;
mod workflow_permissions;

#[cfg(test)]
mod tests;

pub fn checks() -> Vec<&'static dyn Check> {
    vec![
        &pipeline_exists::PipelineExists,
        &pipeline_parses::PipelineParses,
        &runs_tests::RunsTests,
        &runs_lint::RunsLint,
        &runs_type_check::RunsTypeCheck,
        &coverage_gate::CoverageGate,
        &dependency_audit::DependencyAudit,
        &sast::Sast,
        &format_check::FormatCheck,
        &image_scan::ImageScan,
        &dynamic_security_tests::DynamicSecurityTests,
        &security_steps_enforced::SecurityStepsEnforced,
        &dependency_updates::DependencyUpdates,
        &third_party_actions_pinned::ThirdPartyActionsPinned,
        &github_actions_pinned::GithubActionsPinned,
        &workflow_permissions::WorkflowPermissions,
        &load_tests::LoadTests,
        &lock_files::LockFiles,
    ]
}
