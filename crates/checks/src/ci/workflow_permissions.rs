use super::gate::model;
use crate::prelude::*;
use vouch_workspace::{CiSystem, SourceText};

pub struct WorkflowPermissions;

static META: ControlMeta = ControlMeta {
    id: "CI016",
    slug: "workflow_permissions",
    title: "GitHub workflows give their token least-privilege permissions",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Add `permissions: contents: read` (or `permissions: {}`) at the top of each workflow and grant \
                  write scopes only in the job that needs them (`permissions: packages: write` on the publish job). \
                  Never use `write-all`.",
    references: &[
        "https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token",
        "https://github.com/ossf/scorecard/blob/main/docs/checks.md#token-permissions",
        "https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication",
    ],
    concepts: &[
        "least privilege",
        "GITHUB_TOKEN permissions",
        "workflow permissions",
        "token permissions",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

In every GitHub Actions workflow:

- `permissions:` is set at the top level, or on every job (otherwise the jobs without it get the
  repository's default token permissions, read/write on older repositories and organisations);
- no `permissions: write-all`, at the top or on a job;
- the top level grants no `write` scope when the workflow has more than one job: the scope then
  reaches jobs that do not need it, so it belongs on the job that does.

Workflows that only run as reusable workflows (`on: workflow_call`) inherit the caller's
permissions and are not required to declare their own. NotApplicable without GitHub workflows.

## Why it matters in production

Every step, including every third-party action, can use the job's `GITHUB_TOKEN`. With write
permissions a compromised dependency can push to branches, create releases or publish
packages. Read-only by default limits what a supply-chain attack can do (OpenSSF Scorecard
"Token-Permissions").

## Example

Bad:

```yaml
on: [push, pull_request]
jobs:
  test: ...
  publish: ...
```

Good:

```yaml
on: [push, pull_request]
permissions:
  contents: read
jobs:
  test: ...
  publish:
    permissions:
      contents: read
      packages: write
```

## References

- GitHub: controlling permissions for GITHUB_TOKEN
- OpenSSF Scorecard: Token-Permissions
"#,
};

fn only_workflow_call(on: Option<&Node>) -> bool {
    let Some(on) = on else {
        return false;
    };
    let events: Vec<&str> = match (on.as_str(), on.as_seq()) {
        (Some(s), _) => vec![s],
        (_, Some(items)) => items.iter().filter_map(Node::as_str).collect(),
        _ => on.entries().map(|(k, _)| k).collect(),
    };
    !events.is_empty() && events.iter().all(|e| *e == "workflow_call")
}

fn check_doc(
    src: &SourceText,
    root: &Node,
    findings: &mut Vec<Finding>,
    evidence: &mut Vec<Finding>,
) {
    let Some(jobs) = root.get("jobs").and_then(Node::as_map) else {
        return;
    };
    let top_key = root.get_key("permissions");
    let top = root.get("permissions");
    if let (Some(key), Some(p)) = (top_key, top) {
        if p.as_str() == Some("write-all") {
            findings.push(finding_node(
                src,
                key,
                "`permissions: write-all` gives every job full write access to the repository",
            ));
        } else if jobs.len() > 1 {
            let mut granted = false;
            if let Some(map) = p.as_map() {
                for (scope, v) in map {
                    if v.as_str() == Some("write") {
                        granted = true;
                        findings.push(finding_node(
                            src,
                            scope,
                            format!(
                                "top-level `permissions` grants `{}: write` to all {} jobs; grant it only in the job that needs it",
                                scope.as_str().unwrap_or("?"),
                                jobs.len()
                            ),
                        ));
                    }
                }
            }
            if !granted {
                evidence.push(finding_node(
                    src,
                    key,
                    "token permissions are restricted at the top of the workflow",
                ));
            }
        } else {
            evidence.push(finding_node(
                src,
                key,
                "token permissions are set at the top of the workflow",
            ));
        }
    }
    let mut without = Vec::new();
    for (k, job) in jobs {
        let name = k.as_str().unwrap_or("?");
        match (job.get_key("permissions"), job.get("permissions")) {
            (Some(pk), Some(p)) if p.as_str() == Some("write-all") => {
                findings.push(finding_node(
                    src,
                    pk,
                    format!("job `{name}` has `permissions: write-all`"),
                ));
            }
            (Some(_), Some(_)) => {}
            _ => without.push(name),
        }
    }
    if top.is_none() && !without.is_empty() && !only_workflow_call(root.get("on")) {
        let at = root.get_key("jobs").unwrap_or(root);
        let names = without
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        findings.push(finding_node(
            src,
            at,
            format!("no top-level `permissions:` and job(s) {names} set none, so they run with the repository's default token permissions"),
        ));
    } else if top.is_none() && without.is_empty() {
        evidence.push(finding_node(
            src,
            root.get_key("jobs").unwrap_or(root),
            "every job sets its token permissions",
        ));
    }
}

use vouch_workspace::Node;

impl Check for WorkflowPermissions {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let m = model(ws);
        let workflows: Vec<_> = m
            .files
            .iter()
            .filter(|f| f.system == CiSystem::GithubActions)
            .collect();
        if workflows.is_empty() {
            return Outcome::not_applicable("no GitHub Actions workflow");
        }
        let mut findings = Vec::new();
        let mut evidence = Vec::new();
        let mut unparsed = Vec::new();
        for f in workflows {
            let Some(y) = ws.yaml.iter().find(|y| y.path == f.path) else {
                continue;
            };
            match &y.docs {
                Ok(docs) => {
                    for d in docs {
                        check_doc(&y.text, &d.root, &mut findings, &mut evidence);
                    }
                }
                Err(e) => unparsed.push(format!("{}:{}: {}", f.path, e.line, e.message)),
            }
        }
        if findings.is_empty() && evidence.is_empty() && !unparsed.is_empty() {
            return Outcome::unknown(format!("no workflow parses: {}", unparsed.join("; ")));
        }
        Outcome::from_findings(findings, evidence)
    }
}
