//! `vouch secrets [PATH]`: the secret scanner on its own. The working tree as git would commit
//! it by default, every file with `--all-files`, or every blob in the history with `--history`.
//! Findings are grouped by secret (one finding, several locations) and always redacted; a
//! baseline (an earlier JSON output) accepts known findings.

use super::Format;
use anyhow::{Context, Result};
use clap::Args;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use vouch_workspace::secrets::{Ruleset, history, ruleset, tree};

#[derive(Args)]
pub struct SecretsArgs {
    /// Directory (or repository, with --history) to scan.
    #[arg(default_value = ".")]
    path: PathBuf,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Scan every file, including files git ignores.
    #[arg(long, conflicts_with = "history")]
    all_files: bool,
    /// Scan every blob reachable from any ref, once each; attribute findings to the commit that
    /// introduced them.
    #[arg(long)]
    history: bool,
    /// Accept the findings of an earlier `vouch secrets --format json` output (by fingerprint).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    jobs: usize,
}

/// One place a secret was seen.
struct Place {
    path: String,
    line: u32,
    column: u32,
    context: String,
    commit: Option<String>,
    at_head: Option<bool>,
}

struct Grouped {
    rule: &'static str,
    redacted: String,
    fingerprint: String,
    places: Vec<Place>,
}

