//! Dockerfile controls (`DKR`). One file per control, registered in `checks()`; the other
//! modules are helpers several controls share (shell commands of RUN, package installs, image
//! references, .dockerignore matching, compose/Kubernetes cross-references).
//!
//! Scope: Dockerfiles under test, docs/example folders and `.devcontainer/`, and files whose
//! name says they are templates or backups (`Dockerfile.j2`, `Dockerfile.orig`), are not
//! production images and are not reviewed.

use crate::prelude::*;
use crate::registry::Check;
use std::collections::HashMap;
use vouch_core::{Finding, Outcome};
use vouch_workspace::{Dockerfile, Instruction, SourceText, Stage, Workspace};

mod dockerignore;
mod image;
pub(crate) mod orchestrators;
mod packages;
mod secret_names;
mod shell;

mod add_only_when_needed;
mod apt_update_with_install;
mod base_image_pinned;
mod build_secrets_not_in_args;
mod copy_chown_not_run_chown;
mod dockerfile_parses;
mod dockerignore_for_context_copy;
mod exec_form_entrypoint;
mod healthcheck;
mod minimal_final_base;
mod multi_stage_build;
mod no_pipe_to_shell;
mod no_secrets_in_env_arg;
mod no_ssh_server;
mod no_sudo;
mod non_root_user;
mod package_cache_hygiene;
mod pinned_packages;
mod pipefail_for_piped_run;

pub fn checks() -> Vec<&'static dyn Check> {
    vec![
        &non_root_user::NonRootUser,
        &multi_stage_build::ToolchainInFinalImage,
        &base_image_pinned::UnpinnedBaseImage,
        &minimal_final_base::FullFinalBase,
        &healthcheck::MissingHealthcheck,
        &no_secrets_in_env_arg::SecretLiteralInEnvArg,
        &add_only_when_needed::AddWhereCopyDoes,
        &package_cache_hygiene::PackageCacheLeft,
        &pinned_packages::UnpinnedPackages,
        &no_pipe_to_shell::PipeToShell,
        &dockerignore_for_context_copy::ContextCopyWithoutIgnore,
        &exec_form_entrypoint::ShellFormEntrypoint,
        &no_sudo::SudoInImage,
        &no_ssh_server::SshServerInImage,
        &dockerfile_parses::UnparsableDockerfile,
        &build_secrets_not_in_args::BuildSecretInArg,
        &pipefail_for_piped_run::PipeWithoutPipefail,
        &apt_update_with_install::StaleAptLists,
        &copy_chown_not_run_chown::RecursiveChownLayer,
    ]
}

/// What a check concluded about the Dockerfiles: failures, evidence for a pass, and reasons it
/// could not decide (an Unknown unless something failed).
#[derive(Default)]
pub(crate) struct Review {
    findings: Vec<Finding>,
    evidence: Vec<Finding>,
    unknown: Vec<String>,
}

impl Review {
    pub fn fail(&mut self, f: Finding) {
        self.findings.push(f);
    }
    pub fn pass(&mut self, f: Finding) {
        self.evidence.push(f);
    }
    pub fn unknown(&mut self, reason: impl Into<String>) {
        self.unknown.push(reason.into());
    }
}

/// Whether a Dockerfile builds a production image (see the module docs for what is skipped).
pub(crate) fn in_scope(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    const NOT_BUILT: [&str; 19] = [
        ".j2",
        ".jinja",
        ".jinja2",
        ".tmpl",
        ".tpl",
        ".template",
        ".erb",
        ".in",
        ".mustache",
        ".hbs",
        ".gotmpl",
        ".dockerignore",
        ".orig",
        ".bak",
        ".old",
        ".rej",
        ".example",
        ".sample",
        ".txt",
    ];
    !(vouch_workspace::is_test_path(path)
        || vouch_workspace::is_docs_or_example_path(path)
        || lower.split('/').any(|p| p == ".devcontainer")
        || NOT_BUILT.iter().any(|ext| name.ends_with(ext)))
}

/// Runs `inspect` on every parsed production Dockerfile.
/// No Dockerfile in scope: NotApplicable. Only unparsable ones: Unknown with the parse errors.
/// Any failure: Fail. Else any undecidable file: Unknown. Else Pass with the evidence.
pub(crate) fn each_dockerfile(
    ws: &Workspace,
    mut inspect: impl FnMut(&Dockerfile, &SourceText, &mut Review),
) -> Outcome {
    let mut review = Review::default();
    let (mut seen, mut parsed, mut unparsed) = (0, 0, Vec::new());
    for entry in ws.dockerfiles.iter().filter(|e| in_scope(&e.path)) {
        seen += 1;
        match &entry.parsed {
            Ok(df) => {
                parsed += 1;
                inspect(df, &entry.text, &mut review);
            }
            Err(e) => unparsed.push(format!("{}:{}: {}", entry.path, e.line, e.message)),
        }
    }
    if seen == 0 {
        return Outcome::not_applicable(if ws.dockerfiles.is_empty() {
            "no Dockerfile in the repository"
        } else {
            "only test, example or template Dockerfiles in the repository"
        });
    }
    if parsed == 0 {
        return Outcome::unknown(format!(
            "no Dockerfile could be parsed ({})",
            unparsed.join("; ")
        ));
    }
    if review.findings.is_empty() && !review.unknown.is_empty() {
        review.unknown.dedup();
        return Outcome::unknown(review.unknown.join("; "));
    }
    Outcome::from_findings(review.findings, review.evidence)
}

