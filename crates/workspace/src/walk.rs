//! Discovery and the single read of every file, in parallel.

use crate::classify::{FileKind, ci_system, classify};
use crate::{
    DockerfileEntry, FileEntry, MAX_PARSE_BYTES, MAX_READ_BYTES, Workspace, YamlFile, YamlRole,
    dockerfile, facts, git, manifests, source::SourceText, yaml,
};
use rayon::prelude::*;
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use vouch_core::config::PathPattern;
use vouch_core::report::InputError;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{0}: no such file or directory")]
    NotFound(String),
    #[error("{0}: not a directory")]
    NotADirectory(String),
    #[error("{path}: {message}")]
    Io { path: String, message: String },
}

#[derive(Default)]
pub struct LoadOptions<'a> {
    pub excludes: &'a [PathPattern],
    /// Worker threads for the walk (0 = one per core).
    pub jobs: usize,
    /// Called once per file read (for progress display).
    pub on_file: Option<&'a (dyn Fn() + Sync)>,
    /// Do not parse source code (no selected control reads `Workspace::code`).
    pub skip_code: bool,
}

/// What reading one file produced.
#[derive(Default)]
pub(crate) struct Collected {
    pub(crate) files: Vec<FileEntry>,
    pub(crate) dockerfiles: Vec<DockerfileEntry>,
    pub(crate) yaml: Vec<YamlFile>,
    pub(crate) dependencies: Vec<crate::Dependency>,
    pub(crate) facts: facts::Facts,
    pub(crate) code: Vec<vouch_code::FileCode>,
    /// Source files with only config reads: parsed later if a setting needs them.
    pub(crate) deferred_code: Vec<vouch_code::Deferred>,
    pub(crate) secrets: Vec<crate::FileSecrets>,
    pub(crate) errors: Vec<InputError>,
}

impl Collected {
    fn absorb(&mut self, other: Collected) {
        self.files.extend(other.files);
        self.dockerfiles.extend(other.dockerfiles);
        self.yaml.extend(other.yaml);
        self.dependencies.extend(other.dependencies);
        self.facts.merge(other.facts);
        self.code.extend(other.code);
        self.deferred_code.extend(other.deferred_code);
        self.secrets.extend(other.secrets);
        self.errors.extend(other.errors);
    }
}

pub fn load(root: &Path, options: &LoadOptions<'_>) -> Result<Workspace, LoadError> {
    let shown = root.display().to_string();
    let meta = std::fs::metadata(root).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => LoadError::NotFound(shown.clone()),
        _ => LoadError::Io {
            path: shown.clone(),
            message: e.to_string(),
        },
    })?;
    if !meta.is_dir() {
        return Err(LoadError::NotADirectory(shown));
    }
    let root = root.canonicalize().map_err(|e| LoadError::Io {
        path: shown,
        message: e.to_string(),
    })?;
    let git = git::discover(&root);

    let collected = Mutex::new(Collected::default());
    let seen = Mutex::new(HashSet::new());
    let threads = if options.jobs == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        options.jobs
    };

    let walker = ignore::WalkBuilder::new(&root)
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .parents(false)
        .follow_links(false)
        .threads(threads)
        .filter_entry(|e| e.file_name() != ".git")
        .build_parallel();

    let mut builder = VisitorBuilder {
        root: &root,
        options,
        collected: &collected,
        seen: &seen,
    };
    walker.visit(&mut builder);

    let mut collected = collected.into_inner().unwrap_or_else(|e| e.into_inner());
    let seen = seen.into_inner().unwrap_or_else(|e| e.into_inner());

    // Tracked files hidden by .gitignore are still part of the repository: audit them too.
    if let Some(g) = &git {
        let hidden: Vec<&String> = g
            .tracked
            .iter()
            .filter(|p| !seen.contains(*p) && !options.excludes.iter().any(|x| x.matches(p)))
            .filter(|p| root.join(p).symlink_metadata().is_ok_and(|m| m.is_file()))
            .collect();
        let extra: Vec<Collected> = hidden
            .par_iter()
            .map(|rel| {
                let mut one = Collected::default();
                read_one(&root, rel, options, &mut one);
                one
            })
            .collect();
        for c in extra {
            collected.absorb(c);
        }
    }

    if let Some(g) = &git {
        for f in &mut collected.files {
            f.tracked = Some(g.tracked.contains(&f.rel));
        }
    }
    assign_helm_roles(&mut collected.yaml);

    Ok(Workspace::assemble(root, git, collected))
}

