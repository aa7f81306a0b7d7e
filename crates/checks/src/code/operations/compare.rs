//! The verdict shared by CODE041 and CODE043: every path the deployment YAML requests must be
//! one the code serves.

use super::served::Served;
use super::targets::YamlTarget;
use crate::code::support::{Sources, no_code};
use crate::prelude::*;

pub struct Requested<'a> {
    pub targets: &'a [YamlTarget],
    /// Templated or unreadable paths (`file:line`).
    pub unreadable: &'a [String],
    /// NotApplicable reason when nothing requests a path.
    pub nothing: String,
    /// `probe paths`, `scrape paths`: for the Unknown reasons.
    pub noun: &'static str,
}

pub fn judge(ws: &Workspace, requested: Requested) -> Outcome {
    let Requested {
        targets,
        unreadable,
        nothing,
        noun,
    } = requested;
    if targets.is_empty() && unreadable.is_empty() {
        return Outcome::NotApplicable { reason: nothing };
    }
    if let Some(na) = no_code(ws) {
        return Outcome::NotApplicable {
            reason: match na {
                Outcome::NotApplicable { reason } => {
                    format!("{reason}: nothing to compare the {noun} with")
                }
                _ => format!("no application code to compare the {noun} with"),
            },
        };
    }
    let served = Served::build(ws);
    if served.is_empty() {
        return Outcome::Unknown {
            reason: format!(
                "the code has no HTTP routes vouch recognises, so it cannot tell whether the \
                 {noun} are served"
            ),
        };
    }
    let mut sources = Sources::default();
    let mut evidence = Vec::new();
    let mut findings = Vec::new();
    for target in targets {
        let finding = |sources: &mut Sources, message: String| {
            sources.finding(ws, &target.file, target.line, target.column, message, None)
        };
        match served.serving(&target.path) {
            Some(route) => evidence.push(finding(
                &mut sources,
                format!(
                    "{} requests `{}`, served by the {} `{}` at {}",
                    target.what,
                    target.path,
                    route.what,
                    route.pattern,
                    route.at()
                ),
            )),
            None => findings.push(finding(
                &mut sources,
                format!(
                    "{} requests `{}`, but {}",
                    target.what,
                    target.path,
                    served.not_served_because(&target.path)
                ),
            )),
        }
    }
    if !findings.is_empty() {
        Outcome::Fail { findings }
    } else if !unreadable.is_empty() {
        Outcome::Unknown {
            reason: format!(
                "templated {noun} cannot be compared with the code: {}",
                unreadable.join(", ")
            ),
        }
    } else {
        Outcome::Pass { evidence }
    }
}

/// The NotApplicable reason, noting Helm templates that are not read.
pub fn nothing_reason(what: &str, helm_templates: usize) -> String {
    if helm_templates > 0 {
        format!(
            "no {what} in plain YAML ({helm_templates} Helm template(s) are not rendered for \
             this control)"
        )
    } else {
        format!("no {what} in the repository")
    }
}
