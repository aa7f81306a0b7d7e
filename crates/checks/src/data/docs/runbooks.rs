use crate::data::support::alert_rules::AlertRules;
use crate::data::support::deployable::deployment_artifact;
use crate::data::support::markdown::{content_lines, doc_files};
use crate::data::support::with_message;
use crate::prelude::*;

pub struct Runbooks;

static META: ControlMeta = ControlMeta {
    id: "DOC001",
    slug: "runbooks",
    title: "Operational runbooks exist",
    area: Area::Documentation,
    severity: Severity::Medium,
    remediation: "Add runbooks next to the code (`docs/runbooks/<alert-or-task>.md` or \
                  `RUNBOOK.md`): for each alert and routine task, what it means, how to \
                  diagnose it, the commands to fix it, and who to escalate to. Link them from \
                  the alerts with a `runbook_url` annotation.",
    references: &[
        "https://sre.google/sre-book/being-on-call/",
        "https://sre.google/workbook/on-call/",
        "https://runbooks.prometheus-operator.dev/",
    ],
    concepts: &[
        "runbook",
        "runbooks",
        "playbook",
        "operations manual",
        "on-call documentation",
        "runbook_url",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

A deployed service (one with a Dockerfile, compose file, Kubernetes manifests, a Helm chart,
Terraform or a platform descriptor) must have runbooks: documentation files in a `runbooks/`
or `playbooks/` folder, or named `RUNBOOK.md`, `*-runbook.md`, `OPERATIONS.md`, `on-call.md`,
with real content (at least five lines that are neither headings nor TODOs). Alert rules whose
`runbook_url` annotation points at a real (non-placeholder) URL count too: the runbooks live
elsewhere but are linked where they are needed. Ansible `playbooks/*.yml` are not runbooks.
Stub runbooks (headings and TODOs only) are reported, each at its file (and then only they
are reported); without any runbook, the finding is about the repository and names the
deployment artifact that makes it a deployed service. NotApplicable when nothing is deployed
from the repository.

## Why it matters in production

At 3 a.m. the person paged is rarely the person who wrote the service. Without a runbook they
rediscover the architecture, guess at safe commands and escalate late; with one, most incidents
are a matter of following known steps. Runbooks also make the tribal knowledge of a team
survive its turnover.

## Example

Bad: a deployable service whose only documentation is how to build it.

Good: `docs/runbooks/high-error-rate.md`

```markdown
# HighErrorRate

Fires when more than 2% of requests fail for 10 minutes.

1. Check the last deploy: `kubectl rollout history deploy/orders-api`.
2. If it started with the deploy, roll back: `kubectl rollout undo deploy/orders-api`.
3. Otherwise check the database dashboard for connection saturation.
4. Escalate to #team-orders if not resolved in 30 minutes.
```

## References

- Google SRE book, "Being On-Call"; SRE workbook, "On-Call"
- Prometheus Operator runbooks
"#,
};

/// Path or name words that make a document a runbook.
fn is_runbook_path(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let dirs = &lower[..lower.len() - name.len()];
    dirs.split('/')
        .any(|d| matches!(d, "runbooks" | "runbook" | "playbooks" | "playbook"))
        || name.contains("runbook")
        || name.contains("playbook")
        || name.starts_with("operations.")
        || name.starts_with("oncall")
        || name.starts_with("on-call")
}

/// Placeholder or example URLs that link no real runbook.
fn is_placeholder_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    !(lower.starts_with("https://") || lower.starts_with("http://"))
        || [
            "example.com",
            "example.org",
            "todo",
            "tbd",
            "changeme",
            "<",
            "localhost",
        ]
        .iter()
        .any(|p| lower.contains(p))
}

impl Check for Runbooks {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let artifact = match deployment_artifact(ws) {
            Ok(a) => a,
            Err(outcome) => return outcome,
        };
        let mut evidence = Vec::new();
        let mut stubs = Vec::new();
        for f in doc_files(ws).filter(|f| is_runbook_path(&f.rel)) {
            let Some(src) = ws.text(&f.rel) else {
                continue;
            };
            let lines = content_lines(&src).len();
            if lines >= 5 {
                evidence.push(finding_file(
                    &f.rel,
                    format!("runbook `{}` ({lines} lines of content)", f.rel),
                ));
            } else {
                stubs.push(finding_file(
                    &f.rel,
                    format!(
                        "runbook `{}` is a stub: no steps, only headings or to-dos",
                        f.rel
                    ),
                ));
            }
        }
        let rules = AlertRules::get(ws);
        if let Some(alert) = rules.alerts.iter().find(|a| {
            a.runbook_url
                .as_ref()
                .is_some_and(|(u, _)| !is_placeholder_url(u))
        }) {
            let (url, line) = alert.runbook_url.clone().unwrap_or_default();
            evidence.push(finding_at(
                &alert.src,
                line,
                1,
                format!("alert `{}` links its runbook at {url}", alert.name),
            ));
        }
        if !evidence.is_empty() {
            return Outcome::pass_with(evidence);
        }
        // Stubs are the finding: "there is none" next to them would contradict them.
        if !stubs.is_empty() {
            return Outcome::Fail { findings: stubs };
        }
        let findings = vec![with_message(
            &artifact,
            format!(
                "the repository deploys a service ({}), but there is no runbook (docs/runbooks/, RUNBOOK.md, alert runbook_url)",
                artifact.message
            ),
        )];
        Outcome::Fail { findings }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runbook_paths() {
        assert!(is_runbook_path("docs/runbooks/high-error-rate.md"));
        assert!(is_runbook_path("RUNBOOK.md"));
        assert!(is_runbook_path("ops/payments-runbook.md"));
        assert!(!is_runbook_path("docs/architecture.md"));
        assert!(is_placeholder_url("https://example.com/runbooks/x"));
        assert!(!is_placeholder_url(
            "https://wiki.acme.io/runbooks/orders#HighErrorRate"
        ));
    }
}
