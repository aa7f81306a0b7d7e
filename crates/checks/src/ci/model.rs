//! The pipeline model shared by every CI control: each pipeline file, its steps, the commands
//! they execute (with their positions), the actions/images/templates they use, and what vouch
//! could not see. Task runners invoked from CI (`make test`, `npm test`, `tox -e lint`, `nox`,
//! `just`, `pre-commit run`, shell scripts, local composite actions) are followed into the file
//! that defines them, so `make test` → the Makefile's `pytest --cov` with evidence at both places.
//!
//! Built once per audit with `ws.cached(CiModel::build)`.

mod actions;
mod argv;
mod expand;
mod generic;
mod github;
mod gitlab;
mod jenkins;
pub mod shell;
pub mod stacks;

use shell::{ShellCmd, ShellState};
use std::collections::HashMap;
use std::sync::Arc;
use vouch_workspace::{
    CiSystem, SourceText, Workspace, YamlRole, is_docs_or_example_path, is_test_path,
};

/// Maximum number of task-runner hops followed from a CI file into other files.
const MAX_DEPTH: u8 = 2;

/// One pipeline file (a CI YAML file, an included GitLab/Azure template, or a Jenkinsfile).
#[derive(Debug)]
pub struct CiFile {
    pub path: String,
    pub system: CiSystem,
    pub text: Arc<SourceText>,
    /// (line, column, message) when the file does not parse.
    pub error: Option<(u32, u32, String)>,
    /// Only runs for documentation changes (GitHub `paths:` filters that all match docs).
    pub docs_only: bool,
    /// Number of jobs (or steps, for systems without jobs) found in it.
    pub jobs: usize,
}

/// A place where a failure is ignored: `continue-on-error: true`, `allow_failure: true`,
/// `|| true`, `set +e`, a Makefile `-` prefix...
#[derive(Clone, Debug, PartialEq)]
pub struct Tolerance {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub what: String,
}

/// A CI step (GitHub step, GitLab job, CircleCI run, Jenkins `sh`...).
#[derive(Debug)]
pub struct Step {
    pub file: usize,
    pub line: u32,
    pub soft_fail: Option<Tolerance>,
}

/// One link of the chain from a CI file to the command: the invocation and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Hop {
    pub path: String,
    pub line: u32,
    pub text: String,
}

/// An executed command.
#[derive(Clone, Debug)]
pub struct Cmd {
    /// Normalised words: wrappers (`poetry run`, `npx`, `python -m`, `sudo`...) removed and the
    /// program reduced to its base name (`./node_modules/.bin/jest` → `jest`).
    pub argv: Vec<String>,
    /// As written.
    pub text: String,
    /// The whole source line the command is on (for evidence snippets and pipelines).
    pub line_text: String,
    pub path: String,
    pub line: u32,
    pub column: u32,
    /// Commands of the same script block (one `run:`, one GitLab job, one Makefile target).
    pub block: usize,
    pub step: Option<usize>,
    pub file: usize,
    /// Invocations that led here from the CI file, outermost first (empty: written in CI).
    pub via: Vec<Hop>,
    /// A failure of this command is ignored at command level (or by an invoking command).
    pub tolerated: Option<Tolerance>,
    /// Made from an action, template, orb or hook rather than a shell line.
    pub synthetic: bool,
    /// Inputs of the action (`with:`) for synthetic commands.
    pub inputs: Vec<(String, String)>,
    /// Directory (repository-relative, "" = root) the command runs in.
    pub cwd: String,
    /// A task-runner invocation (`make test`, `npm test`): its content is modelled separately.
    pub invocation: bool,
}

impl Cmd {
    pub fn prog(&self) -> &str {
        self.argv.first().map(String::as_str).unwrap_or("")
    }

    pub fn args(&self) -> &[String] {
        self.argv.get(1..).unwrap_or(&[])
    }

    /// The non-flag words after the program (subcommands and operands).
    pub fn operands(&self) -> impl Iterator<Item = &str> {
        self.args()
            .iter()
            .map(String::as_str)
            .filter(|a| !a.starts_with('-') && !a.starts_with('+'))
    }

    /// The first non-flag word after the program.
    pub fn sub(&self) -> Option<&str> {
        self.operands().next()
    }

    /// `prog` followed by the subcommand words `subs`, which must be the first operands.
    pub fn is(&self, prog: &str, subs: &[&str]) -> bool {
        self.prog() == prog && self.operands().take(subs.len()).eq(subs.iter().copied())
    }

