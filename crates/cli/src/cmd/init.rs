//! `vouch init`: detects the stack (languages, CI system, containers, compose, Kubernetes),
//! writes a commented `vouch.toml` (never over an existing one without `--force`) and offers
//! the CI snippet for the detected CI system. Flags answer everything for scripts; questions
//! are asked only when stdin is a terminal.

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use vouch_workspace::{CiSystem, FileKind, Workspace, YamlRole};

/// The GitLab job, shared with integrations/gitlab so there is one source.
const GITLAB_TEMPLATE: &str = include_str!("../../../../integrations/gitlab/vouch.gitlab-ci.yml");

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CiChoice {
    Github,
    Gitlab,
    None,
}

#[derive(Args)]
pub struct InitArgs {
    /// Repository to set up.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Replace an existing vouch.toml (and CI file, with --write-ci).
    #[arg(long)]
    force: bool,
    /// CI system for the snippet (default: the detected one).
    #[arg(long, value_enum)]
    ci: Option<CiChoice>,
    /// Also write the CI snippet to its file (.github/workflows/vouch.yml or
    /// ci/vouch.gitlab-ci.yml).
    #[arg(long)]
    write_ci: bool,
    /// Never ask; take the defaults and the flags.
    #[arg(long, short = 'y')]
    yes: bool,
    /// The GitHub action reference used in the workflow snippet.
    #[arg(
        long,
        value_name = "OWNER/REPO@REF",
        default_value = "vouch-dev/vouch@main"
    )]
    action: String,
}

/// What was found in the repository.
#[derive(Debug, Default)]
pub struct Stack {
    pub languages: Vec<String>,
    pub ci: Vec<&'static str>,
    pub dockerfiles: usize,
    pub compose_files: usize,
    pub kubernetes_objects: usize,
    pub helm_charts: usize,
    pub vendored: Vec<String>,
}

fn ci_name(system: CiSystem) -> &'static str {
    match system {
        CiSystem::GithubActions => "github",
        CiSystem::GitlabCi => "gitlab",
        CiSystem::CircleCi => "circleci",
        CiSystem::AzurePipelines => "azure",
        CiSystem::Jenkins => "jenkins",
        CiSystem::Buildkite => "buildkite",
        CiSystem::Bitbucket => "bitbucket",
        CiSystem::Travis => "travis",
    }
}