/// Reads, classifies and parses one file, adding what it holds to `out` (the walker thread's
/// own collection: no per-file collection to allocate and merge).
fn read_one(root: &Path, rel: &str, options: &LoadOptions<'_>, out: &mut Collected) {
    if let Some(on_file) = options.on_file {
        on_file();
    }
    let kind = classify(rel);
    let fail = |out: &mut Collected, e: &std::io::Error| {
        out.errors.push(InputError {
            path: rel.to_string(),
            message: io_message(e),
        });
    };
    // One open, one fstat: the size comes from the handle, not a second path lookup.
    let mut file = match crate::open::open(&root.join(rel)) {
        Ok(f) => f,
        Err(e) => {
            fail(out, &e);
            return;
        }
    };
    let size = match file.metadata() {
        Ok(m) => m.len(),
        Err(e) => {
            fail(out, &e);
            return;
        }
    };
    let mut entry = FileEntry::new(rel.to_string(), kind, size);
    entry.class = crate::PathClass::of(rel, kind);
    if size > MAX_READ_BYTES {
        out.errors.push(InputError {
            path: rel.to_string(),
            message: format!(
                "not scanned: {size} bytes is over the {} MiB limit",
                MAX_READ_BYTES >> 20
            ),
        });
        out.files.push(entry);
        return;
    }
    READ_BUFFER.with_borrow_mut(|buffer| {
        buffer.clear();
        // Room for the whole file first: growing by doubling while reading re-copies what was
        // read and faults in fresh pages at every step (a few percent of the audit's CPU).
        buffer.reserve_exact(size as usize);
        // Up to the size fstat gave: the read that would only report the end of the file is
        // not made (a file that grows meanwhile is read as it was when it was opened).
        if let Err(e) = (&mut file).take(size).read_to_end(buffer) {
            fail(out, &e);
            out.files.push(entry);
            return;
        }
        inspect(rel, kind, &mut entry, buffer, !options.skip_code, out);
        out.files.push(entry);
        // Do not let one big file pin a big buffer for the rest of the walk.
        if buffer.capacity() > 4 << 20 {
            *buffer = Vec::new();
        }
    });
}

thread_local! {
    /// Reused across the files one walker thread reads.
    static READ_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Classifies by content, scans for facts and parses configuration kinds.
fn inspect(
    rel: &str,
    kind: FileKind,
    entry: &mut FileEntry,
    bytes: &[u8],
    parse_code: bool,
    out: &mut Collected,
) {
    entry.binary = is_binary(bytes);
    if entry.binary {
        if kind.keeps_text() {
            out.errors.push(InputError {
                path: rel.to_string(),
                message: "binary file, not parsed".into(),
            });
        }
        return;
    }
    facts::scan_into(&mut out.facts, rel, kind, bytes);
    let reviewed_language = (parse_code && matches!(kind, FileKind::Source(_)))
        .then(|| vouch_code::Language::of_path(rel))
        .flatten()
        .filter(|_| is_reviewed_code(rel, entry.class));
    let hits = match reviewed_language {
        Some(language) => {
            let (hits, gate) = crate::keyword_pass::scan_source(language, rel, bytes);
            match vouch_code::scan_gated(rel, language, bytes, gate) {
                vouch_code::Scanned::Parsed(code) => out.code.push(code),
                vouch_code::Scanned::Deferred(deferred) => out.deferred_code.push(deferred),
            }
            hits
        }
        None => vouch_secrets::scan(vouch_secrets::ruleset(), bytes),
    };
    if !hits.is_empty() {
        out.secrets.push(crate::FileSecrets {
            path: rel.to_string(),
            hits,
        });
    }
    if parse_code
        && entry.size <= MAX_PARSE_BYTES
        && vouch_code::lang::java::properties::spring_config_profile(rel).is_some()
        && is_reviewed_code(rel, entry.class)
    {
        let props = crate::spring::properties(rel, &String::from_utf8_lossy(bytes));
        out.code
            .push(vouch_code::lang::java::properties::extract(rel, &props));
    }
    let kind = if kind == FileKind::Other
        && entry.size <= MAX_PARSE_BYTES
        && crate::classify::looks_like_dockerfile(
            rel,
            &String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]),
        ) {
        entry.kind = FileKind::Dockerfile;
        FileKind::Dockerfile
    } else {
        kind
    };
    if kind.keeps_text() && entry.size <= MAX_PARSE_BYTES {
        let text = SourceText::from_bytes(rel, bytes);
        let yaml_before = out.yaml.len();
        parse_config(rel, kind, &text, out);
        // A YAML file is kept only if parsing it added it to the thread's collection.
        if kind != FileKind::Yaml || out.yaml.len() > yaml_before {
            entry.text = Some(text);
        } else if kind == FileKind::Yaml {
            // Not kept: note the words some controls look for, so they re-read only the
            // few files that may match.
            out.facts
                .unkept_yaml
                .push((rel.to_string(), facts::yaml_words(&text.text)));
        }
    }
}

