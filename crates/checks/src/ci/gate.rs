//! Shared evaluation of "CI runs a <kind of tool> for every language stack": tests, lint,
//! type checks, format checks, coverage gates, dependency audits, SAST.
//!
//! Pass: every applicable stack has a matching command (evidence: where it runs). Fail: a stack
//! has none (finding at its manifest). Unknown instead of Fail when part of the pipeline cannot
//! be read (a file that does not parse, a remote include, a missing Makefile target).

use super::model::stacks::{Stack, StackInfo, detect};
use super::model::{CiModel, Cmd};
use super::settings::Settings;
use super::tools::Hit;
use crate::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// The detected stacks, cached per audit.
pub struct Stacks(pub Vec<StackInfo>);

pub fn model(ws: &Workspace) -> Arc<CiModel> {
    ws.cached(CiModel::build)
}

pub fn stacks(ws: &Workspace) -> Arc<Stacks> {
    ws.cached(|ws| Stacks(detect(ws)))
}

pub fn settings(ws: &Workspace) -> Arc<Settings> {
    ws.cached(Settings::build)
}

/// A finding at a command, quoting its line.
pub fn at_cmd(c: &Cmd, message: impl Into<String>) -> Finding {
    Finding::new(Location::at(&c.path, c.line, c.column), message).with_snippet(c.line_text.clone())
}

/// Why part of the pipeline is unreadable, or None when all of it was read.
pub fn blind_spots(m: &CiModel) -> Option<String> {
    let mut parts: Vec<String> = m
        .unparsed()
        .into_iter()
        .map(|u| format!("{u} (does not parse)"))
        .collect();
    parts.extend(
        m.opaque
            .iter()
            .map(|o| format!("{}:{}: {}", o.path, o.line, o.what)),
    );
    if parts.is_empty() {
        return None;
    }
    let more = parts.len().saturating_sub(3);
    parts.truncate(3);
    let mut s = parts.join("; ");
    if more > 0 {
        s.push_str(&format!("; and {more} more"));
    }
    Some(s)
}

/// Commands of each script block, in order (for matchers that look at neighbours).
pub fn blocks(m: &CiModel) -> HashMap<usize, Vec<&Cmd>> {
    let mut out: HashMap<usize, Vec<&Cmd>> = HashMap::new();
    for c in m.gate_cmds() {
        out.entry(c.block).or_default().push(c);
    }
    out
}

pub type Matcher<'a> = &'a dyn Fn(&Cmd, &[&Cmd]) -> Option<(Hit, Option<String>)>;

pub struct Gate<'a> {
    /// Which stacks need the tool (others are not evaluated).
    pub applies: &'a dyn Fn(&StackInfo) -> bool,
    /// Reason when source code exists but no stack needs the tool.
    pub not_applicable: &'a str,
    pub matcher: Matcher<'a>,
    /// Finding message for a stack without the tool.
    pub missing: &'a dyn Fn(&StackInfo) -> String,
    /// Finding when there is no pipeline at all.
    pub no_ci: &'a str,
    /// Short name of the checked thing for Unknown reasons ("tests", "a linter").
    pub what: &'a str,
}

