use super::gate::model;
use crate::prelude::*;
use vouch_workspace::{CiSystem, Node, YamlRole};

pub struct PipelineParses;

static META: ControlMeta = ControlMeta {
    id: "CI002",
    slug: "pipeline_parses",
    title: "Every CI pipeline file is valid",
    area: Area::Testing,
    severity: Severity::High,
    remediation: "Fix the reported syntax error or resolve the merge conflict in the pipeline file; validate \
                  workflows locally (`actionlint`, GitLab's CI Lint, `circleci config validate`) before pushing.",
    references: &[
        "https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions",
        "https://docs.gitlab.com/ee/ci/yaml/lint.html",
        "https://github.com/rhysd/actionlint",
    ],
    concepts: &[
        "valid pipeline",
        "CI configuration valid",
        "workflow syntax",
        "pipeline lint",
        "merge conflict",
        "workflow yaml",
        "valid workflow",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every pipeline file (GitHub workflows, `.gitlab-ci.yml` and its local includes, CircleCI,
Azure Pipelines and their local templates, Buildkite, Bitbucket, Travis, Jenkinsfiles) parses,
and holds no merge-conflict markers. GitHub workflows are also checked for the structure GitHub
rejects as "Invalid workflow file": a top-level `on:` and a non-empty `jobs:` mapping, each job
with `runs-on:` (or `uses:` for a reusable workflow), each step with `run:` or `uses:`.
Reusable composite-action files are not workflows and are not held to that structure.

## Why it matters in production

A pipeline file that does not parse does not run: on GitHub the workflow silently disappears
from the checks list, so pull requests merge with no tests at all. Conflict markers left after
a merge are the most common cause.

## Example

Bad:

```yaml
jobs:
  test:
<<<<<<< HEAD
    runs-on: ubuntu-latest
=======
    runs-on: ubuntu-24.04
>>>>>>> upgrade-runner
```

Good: the conflict resolved, one `runs-on:`.

## References

- GitHub workflow syntax
- GitLab CI Lint
- actionlint
"#,
};

impl Check for PipelineParses {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let m = model(ws);
        if m.files.is_empty() {
            return Outcome::not_applicable("no CI pipeline file");
        }
        let mut findings = Vec::new();
        let mut evidence = Vec::new();
        for f in &m.files {
            let conflicts: Vec<_> = ws
                .facts
                .conflict_markers
                .iter()
                .filter(|h| h.path == f.path)
                .collect();
            for hit in &conflicts {
                findings.push(finding_at(
                    &f.text,
                    hit.line,
                    hit.column,
                    "merge-conflict marker: the pipeline file is broken",
                ));
            }
            if let Some((line, column, message)) = &f.error {
                if conflicts.is_empty() {
                    findings.push(finding_at(
                        &f.text,
                        *line,
                        *column,
                        format!("{} file does not parse: {message}", f.system.name()),
                    ));
                }
                continue;
            }
            if f.system == CiSystem::GithubActions
                && let Some(y) = ws
                    .yaml
                    .iter()
                    .find(|y| y.path == f.path && y.role == YamlRole::Ci(CiSystem::GithubActions))
            {
                let before = findings.len();
                for doc in y.docs() {
                    workflow_structure(&f.text, &doc.root, &mut findings);
                }
                if findings.len() > before {
                    continue;
                }
            }
            if conflicts.is_empty() {
                evidence.push(finding_file(
                    &f.path,
                    format!("{} file is valid", f.system.name()),
                ));
            }
        }
        Outcome::from_findings(findings, evidence)
    }
}

/// The structure GitHub requires of a workflow.
fn workflow_structure(src: &vouch_workspace::SourceText, root: &Node, findings: &mut Vec<Finding>) {
    if root.as_map().is_none() {
        findings.push(finding_at(
            src,
            root.line,
            root.column,
            "a workflow must be a mapping with `on:` and `jobs:`",
        ));
        return;
    }
    if root.get("on").is_none() {
        findings.push(finding_at(
            src,
            1,
            1,
            "workflow has no `on:` trigger, so GitHub rejects it",
        ));
    }
    let Some(jobs) = root.get("jobs") else {
        findings.push(finding_at(
            src,
            1,
            1,
            "workflow has no `jobs:`, so GitHub rejects it",
        ));
        return;
    };
    if jobs.entries().next().is_none() {
        findings.push(finding_node(
            src,
            jobs,
            "`jobs:` is empty, so GitHub rejects the workflow",
        ));
        return;
    }
    for (key, job) in jobs.as_map().unwrap_or(&[]) {
        let name = key.as_str().unwrap_or("?");
        if job.as_map().is_none() {
            findings.push(finding_node(
                src,
                key,
                format!("job `{name}` is not a mapping"),
            ));
            continue;
        }
        if job.get("uses").is_some() {
            continue;
        }
        if job.get("runs-on").is_none() {
            findings.push(finding_node(
                src,
                key,
                format!("job `{name}` has no `runs-on:`"),
            ));
        }
        match job.get("steps") {
            None => findings.push(finding_node(
                src,
                key,
                format!("job `{name}` has no `steps:`"),
            )),
            Some(steps) => {
                for step in steps.items() {
                    if step.get("run").is_none() && step.get("uses").is_none() {
                        findings.push(finding_node(
                            src,
                            step,
                            format!("a step of job `{name}` has neither `run:` nor `uses:`"),
                        ));
                    }
                }
            }
        }
    }
}