/// The stage and the earlier stages it is built `FROM`, root first.
pub(crate) fn stage_chain<'a>(df: &'a Dockerfile, stage: &'a Stage) -> Vec<&'a Stage> {
    let mut chain = vec![stage];
    let mut current = stage;
    while let Some(parent) = parent_stage(df, current) {
        if chain.len() > 64 {
            break;
        }
        chain.push(parent);
        current = parent;
    }
    chain.reverse();
    chain
}

/// The earlier stage a stage starts `FROM`, with build arguments resolved.
pub(crate) fn parent_stage<'a>(df: &'a Dockerfile, stage: &Stage) -> Option<&'a Stage> {
    let base = image::resolve_from(df, &stage.base).ok()?;
    df.stage_by_ref(&base)
        .filter(|p| p.index < stage.index && p.name.is_some())
}

/// Instructions of the final image: the final stage and the stages it inherits from.
pub(crate) fn final_chain(df: &Dockerfile) -> Vec<&Stage> {
    df.final_stage()
        .map(|s| stage_chain(df, s))
        .unwrap_or_default()
}

pub(crate) fn chain_instructions<'a>(
    df: &'a Dockerfile,
    chain: &[&'a Stage],
) -> Vec<&'a Instruction> {
    chain
        .iter()
        .flat_map(|s| df.stage_instructions(s).iter())
        .collect()
}

/// Values of build arguments and environment variables visible at the end of `instructions`
/// (global ARG defaults first, so a redeclared `ARG NAME` keeps its global default).
pub(crate) fn variables(df: &Dockerfile, instructions: &[&Instruction]) -> HashMap<String, String> {
    let mut vars = HashMap::new();
    let globals: HashMap<String, String> = df
        .global_args
        .iter()
        .flat_map(|i| i.key_values())
        .filter_map(|(k, v)| Some((k, v?)))
        .collect();
    for i in instructions
        .iter()
        .filter(|i| i.keyword == "ARG" || i.keyword == "ENV")
    {
        for (k, v) in i.key_values() {
            match v.or_else(|| globals.get(&k).cloned()) {
                Some(v) => {
                    let v = image::substitute(&v, &|n| vars.get(n).cloned()).unwrap_or(v);
                    vars.insert(k, v);
                }
                None => {
                    vars.remove(&k);
                }
            }
        }
    }
    vars
}

/// The first line of `instr` (continuations and heredoc included) that contains `needle`,
/// else the instruction's first line. Findings then quote the line that matters.
pub(crate) fn line_of(src: &SourceText, instr: &Instruction, needle: &str) -> u32 {
    (instr.line..=instr.end_line)
        .find(|&n| src.line(n as usize).contains(needle))
        .unwrap_or(instr.line)
}

/// A finding at the first line of `instr` containing `needle`.
pub(crate) fn finding_in(
    src: &SourceText,
    instr: &Instruction,
    needle: &str,
    message: impl Into<String>,
) -> Finding {
    finding_at(src, line_of(src, instr, needle), 1, message)
}

/// For an instruction of the final image that sits in an ancestor stage:
/// ` (in stage `base`, which the final stage is built FROM)`; else "".
pub(crate) fn inherited_note(df: &Dockerfile, chain: &[&Stage], instr: &Instruction) -> String {
    let Some((last, ancestors)) = chain.split_last() else {
        return String::new();
    };
    if df
        .stage_instructions(last)
        .iter()
        .any(|i| std::ptr::eq(i, instr))
    {
        return String::new();
    }
    ancestors
        .iter()
        .find(|s| {
            df.stage_instructions(s)
                .iter()
                .any(|i| std::ptr::eq(i, instr))
        })
        .and_then(|s| s.name.as_deref())
        .map(|name| format!(" (in stage `{name}`, which the final stage is built FROM)"))
        .unwrap_or_default()
}

/// Shortens an instruction for messages: `RUN apt-get install -y gcc ...`.
pub(crate) fn short(instr: &Instruction) -> String {
    let mut text = format!("{} {}", instr.keyword, instr.args);
    if text.chars().count() > 60 {
        text = text.chars().take(57).collect::<String>() + "...";
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_skips_tests_examples_and_templates() {
        assert!(in_scope("Dockerfile"));
        assert!(in_scope("services/api/Dockerfile.prod"));
        assert!(!in_scope("tests/e2e/Dockerfile"));
        assert!(!in_scope("examples/minimal/Dockerfile"));
        assert!(!in_scope(".devcontainer/Dockerfile"));
        assert!(!in_scope("deploy/Dockerfile.j2"));
        assert!(!in_scope("Dockerfile.dockerignore"));
    }
}
