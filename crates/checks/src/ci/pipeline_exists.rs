use super::gate::{model, settings};
use super::model::CiModel;
use super::tools;
use crate::prelude::*;

pub struct PipelineExists;

static META: ControlMeta = ControlMeta {
    id: "CI001",
    slug: "pipeline_exists",
    title: "A CI pipeline builds and checks every change",
    area: Area::Testing,
    severity: Severity::High,
    remediation: "Add a pipeline that runs on every push and pull request (`.github/workflows/ci.yml`, \
                  `.gitlab-ci.yml`, `.circleci/config.yml`, `azure-pipelines.yml`, `Jenkinsfile`, \
                  `.buildkite/pipeline.yml`, `bitbucket-pipelines.yml`) with at least a build and test job.",
    references: &[
        "https://docs.github.com/en/actions/about-github-actions/about-continuous-integration-with-github-actions",
        "https://docs.gitlab.com/ee/ci/",
        "https://martinfowler.com/articles/continuousIntegration.html",
    ],
    concepts: &[
        "CI",
        "continuous integration",
        "CI pipeline",
        "build pipeline",
        "GitHub Actions",
        "GitLab CI",
        "Jenkins",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The repository has at least one pipeline of GitHub Actions, GitLab CI, CircleCI, Azure
Pipelines, Jenkins (`Jenkinsfile`), Buildkite, Bitbucket Pipelines or Travis CI with at least
one job, that is not documentation-only. A workflow is documentation-only when every push/pull
request trigger filters on documentation paths (`docs/**`, `*.md`), or when all it runs is a
documentation tool (mkdocs, sphinx, hugo, docusaurus, GitHub Pages deployment) and nothing that
builds, tests or scans code. Pipeline files inside test fixtures and examples are ignored.

## Why it matters in production

Every other automated gate (tests, linters, security scans) needs a pipeline to run in. Without
one, "it passed on my machine" is the only evidence a change works.

## Example

Bad: the only workflow publishes the documentation site.

```yaml
on:
  push:
    paths: ["docs/**"]
jobs:
  pages:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pip install mkdocs-material && mkdocs gh-deploy --force
```

Good: a workflow on `push` and `pull_request` that builds and tests the code.

## References

- GitHub: about continuous integration
- GitLab CI/CD
- Martin Fowler, Continuous Integration
"#,
};

const DOCS_TOOLS: [&str; 20] = [
    "mkdocs",
    "sphinx-build",
    "sphinx",
    "hugo",
    "jekyll",
    "docusaurus",
    "vitepress",
    "mdbook",
    "antora",
    "doxygen",
    "pdoc",
    "typedoc",
    "redoc-cli",
    "redocly",
    "markdownlint",
    "markdownlint-cli2",
    "vale",
    "lychee",
    "zola",
    "mike",
];
const DOCS_ACTIONS: [&str; 6] = [
    "actions/deploy-pages",
    "actions/upload-pages-artifact",
    "actions/configure-pages",
    "peaceiris/actions-gh-pages",
    "jamesives/github-pages-deploy-action",
    "actions/jekyll-build-pages",
];

/// Everything the file runs is documentation tooling.
fn docs_by_content(ws: &Workspace, m: &CiModel, file: usize) -> bool {
    let s = settings(ws);
    let cmds: Vec<_> = m
        .cmds
        .iter()
        .filter(|c| c.file == file && !c.invocation)
        .collect();
    let code = cmds.iter().any(|c| {
        tools::test_runner(c).is_some()
            || tools::linter(c, &s).is_some()
            || tools::type_checker(c).is_some()
            || tools::dependency_audit(c).is_some()
            || tools::sast(c).is_some()
            || tools::image_scan(c).is_some()
            || tools::dynamic_security(c).is_some()
            || (c.prog() == "docker" && matches!(c.sub(), Some("build" | "buildx")))
    });
    let docs = cmds.iter().any(|c| DOCS_TOOLS.contains(&c.prog()))
        || m.uses.iter().any(|u| {
            u.file == file
                && DOCS_ACTIONS
                    .iter()
                    .any(|a| u.reference.to_ascii_lowercase().starts_with(a))
        });
    docs && !code
}

impl Check for PipelineExists {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let m = model(ws);
        if m.files.is_empty() {
            return Outcome::Fail {
                findings: vec![finding_file(
                    ".",
                    "no CI pipeline: no GitHub Actions workflow, .gitlab-ci.yml, CircleCI, Azure Pipelines, \
                     Buildkite, Bitbucket, Travis or Jenkinsfile",
                )],
            };
        }
        let mut evidence = Vec::new();
        let mut docs_only = Vec::new();
        let mut empty = Vec::new();
        for (i, f) in m.files.iter().enumerate() {
            if f.error.is_some() {
                continue;
            }
            if f.docs_only {
                docs_only.push(finding_file(
                    &f.path,
                    "runs only for documentation changes (every trigger filters on docs paths)",
                ));
            } else if docs_by_content(ws, &m, i) {
                docs_only.push(finding_file(&f.path, "only builds or publishes documentation; nothing builds, tests or scans the code"));
            } else if f.jobs == 0 {
                empty.push(finding_file(&f.path, "defines no job"));
            } else {
                evidence.push(finding_file(
                    &f.path,
                    format!("{} pipeline with {} job(s)", f.system.name(), f.jobs),
                ));
            }
        }
        if !evidence.is_empty() {
            return Outcome::pass_with(evidence);
        }
        let unparsed = m.unparsed();
        if !unparsed.is_empty() {
            return Outcome::unknown(format!(
                "no readable pipeline file runs code checks, and these do not parse: {}",
                unparsed.join("; ")
            ));
        }
        docs_only.extend(empty);
        Outcome::Fail {
            findings: docs_only,
        }
    }
}