pub fn detect(ws: &Workspace) -> Stack {
    let mut ci: Vec<&'static str> = ws
        .yaml
        .iter()
        .filter_map(|y| match y.role {
            YamlRole::Ci(system) => Some(ci_name(system)),
            _ => None,
        })
        .collect();
    if ws.files.iter().any(|f| f.kind == FileKind::Jenkinsfile) {
        ci.push("jenkins");
    }
    ci.sort_unstable();
    ci.dedup();
    let vendored = ["vendor", "third_party", "node_modules"]
        .into_iter()
        .filter(|d| ws.root.join(d).is_dir())
        .map(String::from)
        .collect();
    Stack {
        languages: ws
            .languages()
            .keys()
            .map(|l| l.name().to_string())
            .collect(),
        ci,
        dockerfiles: ws.dockerfiles.len(),
        compose_files: ws.yaml_with_role(YamlRole::Compose).count(),
        kubernetes_objects: ws.k8s_docs().count(),
        helm_charts: ws.yaml_with_role(YamlRole::HelmChart).count(),
        vendored,
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// The commented vouch.toml for `stack`. Every line that is not a comment is valid config.
pub fn config_text(stack: &Stack) -> String {
    let ci: Vec<String> = stack.ci.iter().map(|s| s.to_string()).collect();
    let mut out = format!(
        "# vouch configuration (docs/configuration.md). Written by `vouch init` for:\n\
         #   languages: {}\n#   CI: {}\n#   Dockerfiles: {}, compose files: {}, Kubernetes objects: {}, Helm charts: {}\n\
         # Every key is optional; controls for a stack you do not have report `not applicable`.\n\n",
        list(&stack.languages),
        list(&ci),
        stack.dockerfiles,
        stack.compose_files,
        stack.kubernetes_objects,
        stack.helm_charts,
    );
    out.push_str(
        "# Run only these controls: IDs (DKR001), prefixes (DKR, CMP) or areas (security).\n\
         # select = [\"security\", \"DKR\"]\n\n\
         # Never run these (same forms).\n# ignore = [\"DOC003\"]\n\n",
    );
    if stack.vendored.is_empty() {
        out.push_str("# Paths not audited at all (glob syntax).\n# exclude = [\"vendor\", \"**/*.min.js\"]\n\n");
    } else {
        let quoted: Vec<String> = stack.vendored.iter().map(|d| format!("\"{d}\"")).collect();
        out.push_str(&format!(
            "# Paths not audited at all (glob syntax): third-party code found here.\nexclude = [{}]\n\n",
            quoted.join(", ")
        ));
    }
    out.push_str(
        "# Per-control severity overrides: they change the score weight and the --fail-on gate.\n\
         # [severity]\n# DKR004 = \"low\"\n\n\
         # Accepted findings: a reason is required; after `expires` the suppression stops applying.\n\
         # [[suppress]]\n# id = \"CMP005\"\n# path = \"deploy/dev/*.yml\"\n\
         # reason = \"local development stack, never deployed\"\n# owner = \"platform-team\"\n# expires = 2027-03-31\n",
    );
    out
}

fn github_workflow(action: &str) -> String {
    format!(
        "# vouch production-readiness review: results in code scanning and the job summary.\n\
         name: vouch\non:\n  push:\n    branches: [main]\n  pull_request:\n\
         permissions:\n  contents: read\njobs:\n  vouch:\n    runs-on: ubuntu-latest\n\
         \x20   permissions:\n      contents: read\n      security-events: write\n    steps:\n\
         \x20     # Pin the vouch action to a full commit SHA, like checkout.\n\
         \x20     - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1\n      - uses: {action}\n        with:\n          fail-on: high\n"
    )
}

/// The snippet and the file it belongs in, for the chosen CI system.
fn ci_snippet(choice: CiChoice, action: &str) -> Option<(&'static str, String)> {
    match choice {
        CiChoice::Github => Some((".github/workflows/vouch.yml", github_workflow(action))),
        CiChoice::Gitlab => Some(("ci/vouch.gitlab-ci.yml", GITLAB_TEMPLATE.to_string())),
        CiChoice::None => None,
    }
}

fn ask(question: &str, default_yes: bool) -> Result<bool> {
    let hint = if default_yes { "[Y/n]" } else { "[y/N]" };
    eprint!("{question} {hint} ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let answer = line.trim().to_ascii_lowercase();
    Ok(match answer.as_str() {
        "" => default_yes,
        "y" | "yes" => true,
        _ => false,
    })
}

fn write_new(path: &Path, text: &str, force: bool) -> Result<()> {
    if path.exists() && !force {
        bail!(
            "{} already exists; use --force to replace it",
            path.display()
        );
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    crate::output::write_file(path, text)
}

pub fn run(args: InitArgs) -> Result<ExitCode> {
    let interactive = !args.yes && std::io::stdin().is_terminal();
    let ws = vouch_workspace::load(&args.path, &vouch_workspace::LoadOptions::default())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let stack = detect(&ws);
    eprintln!(
        "detected: languages {}; CI {}; {} Dockerfile(s), {} compose file(s), {} Kubernetes object(s), {} Helm chart(s)",
        list(&stack.languages),
        list(&stack.ci.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
        stack.dockerfiles,
        stack.compose_files,
        stack.kubernetes_objects,
        stack.helm_charts
    );

    let config_path = args.path.join("vouch.toml");
    if config_path.exists() && !args.force {
        bail!(
            "{} already exists; use --force to replace it",
            config_path.display()
        );
    }
    if interactive && !ask(&format!("Write {}?", config_path.display()), true)? {
        eprintln!("nothing written");
        return Ok(ExitCode::SUCCESS);
    }
    write_new(&config_path, &config_text(&stack), args.force)?;
    eprintln!("wrote {}", config_path.display());

    let choice = args.ci.unwrap_or(if stack.ci.contains(&"github") {
        CiChoice::Github
    } else if stack.ci.contains(&"gitlab") {
        CiChoice::Gitlab
    } else {
        CiChoice::None
    });
    match ci_snippet(choice, &args.action) {
        Some((file, snippet)) => {
            let write = args.write_ci
                || (interactive && ask(&format!("Write the CI snippet to {file}?"), false)?);
            if write {
                let path = args.path.join(file);
                write_new(&path, &snippet, args.force)?;
                eprintln!("wrote {}", path.display());
            } else {
                crate::output::emit(&format!("# {file}\n{snippet}"))?;
            }
        }
        None => eprintln!(
            "no GitHub Actions or GitLab CI found: run `vouch audit --fail-on high` in your pipeline \
             (--ci github|gitlab prints a ready snippet)"
        ),
    }
    eprintln!(
        "next: `vouch audit` for the review, `vouch doctor` to check the environment, \
         `vouch checklist init` for a readiness checklist"
    );
    Ok(ExitCode::SUCCESS)
}
