//! The verdict shared by CODE041 and CODE043: every path the deployment YAML requests must be
//! one the code serves: the code of the service it deploys when the repository links the two
//! (`scope`), else any code in the repository.

use super::served::Served;
use super::targets::YamlTarget;
use crate::code::support::{Sources, no_code};
use crate::prelude::*;
use vouch_workspace::{FileKind, Lang, is_docs_or_example_path, is_test_path};

pub struct Requested<'a> {
    pub targets: &'a [YamlTarget],
    /// Templated or unreadable paths (`file:line`).
    pub unreadable: &'a [String],
    /// NotApplicable reason when nothing requests a path.
    pub nothing: String,
    /// `probe paths`, `scrape paths`: for the Unknown reasons.
    pub noun: &'static str,
    /// What a catch-all answering the request means (`so the probe succeeds whatever ...`).
    pub catch_all_effect: &'static str,
    /// What the code does serve that the requester probably meant, for the finding message.
    pub hint: fn(&Served) -> Option<String>,
}

pub fn judge(ws: &Workspace, requested: Requested) -> Outcome {
    let Requested {
        targets,
        unreadable,
        nothing,
        noun,
        catch_all_effect,
        hint,
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
    // In a monorepo a target linked to one service's code is judged on that code alone
    // (when that code serves anything vouch recognises).
    let scoped: Vec<Option<(&str, Served)>> = targets
        .iter()
        .map(|t| {
            let dir = t.scope.as_deref()?;
            let within = served.within(dir);
            (!within.is_empty()).then_some((dir, within))
        })
        .collect();
    let here = |i: usize| scoped[i].as_ref().map_or(&served, |(_, s)| s);
    let mut sources = Sources::default();
    let mut evidence = Vec::new();
    let mut findings = Vec::new();
    for (i, target) in targets.iter().enumerate() {
        let finding = |sources: &mut Sources, message: String| {
            sources.finding(ws, &target.file, target.line, target.column, message, None)
        };
        let served_here = here(i);
        let whose = scoped[i].as_ref().map_or(String::new(), |(dir, _)| {
            format!(" by the code in `{dir}/`")
        });
        let place = scoped[i]
            .as_ref()
            .map_or("the code".to_string(), |(dir, _)| {
                format!("the code in `{dir}/`")
            });
        match served_here.serving(&target.path) {
            Some(route) => evidence.push(finding(
                &mut sources,
                format!(
                    "{} requests `{}`, served{whose} by the {} `{}` at {}",
                    target.what,
                    target.path,
                    route.what,
                    route.pattern,
                    route.at()
                ),
            )),
            None => {
                let hint =
                    hint(served_here).map_or(String::new(), |h| format!("; the code serves {h}"));
                let elsewhere = match (&scoped[i], served.serving(&target.path)) {
                    (Some(_), Some(other)) => format!(
                        " (another service's code serves it: `{}` at {})",
                        other.pattern,
                        other.at()
                    ),
                    _ => String::new(),
                };
                let because =
                    served_here.not_served_because(&target.path, catch_all_effect, &place);
                findings.push(finding(
                    &mut sources,
                    format!(
                        "{} requests `{}`, but {because}{elsewhere}{hint}",
                        target.what, target.path,
                    ),
                ))
            }
        }
    }
    if !findings.is_empty()
        && let Some(langs) = unread_languages(ws)
    {
        let missing: Vec<String> = targets
            .iter()
            .enumerate()
            .filter(|(i, t)| here(*i).serving(&t.path).is_none())
            .map(|(_, t)| t)
            .map(|t| format!("`{}` ({}:{})", t.path, t.file, t.line))
            .collect();
        return Outcome::Unknown {
            reason: format!(
                "{noun} {} are not served by the code vouch reads, but the repository also has \
                 {langs} code, which vouch does not read and which may serve them",
                missing.join(", ")
            ),
        };
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

/// Languages with application source files vouch has no extractor for (Kotlin build scripts,
/// tests and examples aside).
fn unread_languages(ws: &Workspace) -> Option<String> {
    let mut langs: Vec<&str> = Vec::new();
    for file in &ws.files {
        let FileKind::Source(lang) = file.kind else {
            continue;
        };
        let unread = matches!(lang, Lang::Kotlin | Lang::Ruby | Lang::Php | Lang::CSharp)
            && !file.rel.ends_with(".kts")
            && !is_test_path(&file.rel)
            && !is_docs_or_example_path(&file.rel);
        if unread && !langs.contains(&lang.name()) {
            langs.push(lang.name());
        }
    }
    (!langs.is_empty()).then(|| langs.join("/"))
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
