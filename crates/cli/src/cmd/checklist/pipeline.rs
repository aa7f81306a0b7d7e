//! The verification pipeline shared by `checklist verify` and `signoff`: read the document,
//! plan each item (explicit comment, vouch.toml, mapper), audit the repository for exactly the
//! controls the plans need, with `--url` run the probes and the load run they need, give
//! verdicts, check recorded sign-offs.

use super::live::{LiveOptions, measure, probe_results};
use crate::progress::Progress;
use anyhow::{Context, Result, anyhow};
use std::path::{Path, PathBuf};
use std::time::Instant;
use vouch_checklist::document::Document;
use vouch_checklist::mapping::{Mapper, Mapping};
use vouch_checklist::signoff::{check_signoffs, load_entries, signoffs_path};
use vouch_checklist::verify::measure::{Measured, is_live_control};
use vouch_checklist::verify::plan::{MapperProposal, Measurements, plan_item};
use vouch_checklist::verify::report::TargetInfo;
use vouch_checklist::verify::{
    CHECKLIST_SCHEMA, ChecklistReport, ItemPlan, PlannedControl, Summary, verify_items,
};
use vouch_core::{Config, Tool};

pub struct Request<'a> {
    pub file: &'a Path,
    pub repo: Option<&'a Path>,
    pub url: Option<&'a str>,
    pub config: Option<&'a Path>,
    /// Results of an audit of `repo` that just ran (`vouch audit --checklist`): used instead of
    /// reading the repository again. They must cover every control the plans need; a control
    /// missing from them (deselected in that audit) leaves its items unknown.
    pub results: Option<(&'a [vouch_core::ControlResult], Option<String>)>,
}

pub struct Verified {
    pub document: Document,
    pub report: ChecklistReport,
    pub repo_root: PathBuf,
    /// The checklist's path relative to the repository root, `/`-separated.
    pub checklist_rel: String,
    pub commit: Option<String>,
}

/// Verifies against the repository only (no live checks, whatever `request.url` says).
pub fn verify(request: &Request) -> Result<Verified> {
    verify_with(request, None)
}