/// Application code a reviewer reads: not tests, not docs or examples, not vendored trees.
fn is_reviewed_code(rel: &str, class: crate::PathClass) -> bool {
    !class.test()
        && !class.docs_or_example()
        && !rel
            .split('/')
            .any(|c| matches!(c, "vendor" | "node_modules" | "third_party"))
}

/// Parses configuration kinds. Test data (tests/, fixtures, `docker-compose.test.yml`) is
/// parsed too: each domain decides whether such files count (most do not).
fn parse_config(rel: &str, kind: FileKind, text: &std::sync::Arc<SourceText>, out: &mut Collected) {
    match kind {
        FileKind::Dockerfile => out.dockerfiles.push(DockerfileEntry {
            path: rel.to_string(),
            text: text.clone(),
            parsed: dockerfile::parse(text),
        }),
        FileKind::Yaml => {
            let role = yaml_role(rel);
            // An unclassified file is kept only for one of these top-level keys (compose by
            // shape needs `services`, one of them): a file whose text holds none of them
            // cannot have one, and is not parsed.
            if role == YamlRole::Other && !is_helm_candidate(rel) && !may_be_kept(rel, &text.text) {
                return;
            }
            let docs = yaml::parse_str(&text.text);
            let keep = role != YamlRole::Other
                || is_helm_candidate(rel)
                || docs
                    .as_ref()
                    .map_or(true, |d| d.iter().any(|d| interesting(&d.root)));
            let role = match (&docs, role) {
                (Ok(d), YamlRole::Other) if d.iter().any(|d| looks_like_compose(&d.root)) => {
                    YamlRole::Compose
                }
                _ => role,
            };
            if keep {
                out.yaml.push(YamlFile {
                    path: rel.to_string(),
                    role,
                    text: text.clone(),
                    docs,
                });
            }
        }
        FileKind::Manifest(eco) => match manifests::parse(eco, text) {
            Ok(deps) => out.dependencies.extend(deps),
            Err(message) => out.errors.push(InputError {
                path: rel.to_string(),
                message,
            }),
        },
        _ => {}
    }
}

/// Role by location and name; compose-by-shape and Helm templates are decided later.
fn yaml_role(rel: &str) -> YamlRole {
    if let Some(ci) = ci_system(rel) {
        return YamlRole::Ci(ci);
    }
    let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    let stem = name.trim_end_matches(".yml").trim_end_matches(".yaml");
    if stem == "chart" && name.starts_with("Chart")
        || rel.ends_with("/Chart.yaml")
        || rel == "Chart.yaml"
    {
        return YamlRole::HelmChart;
    }
    if stem.starts_with("docker-compose")
        || stem.starts_with("compose")
        || stem.ends_with(".compose")
    {
        return YamlRole::Compose;
    }
    if stem == "kustomization" {
        return YamlRole::Kustomization;
    }
    if rel.eq_ignore_ascii_case(".github/dependabot.yml")
        || rel.eq_ignore_ascii_case(".github/dependabot.yaml")
    {
        return YamlRole::Dependabot;
    }
    YamlRole::Other
}

/// Files that may belong to a Helm chart (decided once all files are known).
fn is_helm_candidate(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    (name.starts_with("values") && (name.ends_with(".yaml") || name.ends_with(".yml")))
        || rel.contains("templates/")
}

/// Top-level keys that make an unclassified YAML document worth keeping.
const KEPT_KEYS: &[&str] = &[
    "apiVersion",
    "kind",
    "services",
    "groups",
    "route",
    "receivers",
    "openapi",
    "swagger",
    "scrape_configs",
    "rule_files",
    "slos",
    "scenarios",
    "pipeline",
    "sinks",
    "clients",
    "exporters",
    "AWSTemplateFormatVersion",
    "Resources",
    "databaseChangeLog",
    "steady-state-hypothesis",
];

/// [`KEPT_KEYS`] (which hold compose's `services` too) and `expr:` (alert rules report a
/// parse error for a broken file holding rules) anywhere in a text.
static KEPT_WORDS: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::new(KEPT_KEYS.iter().chain(&["expr:"])).expect("static keys")
    });

/// Whether an unclassified YAML file may be kept (or its parse error reported): it holds a
/// kept key, or its name says Alertmanager (whose parse errors are reported by name).
fn may_be_kept(rel: &str, text: &str) -> bool {
    KEPT_WORDS.is_match(text.as_bytes())
        || rel
            .rsplit('/')
            .next()
            .is_some_and(|name| name.to_ascii_lowercase().contains("alertmanager"))
}

fn interesting(root: &yaml::Node) -> bool {
    root.entries().any(|(k, _)| KEPT_KEYS.contains(&k))
}