    /// Whether any argument is exactly `flag` or starts with `flag=`.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.args()
            .iter()
            .any(|a| a == flag || a.strip_prefix(flag).is_some_and(|r| r.starts_with('=')))
    }

    /// Value of `--flag=value` or `--flag value`.
    pub fn flag_value(&self, flag: &str) -> Option<&str> {
        let args = self.args();
        args.iter().enumerate().find_map(|(i, a)| {
            if a == flag {
                args.get(i + 1).map(String::as_str)
            } else {
                a.strip_prefix(flag).and_then(|r| r.strip_prefix('='))
            }
        })
    }

    /// An input of the action this synthetic command stands for.
    pub fn input(&self, key: &str) -> Option<&str> {
        self.inputs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// "`pytest -q` (via `make test` at .github/workflows/ci.yml:12)".
    pub fn describe(&self) -> String {
        let mut out = format!("`{}`", short(&self.text));
        if let Some(first) = self.via.first() {
            out.push_str(&format!(
                " (via `{}` at {}:{})",
                short(&first.text),
                first.path,
                first.line
            ));
        }
        out
    }
}

/// Joins a path relative to a command's working directory (`""` = repository root).
pub fn join_path(base: &str, rel: &str) -> String {
    expand::join(base, rel)
}

/// Truncates long command texts for messages.
pub fn short(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 80 {
        let cut: String = one_line.chars().take(77).collect();
        format!("{cut}...")
    } else {
        one_line
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UsesKind {
    /// A GitHub Actions step `uses:` (action).
    Action,
    /// A GitHub Actions job `uses:` (reusable workflow).
    ReusableWorkflow,
    /// A container image a job runs in.
    Image,
    /// A GitLab `include: template/component`, a CircleCI orb, a Bitbucket pipe, an Azure task.
    Template,
}

/// Something a pipeline uses by reference.
#[derive(Clone, Debug)]
pub struct UsesRef {
    pub kind: UsesKind,
    pub reference: String,
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub file: usize,
}

/// A part of the pipeline vouch could not read (a remote include, a missing Makefile target).
#[derive(Clone, Debug)]
pub struct Opaque {
    pub path: String,
    pub line: u32,
    pub what: String,
}

#[derive(Debug, Default)]
pub struct CiModel {
    pub files: Vec<CiFile>,
    pub steps: Vec<Step>,
    pub cmds: Vec<Cmd>,
    pub uses: Vec<UsesRef>,
    pub opaque: Vec<Opaque>,
}

impl CiModel {
    pub fn build(ws: &Workspace) -> CiModel {
        let mut b = Builder::new(ws);
        let mut gitlab_roots = Vec::new();
        for y in &ws.yaml {
            let YamlRole::Ci(system) = y.role else {
                continue;
            };
            if !is_pipeline_path(&y.path) {
                continue;
            }
            let error = y
                .docs
                .as_ref()
                .err()
                .map(|e| (e.line, e.column, e.message.clone()));
            let file = b.add_file(&y.path, system, y.text.clone(), error);
            let Ok(docs) = &y.docs else {
                continue;
            };
            match system {
                CiSystem::GithubActions => github::build(&mut b, file, docs),
                CiSystem::GitlabCi => gitlab_roots.push(file),
                _ => generic::build(&mut b, file, system, docs),
            }
        }
        if !gitlab_roots.is_empty() {
            gitlab::build(&mut b, &gitlab_roots);
        }
        for f in &ws.files {
            if vouch_workspace::ci_system(&f.rel) == Some(CiSystem::Jenkins)
                && is_pipeline_path(&f.rel)
                && !f.binary
                && let Some(text) = ws.text(&f.rel)
            {
                let file = b.add_file(&f.rel, CiSystem::Jenkins, text.clone(), None);
                jenkins::build(&mut b, file, &text);
            }
        }
        b.model
    }

    /// Commands of pipelines that run for code changes (documentation-only workflows excluded).
    pub fn gate_cmds(&self) -> impl Iterator<Item = &Cmd> {
        self.cmds
            .iter()
            .filter(|c| !c.invocation && !self.files[c.file].docs_only)
    }

    /// The failure-ignoring setting that applies to `cmd`, if any.
    pub fn tolerance<'a>(&'a self, cmd: &'a Cmd) -> Option<&'a Tolerance> {
        cmd.tolerated
            .as_ref()
            .or_else(|| cmd.step.and_then(|s| self.steps[s].soft_fail.as_ref()))
    }

    /// Pipeline files that do not parse, as "path:line: message".
    pub fn unparsed(&self) -> Vec<String> {
        self.files
            .iter()
            .filter_map(|f| {
                f.error
                    .as_ref()
                    .map(|(l, _, m)| format!("{}:{l}: {m}", f.path))
            })
            .collect()
    }
}

/// Pipeline files inside test fixtures and examples are not the repository's pipeline.
fn is_pipeline_path(rel: &str) -> bool {
    !is_test_path(rel) && !is_docs_or_example_path(rel)
}

/// Where a script chunk comes from and what it inherits.
#[derive(Clone, Debug)]
pub(crate) struct Origin {
    pub file: usize,
    pub step: Option<usize>,
    pub via: Vec<Hop>,
    pub tolerated: Option<Tolerance>,
    pub depth: u8,
    /// File holding the script (CI file or a file reached through an invocation).
    pub path: String,
    /// (path, target) pairs already expanded on this chain (cycle guard).
    pub seen: Vec<(String, String)>,
}

impl Origin {
    pub fn new(file: usize, path: &str, step: Option<usize>) -> Origin {
        Origin {
            file,
            step,
            via: Vec::new(),
            tolerated: None,
            depth: 0,
            path: path.to_string(),
            seen: Vec::new(),
        }
    }
}

/// Maps script lines to file positions.
pub(crate) enum Place {
    /// The script is the text of a YAML scalar starting at (line, column): each script line is
    /// located by searching the file from there (works for every scalar style).
    Yaml { line: u32, column: u32 },
    /// The script starts exactly at (line, column) of the file.
    Exact { line: u32, column: u32 },
}

pub(crate) struct Builder<'w> {
    pub ws: &'w Workspace,
    pub model: CiModel,
    next_block: usize,
}

impl<'w> Builder<'w> {
    fn new(ws: &'w Workspace) -> Self {
        Builder {
            ws,
            model: CiModel::default(),
            next_block: 0,
        }
    }

    pub fn add_file(
        &mut self,
        path: &str,
        system: CiSystem,
        text: Arc<SourceText>,
        error: Option<(u32, u32, String)>,
    ) -> usize {
        self.model.files.push(CiFile {
            path: path.to_string(),
            system,
            text,
            error,
            docs_only: false,
            jobs: 0,
        });
        self.model.files.len() - 1
    }

    pub fn add_step(&mut self, file: usize, line: u32, soft_fail: Option<Tolerance>) -> usize {
        self.model.steps.push(Step {
            file,
            line,
            soft_fail,
        });
        self.model.steps.len() - 1
    }

    pub fn add_uses(
        &mut self,
        file: usize,
        kind: UsesKind,
        reference: &str,
        path: &str,
        line: u32,
        column: u32,
    ) {
        self.model.uses.push(UsesRef {
            kind,
            reference: reference.to_string(),
            path: path.to_string(),
            line,
            column,
            file,
        });
    }

    pub fn opaque(&mut self, path: &str, line: u32, what: impl Into<String>) {
        self.model.opaque.push(Opaque {
            path: path.to_string(),
            line,
            what: what.into(),
        });
    }

    pub fn new_block(&mut self) -> usize {
        self.next_block += 1;
        self.next_block
    }

    /// Adds the commands of one script chunk.
    #[allow(clippy::too_many_arguments)]
    pub fn script(
        &mut self,
        o: &Origin,
        src: &SourceText,
        place: Place,
        script: &str,
        cwd: &mut String,
        state: &mut ShellState,
        block: usize,
    ) {
        let map = line_map(src, &place, script);
        for sc in shell::commands(script, state) {
            let (line, col) = map.position(sc.line, sc.column);
            self.command(o, src, line, col, sc, cwd, block);
        }
    }

    /// Adds one shell command: tracks `cd`, normalises it and follows task-runner invocations.
    #[allow(clippy::too_many_arguments)]
    fn command(
        &mut self,
        o: &Origin,
        src: &SourceText,
        line: u32,
        column: u32,
        sc: ShellCmd,
        cwd: &mut String,
        block: usize,
    ) {
        if matches!(sc.words[0].as_str(), "cd" | "pushd") {
            *cwd = match sc.words.get(1) {
                Some(dir) if dir != "-" => expand::join(cwd, dir),
                _ => String::new(),
            };
            return;
        }
        let tolerated = sc
            .tolerated
            .as_ref()
            .map(|what| Tolerance {
                path: src.path.clone(),
                line,
                column,
                what: what.clone(),
            })
            .or_else(|| o.tolerated.clone());
        let mut argv = argv::normalize(&sc.words);
        if argv.is_empty() {
            return;
        }
        let probe = self.probe_cmd(o, &argv, cwd);
        let invocation = expand::invocation(self.ws, &probe, &sc);
        if invocation.is_none()
            && let Some(bin) = expand::bin_fallback(&argv)
        {
            argv = argv::normalize(&bin);
        }
        let mut cmd = Cmd {
            argv,
            text: sc.text.clone(),
            line_text: src.line(line as usize).trim().to_string(),
            path: src.path.clone(),
            line,
            column,
            block,
            step: o.step,
            file: o.file,
            via: o.via.clone(),
            tolerated,
            synthetic: false,
            inputs: Vec::new(),
            cwd: cwd.clone(),
            invocation: false,
        };
        if let Some(inv) = invocation {
            cmd.invocation = true;
            let hop = Hop {
                path: src.path.clone(),
                line,
                text: sc.text.clone(),
            };
            self.model.cmds.push(cmd.clone());
            self.follow(o, &cmd, hop, inv);
            return;
        }
        self.model.cmds.push(cmd);
    }

    fn line_text(&self, path: &str, line: u32) -> String {
        self.ws
            .text(path)
            .map(|t| t.line(line as usize).trim().to_string())
            .unwrap_or_default()
    }

    /// A throw-away command used to ask whether `argv` is an invocation.
    fn probe_cmd(&self, o: &Origin, argv: &[String], cwd: &str) -> Cmd {
        Cmd {
            argv: argv.to_vec(),
            text: String::new(),
            line_text: String::new(),
            path: o.path.clone(),
            line: 0,
            column: 0,
            block: 0,
            step: o.step,
            file: o.file,
            via: Vec::new(),
            tolerated: None,
            synthetic: false,
            inputs: Vec::new(),
            cwd: cwd.to_string(),
            invocation: false,
        }
    }

    /// Expands an invocation into the commands of its target.
    fn follow(&mut self, o: &Origin, cmd: &Cmd, hop: Hop, inv: expand::Invocation) {
        let chunks = match expand::resolve(self.ws, &inv) {
            Ok(chunks) => chunks,
            Err(why) => {
                self.opaque(
                    &hop.path,
                    hop.line,
                    format!("`{}`: {why}", short(&hop.text)),
                );
                return;
            }
        };
        let mut blocks: HashMap<String, usize> = HashMap::new();
        for chunk in chunks {
            let same_file = chunk.path == o.path;
            let key = (chunk.path.clone(), chunk.target.clone());
            if o.seen.contains(&key) {
                continue;
            }
            let depth = if same_file { o.depth } else { o.depth + 1 };
            if depth > MAX_DEPTH {
                self.opaque(
                    &hop.path,
                    hop.line,
                    format!(
                        "`{}`: invocations nested too deep to follow",
                        short(&hop.text)
                    ),
                );
                continue;
            }
            let Some(src) = self.ws.text(&chunk.path) else {
                continue;
            };
            let mut child = o.clone();
            child.depth = depth;
            child.path = chunk.path.clone();
            child.seen.push(key);
            if !same_file {
                child.via.push(hop.clone());
            }
            child.tolerated = cmd.tolerated.clone().or_else(|| {
                chunk.tolerated.as_ref().map(|what| Tolerance {
                    path: chunk.path.clone(),
                    line: chunk.line,
                    column: chunk.column,
                    what: what.clone(),
                })
            });
            let next = self.next_block + 1;
            let block = *blocks
                .entry(format!("{}#{}", chunk.path, chunk.target))
                .or_insert(next);
            if block == next {
                self.next_block = next;
            }
            let mut cwd = chunk.cwd.clone();
            let place = Place::Exact {
                line: chunk.line,
                column: chunk.column,
            };
            match chunk.body {
                expand::Body::Shell(text) => {
                    let mut state = ShellState::default();
                    self.script(&child, &src, place, &text, &mut cwd, &mut state, block);
                }
                expand::Body::Argv(argv) => {
                    let words = argv.clone();
                    let sc = ShellCmd {
                        line: 1,
                        column: 1,
                        text: argv.join(" "),
                        words,
                        env: Vec::new(),
                        tolerated: None,
                    };
                    self.command(&child, &src, chunk.line, chunk.column, sc, &mut cwd, block);
                }
            }
        }
    }

    /// Adds a command that stands for an action, template, orb or hook. Task-runner
    /// invocations among them (`pre-commit run`, `npm run test`) are followed like shell ones.
    pub fn synthetic(
        &mut self,
        o: &Origin,
        path: &str,
        line: u32,
        column: u32,
        argv: Vec<String>,
        inputs: Vec<(String, String)>,
    ) {
        self.synthetic_in(o, path, (line, column), argv, inputs, "");
    }

    /// [`Builder::synthetic`] for a command that runs in directory `cwd`.
    pub fn synthetic_in(
        &mut self,
        o: &Origin,
        path: &str,
        (line, column): (u32, u32),
        argv: Vec<String>,
        inputs: Vec<(String, String)>,
        cwd: &str,
    ) {
        let block = self.new_block();
        let probe = self.probe_cmd(o, &argv, cwd);
        let sc = ShellCmd {
            line: 1,
            column: 1,
            text: argv.join(" "),
            words: argv.clone(),
            env: Vec::new(),
            tolerated: None,
        };
        if let Some(inv) = expand::invocation(self.ws, &probe, &sc) {
            let mut cmd = probe;
            cmd.text = sc.text.clone();
            cmd.line_text = self.line_text(path, line);
            cmd.path = path.to_string();
            cmd.line = line;
            cmd.column = column;
            cmd.block = block;
            cmd.via = o.via.clone();
            cmd.tolerated = o.tolerated.clone();
            cmd.synthetic = true;
            cmd.invocation = true;
            let hop = Hop {
                path: path.to_string(),
                line,
                text: sc.text,
            };
            self.model.cmds.push(cmd.clone());
            self.follow(o, &cmd, hop, inv);
            return;
        }
        let line_text = self.line_text(path, line);
        self.model.cmds.push(Cmd {
            text: argv.join(" "),
            line_text,
            argv,
            path: path.to_string(),
            line,
            column,
            block,
            step: o.step,
            file: o.file,
            via: o.via.clone(),
            tolerated: o.tolerated.clone(),
            synthetic: true,
            inputs,
            cwd: cwd.to_string(),
            invocation: false,
        });
    }
}

/// Script line → file position.
struct LineMap {
    /// Per script line (index 0 = line 1): file line and the column delta to add.
    lines: Vec<(u32, i64)>,
}

impl LineMap {
    fn position(&self, line: usize, column: usize) -> (u32, u32) {
        match self.lines.get(line.saturating_sub(1)) {
            Some((l, delta)) => (*l, (column as i64 + delta).max(1) as u32),
            None => (self.lines.last().map_or(1, |x| x.0), 1),
        }
    }
}

fn line_map(src: &SourceText, place: &Place, script: &str) -> LineMap {
    let mut lines = Vec::new();
    match *place {
        Place::Exact { line, column } => {
            for (i, _) in script.split('\n').enumerate() {
                let delta = if i == 0 { column as i64 - 1 } else { 0 };
                lines.push((line + i as u32, delta));
            }
        }
        Place::Yaml { line, column } => {
            let mut cursor = line as usize;
            let last = src.line_count();
            for s in script.split('\n') {
                let trimmed = s.trim();
                let lead = (s.len() - s.trim_start().len()) as i64;
                let found = (!trimmed.is_empty())
                    .then(|| {
                        (cursor..=last.min(cursor + 200)).find_map(|n| {
                            src.line(n)
                                .find(trimmed)
                                .map(|at| (n, src.line(n)[..at].chars().count() as i64))
                        })
                    })
                    .flatten();
                match found {
                    Some((n, at)) => {
                        cursor = n;
                        lines.push((n as u32, at - lead));
                    }
                    None if trimmed.is_empty() => {
                        lines.push((cursor as u32, 0));
                    }
                    None => lines.push((line, column as i64 - 1)),
                }
                if !trimmed.is_empty() && found.is_some() {
                    cursor += 1;
                }
            }
        }
    }
    LineMap { lines }
}

/// A YAML `if:`/`condition:`/`when:` value that can never be true (`false`, `${{ false }}`).
pub(crate) fn never_runs(cond: &vouch_workspace::Node) -> bool {
    let Some(text) = cond.as_str() else {
        return false;
    };
    let t = text.trim();
    let t = t
        .strip_prefix("${{")
        .and_then(|r| r.strip_suffix("}}"))
        .unwrap_or(t)
        .trim();
    t == "false" || t == "0" || t.starts_with("false &&") || t.starts_with("false&&")
}

/// The `(key, value)` inputs of a `with:`/`inputs:` mapping, scalar values only.
pub(crate) fn inputs_of(node: Option<&vouch_workspace::Node>) -> Vec<(String, String)> {
    node.map(|n| {
        n.entries()
            .filter_map(|(k, v)| Some((k.to_string(), v.as_str()?.to_string())))
            .collect()
    })
    .unwrap_or_default()
}
