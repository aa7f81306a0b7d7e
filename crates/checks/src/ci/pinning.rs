//! Whether a GitHub `uses:` reference is pinned to an immutable commit, shared by the two
//! pinning controls (third-party actions, GitHub-owned actions).

use super::gate::model;
use super::model::UsesKind;
use crate::prelude::*;
use vouch_workspace::CiSystem;

#[derive(Debug, PartialEq)]
pub enum Pin {
    /// `./.github/actions/x`, or a reference built from an expression: nothing to pin.
    NotApplicable,
    Pinned,
    Unpinned(String),
}

pub fn pin_status(reference: &str) -> Pin {
    if reference.starts_with("./") || reference.starts_with("../") || reference.contains("${{") {
        return Pin::NotApplicable;
    }
    if let Some(image) = reference.strip_prefix("docker://") {
        return if image.contains("@sha256:") {
            Pin::Pinned
        } else {
            Pin::Unpinned(
                "a Docker image tag, which can be re-pushed; pin `@sha256:` digest".into(),
            )
        };
    }
    let Some((_, r)) = reference.rsplit_once('@') else {
        return Pin::Unpinned("no ref at all".into());
    };
    let hex = !r.is_empty() && r.chars().all(|c| c.is_ascii_hexdigit());
    if hex && (r.len() == 40 || r.len() == 64) {
        Pin::Pinned
    } else if hex && r.len() >= 7 {
        Pin::Unpinned(format!(
            "a short commit SHA `{r}`, which can become ambiguous"
        ))
    } else if r.starts_with('v') && r[1..].starts_with(|c: char| c.is_ascii_digit()) {
        Pin::Unpinned(format!("the tag `{r}`, which its owner can move"))
    } else {
        Pin::Unpinned(format!("`{r}`, a branch or tag that can move"))
    }
}

/// Owned by GitHub (`actions/*`, `github/*`).
pub fn github_owned(reference: &str) -> bool {
    let owner = reference
        .split('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    owner == "actions" || owner == "github"
}

/// Pass/fail over the `uses:` references of GitHub workflows whose owner matches `owned`.
pub fn evaluate(ws: &Workspace, owned: bool, none_reason: &str) -> Outcome {
    let m = model(ws);
    if !m.files.iter().any(|f| f.system == CiSystem::GithubActions) {
        return Outcome::not_applicable("no GitHub Actions workflow");
    }
    let mut findings = Vec::new();
    let mut evidence = Vec::new();
    let mut seen = 0;
    for u in &m.uses {
        if !matches!(u.kind, UsesKind::Action | UsesKind::ReusableWorkflow)
            || m.files[u.file].system != CiSystem::GithubActions
        {
            continue;
        }
        let docker = u.reference.starts_with("docker://");
        if !docker && github_owned(&u.reference) != owned || docker && owned {
            continue;
        }
        let snippet = ws
            .text(&u.path)
            .map(|t| t.line(u.line as usize).trim().to_string())
            .unwrap_or_default();
        let loc = Location::at(&u.path, u.line, u.column);
        match pin_status(&u.reference) {
            Pin::NotApplicable => {}
            Pin::Pinned => {
                seen += 1;
                if evidence.len() < 5 {
                    evidence.push(
                        Finding::new(loc, format!("`{}` is pinned to a commit", u.reference))
                            .with_snippet(snippet),
                    );
                }
            }
            Pin::Unpinned(why) => {
                seen += 1;
                let msg = format!(
                    "`{}` is pinned to {why}; pin the full 40-character commit SHA (keep the version in a comment)",
                    u.reference
                );
                findings.push(Finding::new(loc, msg).with_snippet(snippet));
            }
        }
    }
    if seen == 0 {
        return Outcome::not_applicable(none_reason);
    }
    Outcome::from_findings(findings, evidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(
            pin_status("actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"),
            Pin::Pinned
        );
        assert!(matches!(
            pin_status("actions/checkout@v4"),
            Pin::Unpinned(_)
        ));
        assert!(matches!(
            pin_status("tj-actions/changed-files@main"),
            Pin::Unpinned(_)
        ));
        assert!(matches!(pin_status("org/x@1a2b3c4"), Pin::Unpinned(_)));
        assert_eq!(pin_status("./.github/actions/setup"), Pin::NotApplicable);
        assert_eq!(pin_status("docker://alpine@sha256:aaaa"), Pin::Pinned);
        assert!(matches!(
            pin_status("docker://alpine:3.20"),
            Pin::Unpinned(_)
        ));
        assert!(github_owned("actions/setup-python@v5"));
        assert!(!github_owned("docker/login-action@v3"));
    }
}