pub fn run(args: SecretsArgs) -> Result<ExitCode> {
    if !args.path.exists() {
        anyhow::bail!("{}: no such file or directory", args.path.display());
    }
    let set = ruleset();
    let baseline = match &args.baseline {
        Some(path) => read_baseline(path)?,
        None => HashSet::new(),
    };
    let started = std::time::Instant::now();
    let (groups, summary) = if args.history {
        scan_history(&args.path, set)?
    } else {
        scan_tree(&args.path, set, args.all_files, args.jobs)
    };
    let elapsed = started.elapsed();
    let fresh = groups
        .iter()
        .filter(|g| !baseline.contains(&g.fingerprint))
        .count();
    let text = match args.format {
        Format::Json => {
            let doc = to_json(&args, set, &groups, &baseline, summary, elapsed.as_millis());
            format!("{}\n", serde_json::to_string_pretty(&doc)?)
        }
        Format::Table => table(set, &groups, &baseline, &summary),
    };
    crate::output::emit(&text)?;
    Ok(if fresh > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn read_baseline(path: &Path) -> Result<HashSet<String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the baseline", path.display()))?;
    let doc: Value = serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: not a `vouch secrets --format json` output",
            path.display()
        )
    })?;
    let findings = doc
        .get("findings")
        .and_then(Value::as_array)
        .with_context(|| format!("{}: no `findings` array", path.display()))?;
    Ok(findings
        .iter()
        .filter_map(|f| {
            f.get("fingerprint")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect())
}

fn context(tracked: Option<&HashSet<String>>, path: &str) -> String {
    vouch_workspace::place_label(tracked.map(|t| t.contains(path)), path).to_string()
}

struct Summary {
    mode: &'static str,
    files: usize,
    bytes: u64,
    commits: Option<usize>,
    skipped: Vec<(String, String)>,
}

fn scan_tree(
    root: &Path,
    set: &'static Ruleset,
    all_files: bool,
    jobs: usize,
) -> (Vec<Grouped>, Summary) {
    let scan = tree::scan_tree(root, set, all_files, jobs);
    let git = vouch_workspace::git::discover(root);
    let tracked = git.as_ref().map(|g| &g.tracked);
    let mut groups: BTreeMap<String, Grouped> = BTreeMap::new();
    for (path, hits) in &scan.files {
        for hit in hits {
            groups
                .entry(hit.fingerprint.clone())
                .or_insert_with(|| Grouped {
                    rule: hit.rule,
                    redacted: hit.redacted.clone(),
                    fingerprint: hit.fingerprint.clone(),
                    places: Vec::new(),
                })
                .places
                .push(Place {
                    path: path.clone(),
                    line: hit.line,
                    column: hit.column,
                    context: context(tracked, path),
                    commit: None,
                    at_head: None,
                });
        }
    }
    let summary = Summary {
        mode: if all_files {
            "all-files"
        } else {
            "working-tree"
        },
        files: scan.scanned_files,
        bytes: scan.bytes,
        commits: None,
        skipped: scan.skipped,
    };
    (sorted(groups), summary)
}

fn scan_history(root: &Path, set: &'static Ruleset) -> Result<(Vec<Grouped>, Summary)> {
    let scan = history::scan_history(root, set).map_err(|e| anyhow::anyhow!(e))?;
    let mut groups: BTreeMap<String, Grouped> = BTreeMap::new();
    for h in &scan.hits {
        groups
            .entry(h.hit.fingerprint.clone())
            .or_insert_with(|| Grouped {
                rule: h.hit.rule,
                redacted: h.hit.redacted.clone(),
                fingerprint: h.hit.fingerprint.clone(),
                places: Vec::new(),
            })
            .places
            .push(Place {
                path: h.path.clone(),
                line: h.hit.line,
                column: h.hit.column,
                context: context(None, &h.path),
                commit: Some(h.commit.clone()),
                at_head: Some(h.at_head),
            });
    }
    let summary = Summary {
        mode: "history",
        files: scan.blobs,
        bytes: scan.bytes,
        commits: Some(scan.commits),
        skipped: scan.skipped,
    };
    Ok((sorted(groups), summary))
}

fn sorted(groups: BTreeMap<String, Grouped>) -> Vec<Grouped> {
    let mut out: Vec<Grouped> = groups.into_values().collect();
    out.sort_by(|a, b| {
        (&a.places[0].path, a.places[0].line).cmp(&(&b.places[0].path, b.places[0].line))
    });
    out
}

fn to_json(
    args: &SecretsArgs,
    set: &Ruleset,
    groups: &[Grouped],
    baseline: &HashSet<String>,
    summary: Summary,
    millis: u128,
) -> Value {
    let findings: Vec<Value> = groups
        .iter()
        .map(|g| {
            let rule = set.rule(g.rule);
            let locations: Vec<Value> = g
                .places
                .iter()
                .map(|p| {
                    let mut loc = json!({
                        "path": p.path, "line": p.line, "column": p.column, "context": p.context,
                    });
                    if let Some(c) = &p.commit {
                        loc["commit"] = json!(c);
                    }
                    if let Some(h) = p.at_head {
                        loc["at_head"] = json!(h);
                    }
                    loc
                })
                .collect();
            json!({
                "rule": g.rule,
                "title": rule.map(|r| r.title),
                "severity": rule.map(|r| r.severity),
                "secret": g.redacted,
                "fingerprint": g.fingerprint,
                "baselined": baseline.contains(&g.fingerprint),
                "locations": locations,
            })
        })
        .collect();
    json!({
        "schema": "vouch.secrets/v1",
        "target": args.path.display().to_string(),
        "mode": summary.mode,
        "scanned": {
            "files": summary.files, "bytes": summary.bytes, "commits": summary.commits,
            "rules": set.rules.len(), "duration_ms": millis as u64,
        },
        "findings": findings,
        "skipped": summary.skipped.iter().map(|(p, why)| json!({"path": p, "reason": why})).collect::<Vec<_>>(),
    })
}

fn table(
    set: &Ruleset,
    groups: &[Grouped],
    baseline: &HashSet<String>,
    summary: &Summary,
) -> String {
    let mut out = String::new();
    for g in groups {
        let title = set.rule(g.rule).map_or(g.rule, |r| r.title);
        let mark = if baseline.contains(&g.fingerprint) {
            " (baseline)"
        } else {
            ""
        };
        out.push_str(&format!("{title} `{}` [{}]{mark}\n", g.redacted, g.rule));
        for p in &g.places {
            let commit = p
                .commit
                .as_ref()
                .map(|c| {
                    let head = if p.at_head == Some(true) {
                        ", still at HEAD"
                    } else {
                        ", gone from HEAD"
                    };
                    format!(" (introduced in {}{head})", &c[..c.len().min(10)])
                })
                .unwrap_or_default();
            out.push_str(&format!(
                "    {}:{}:{}  {}{commit}\n",
                p.path, p.line, p.column, p.context
            ));
        }
    }
    let fresh = groups
        .iter()
        .filter(|g| !baseline.contains(&g.fingerprint))
        .count();
    let what = match summary.commits {
        Some(c) => format!("{} blobs of {c} commits", summary.files),
        None => format!("{} files", summary.files),
    };
    out.push_str(&format!(
        "\n{} secrets ({} new) in {what}, {:.1} MB, {} rules; {} skipped\n",
        groups.len(),
        fresh,
        summary.bytes as f64 / 1e6,
        set.rules.len(),
        summary.skipped.len()
    ));
    for (path, why) in &summary.skipped {
        out.push_str(&format!("    skipped {path}: {why}\n"));
    }
    out
}