/// Verifies; with `request.url` and `live`, the live controls run against the service too.
pub fn verify_with(request: &Request, live: Option<&LiveOptions>) -> Result<Verified> {
    let started = Instant::now();
    let bytes = std::fs::read(request.file)
        .map_err(|e| anyhow!("{}: {}", request.file.display(), io_message(&e)))?;
    let document = Document::parse(&bytes)
        .map_err(|e| anyhow!("{}: cannot read the checklist: {e}", request.file.display()))?;

    let repo_root = match request.repo {
        Some(repo) => {
            if !repo.is_dir() {
                return Err(anyhow!("{}: not a directory", repo.display()));
            }
            repo.to_path_buf()
        }
        None => default_repo(request.file),
    };
    let config = load_config(&repo_root, request.config)?;

    let mapper = Mapper::standard();
    let live = request.url.zip(live);
    let measurements = match live {
        Some(_) => Measurements::Live,
        None => Measurements::None,
    };
    let items = document.items();
    let plans: Vec<ItemPlan> = items
        .iter()
        .map(|item| {
            let proposal = proposal(mapper.map(&item.text, &item.section));
            plan_item(item, &config.checklist_map, proposal, measurements)
        })
        .collect();

    // Only the controls some item needs are run.
    let needed: std::collections::BTreeSet<&str> = plans
        .iter()
        .flat_map(|p| p.controls.iter().map(|c| c.id.as_str()))
        .collect();
    let (mut results, commit) = match &request.results {
        Some((done, commit)) => (done.to_vec(), commit.clone()),
        None => run_needed(&repo_root, &config, &needed)?,
    };
    let mut measured = Measured::unavailable("no --url given");
    let mut load = None;
    if let Some((url, options)) = live {
        // The load run goes first: the rate-limit probe's burst would skew its error rate.
        let targets: Vec<_> = plans
            .iter()
            .flat_map(|p| p.measure.iter().cloned())
            .collect();
        if !targets.is_empty() {
            let (values, run) = measure(url, options, &targets);
            measured = values;
            load = Some(run);
        }
        let live_ids: std::collections::BTreeSet<String> = needed
            .iter()
            .filter(|id| is_live_control(id))
            .map(|id| id.to_string())
            .collect();
        results.extend(probe_results(url, options, &repo_root, &config, &live_ids)?);
    }

    let mut item_reports = verify_items(items, &plans, &results, &measured);
    let checklist_rel = relative_to(request.file, &repo_root);
    let entries = load_entries(&signoffs_path(&repo_root))?;
    let signoffs = check_signoffs(&entries, &checklist_rel, &mut item_reports);
    let report = ChecklistReport {
        schema: CHECKLIST_SCHEMA.to_string(),
        tool: Tool {
            name: "vouch".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        checklist: request.file.display().to_string(),
        target: TargetInfo {
            path: repo_root.display().to_string(),
            commit: commit.clone(),
            url: request.url.map(str::to_string),
        },
        summary: Summary::tally(&item_reports, &signoffs),
        items: item_reports,
        signoffs,
        load,
        duration_ms: started.elapsed().as_millis() as u64,
    };
    Ok(Verified {
        document,
        report,
        repo_root,
        checklist_rel,
        commit,
    })
}

fn proposal(mapping: Mapping) -> MapperProposal {
    MapperProposal {
        controls: mapping
            .controls
            .into_iter()
            .map(|c| PlannedControl {
                id: c.id.to_string(),
                matched: c.matched.iter().map(|m| m.to_string()).collect(),
                parts: c.parts,
            })
            .collect(),
        confidence: f64::from(mapping.confidence),
        scope: mapping.scope,
        manual_reason: mapping.manual_reason,
    }
}

/// The git work tree containing the checklist, else the checklist's directory.
fn default_repo(file: &Path) -> PathBuf {
    let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let dir = absolute
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
        .unwrap_or(dir)
}

/// `file` relative to `root` with `/` separators; the file name when it is outside.
fn relative_to(file: &Path, root: &Path) -> String {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (file, root) = (canonical(file), canonical(root));
    let rel = file
        .strip_prefix(&root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| file.file_name().map(PathBuf::from).unwrap_or_default());
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn load_config(root: &Path, explicit: Option<&Path>) -> Result<Config> {
    match explicit {
        Some(path) => Config::load(path).context("invalid configuration"),
        None => {
            let default = root.join("vouch.toml");
            if default.is_file() {
                Config::load(&default).context("invalid configuration")
            } else {
                Ok(Config::default())
            }
        }
    }
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        _ => e.to_string(),
    }
}

/// Audits `root` for exactly the `needed` controls: results and the commit audited.
fn run_needed(
    repo_root: &Path,
    config: &Config,
    needed: &std::collections::BTreeSet<&str>,
) -> Result<(Vec<vouch_core::ControlResult>, Option<String>)> {
    let checks: Vec<_> = vouch_checks::all_checks()
        .into_iter()
        .filter(|c| needed.contains(c.meta().id))
        .collect();
    let progress = Progress::new(true);
    progress.stage("reading files", None);
    let on_file = || progress.tick();
    // Source is parsed only when an item needs a CODE control.
    let code_ids: std::collections::HashSet<&str> = vouch_checks::code::checks()
        .iter()
        .map(|c| c.meta().id)
        .collect();
    let options = vouch_workspace::LoadOptions {
        excludes: &config.exclude,
        jobs: 0,
        on_file: Some(&on_file),
        skip_code: !checks.iter().any(|c| code_ids.contains(c.meta().id)),
    };
    let ws = vouch_workspace::load(repo_root, &options).map_err(|e| anyhow!("{e}"))?;
    progress.stage("checking", Some(checks.len() as u64));
    let on_check = |_: &str, _: std::time::Duration| progress.tick();
    let engine = vouch_checks::EngineOptions {
        config,
        today: time::OffsetDateTime::now_utc().date(),
        on_check_done: Some(&on_check),
    };
    let output = vouch_checks::run(&ws, &checks, &engine);
    progress.finish();
    let commit = ws.git.as_ref().and_then(|g| g.commit.clone());
    Ok((output.results, commit))
}