pub fn evaluate(ws: &Workspace, gate: &Gate<'_>) -> Outcome {
    let all = stacks(ws);
    if all.0.is_empty() {
        return Outcome::not_applicable("no source code of a supported language");
    }
    let relevant: Vec<&StackInfo> = all.0.iter().filter(|s| (gate.applies)(s)).collect();
    if relevant.is_empty() {
        return Outcome::not_applicable(gate.not_applicable);
    }
    let m = model(ws);
    if m.files.is_empty() {
        return Outcome::Fail {
            findings: vec![finding_file(".", gate.no_ci)],
        };
    }
    let blocks = blocks(&m);
    let mut covered: BTreeMap<Stack, Vec<Finding>> = BTreeMap::new();
    for c in m.gate_cmds() {
        let block = blocks.get(&c.block).map(Vec::as_slice).unwrap_or(&[]);
        let Some((hit, config)) = (gate.matcher)(c, block) else {
            continue;
        };
        for s in &relevant {
            if !hit.stacks.is_empty() && !hit.stacks.contains(&s.stack) {
                continue;
            }
            let mut msg = format!("{}: {} — {}", s.stack.name(), hit.tool, c.describe());
            if let Some(cfg) = &config {
                msg.push_str(&format!(", configured at {cfg}"));
            }
            let list = covered.entry(s.stack).or_default();
            let loc = Location::at(&c.path, c.line, c.column);
            if list.len() < 3 && !list.iter().any(|f| f.location == loc) {
                list.push(at_cmd(c, msg));
            }
        }
    }
    let missing: Vec<&&StackInfo> = relevant
        .iter()
        .filter(|s| !covered.contains_key(&s.stack))
        .collect();
    if missing.is_empty() {
        return Outcome::pass_with(covered.into_values().flatten().collect());
    }
    if let Some(blind) = blind_spots(&m) {
        let names: Vec<&str> = missing.iter().map(|s| s.stack.name()).collect();
        return Outcome::unknown(format!(
            "no {} found for {} in the readable part of the pipeline; vouch cannot read {blind}",
            gate.what,
            names.join(", ")
        ));
    }
    Outcome::Fail {
        findings: missing
            .iter()
            .map(|s| finding_file(&s.evidence, (gate.missing)(s)))
            .collect(),
    }
}

/// Something in the repository that shows a deployable service (not a library), described for
/// a message ("Dockerfile `services/api/Dockerfile`"): a Dockerfile, a compose file, Kubernetes
/// manifests, a Procfile or platform manifest, an OpenAPI document. Files that do not parse or
/// hold a merge-conflict block are named only when nothing else shows a service.
pub fn deployable(ws: &Workspace) -> Option<String> {
    let candidates = deployables(ws);
    let sound = |rel: &str| !ws.facts.conflict_markers.iter().any(|c| c.path == rel);
    candidates
        .iter()
        .find(|(rel, _, parses)| *parses && sound(rel))
        .or_else(|| candidates.first())
        .map(|(rel, what, _)| format!("{what} `{rel}`"))
}

/// (path, what, parses) of every file that shows a deployable service, most telling first.
fn deployables(ws: &Workspace) -> Vec<(String, &'static str, bool)> {
    use vouch_workspace::{YamlRole, is_docs_or_example_path, is_test_path};
    let real = |p: &str| !is_test_path(p) && !is_docs_or_example_path(p);
    let mut out = Vec::new();
    out.extend(
        ws.dockerfiles
            .iter()
            .filter(|d| real(&d.path))
            .map(|d| (d.path.clone(), "Dockerfile", d.parsed.is_ok())),
    );
    out.extend(
        ws.yaml_with_role(YamlRole::Compose)
            .filter(|y| real(&y.path))
            .map(|y| (y.path.clone(), "compose file", y.docs.is_ok())),
    );
    let mut k8s: Vec<String> = ws
        .k8s_docs()
        .filter(|k| real(&k.file.path))
        .map(|k| k.file.path.clone())
        .collect();
    k8s.dedup();
    out.extend(k8s.into_iter().map(|p| (p, "Kubernetes manifest", true)));
    for f in &ws.files {
        let name = f.name();
        let platform = matches!(
            name,
            "Procfile"
                | "fly.toml"
                | "app.yaml"
                | "render.yaml"
                | "serverless.yml"
                | "serverless.yaml"
        );
        if platform && real(&f.rel) {
            out.push((f.rel.clone(), "platform descriptor", true));
        }
    }
    out.extend(
        ws.yaml
            .iter()
            .filter(|y| real(&y.path))
            .filter(|y| {
                y.docs()
                    .iter()
                    .any(|d| d.root.get("openapi").is_some() || d.root.get("swagger").is_some())
            })
            .map(|y| (y.path.clone(), "API specification", true)),
    );
    out
}