fn looks_like_compose(root: &yaml::Node) -> bool {
    if root.get("apiVersion").is_some() {
        return false;
    }
    let Some(services) = root.get("services") else {
        return false;
    };
    let entries: Vec<_> = services.entries().collect();
    !entries.is_empty()
        && entries
            .iter()
            .all(|(_, svc)| svc.get("image").is_some() || svc.get("build").is_some())
}

/// Files under `<chart>/templates/` of a directory holding Chart.yaml are Helm templates;
/// `values*.yaml` beside Chart.yaml are values.
fn assign_helm_roles(yaml: &mut [YamlFile]) {
    let charts: Vec<String> = yaml
        .iter()
        .filter(|y| y.role == YamlRole::HelmChart)
        .map(|y| {
            y.path
                .rsplit_once('/')
                .map(|(d, _)| format!("{d}/"))
                .unwrap_or_default()
        })
        .collect();
    for y in yaml.iter_mut() {
        for chart in &charts {
            let Some(inner) = y.path.strip_prefix(chart.as_str()) else {
                continue;
            };
            if inner.starts_with("templates/") {
                y.role = YamlRole::HelmTemplate;
                y.docs = Ok(Vec::new());
            } else if !inner.contains('/') && inner.starts_with("values") {
                y.role = YamlRole::HelmValues;
            }
        }
    }
}

fn is_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    memchr::memchr(0, head).is_some() && encoding_rs::Encoding::for_bom(bytes).is_none()
}

fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    match rel.to_str() {
        Some(s) if std::path::MAIN_SEPARATOR == '/' => Some(s.to_string()),
        _ => {
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            Some(parts.join("/"))
        }
    }
}

fn err_path(root: &Path, err: &ignore::Error) -> String {
    fn find(err: &ignore::Error) -> Option<PathBuf> {
        match err {
            ignore::Error::WithPath { path, .. } => Some(path.clone()),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                find(err)
            }
            ignore::Error::Loop { child, .. } => Some(child.clone()),
            _ => None,
        }
    }
    find(err)
        .and_then(|p| relative(root, &p))
        .unwrap_or_else(|| ".".into())
}

fn err_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
            err_message(err)
        }
        ignore::Error::Io(e) => io_message(e),
        ignore::Error::Loop { .. } => "symbolic link loop".into(),
        other => other.to_string(),
    }
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "unreadable: permission denied".into(),
        _ => format!("unreadable: {e}"),
    }
}

struct VisitorBuilder<'s> {
    root: &'s Path,
    options: &'s LoadOptions<'s>,
    collected: &'s Mutex<Collected>,
    seen: &'s Mutex<HashSet<String>>,
}

impl<'s> ignore::ParallelVisitorBuilder<'s> for VisitorBuilder<'s> {
    fn build(&mut self) -> Box<dyn ignore::ParallelVisitor + 's> {
        Box::new(Visitor {
            root: self.root,
            options: self.options,
            collected: self.collected,
            seen: self.seen,
            local: Collected::default(),
            local_seen: Vec::new(),
        })
    }
}

/// One walker thread: collects locally, flushes into the shared result when dropped.
struct Visitor<'s> {
    root: &'s Path,
    options: &'s LoadOptions<'s>,
    collected: &'s Mutex<Collected>,
    seen: &'s Mutex<HashSet<String>>,
    local: Collected,
    local_seen: Vec<String>,
}

impl ignore::ParallelVisitor for Visitor<'_> {
    fn visit(&mut self, entry: Result<ignore::DirEntry, ignore::Error>) -> ignore::WalkState {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err_path(self.root, &err);
                self.local.errors.push(InputError {
                    path,
                    message: err_message(&err),
                });
                return ignore::WalkState::Continue;
            }
        };
        let Some(rel) = relative(self.root, entry.path()) else {
            return ignore::WalkState::Continue;
        };
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if !rel.is_empty() && self.options.excludes.iter().any(|p| p.matches(&rel)) {
            return if is_dir {
                ignore::WalkState::Skip
            } else {
                ignore::WalkState::Continue
            };
        }
        let ft = entry.file_type();
        if ft.is_some_and(|t| t.is_symlink()) {
            self.local.errors.push(InputError {
                path: rel.clone(),
                message: "symbolic link not followed".into(),
            });
            self.local_seen.push(rel);
        } else if ft.is_some_and(|t| t.is_file()) {
            read_one(self.root, &rel, self.options, &mut self.local);
            self.local_seen.push(rel);
        }
        ignore::WalkState::Continue
    }
}

impl Drop for Visitor<'_> {
    fn drop(&mut self) {
        self.collected
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .absorb(std::mem::take(&mut self.local));
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(self.local_seen.drain(..));
    }
}
