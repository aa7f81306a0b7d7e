//! The input layer: walk the tree once (in parallel), ask git what is tracked, classify every
//! file, read and parse each interesting file once. Parse failures are data, never an abort.

pub mod classify;
pub mod dockerfile;
pub mod env_reads;
pub mod facts;
pub mod git;
mod keyword_pass;
pub mod libraries;
pub mod manifests;
mod open;
pub mod path_class;
pub mod place;
pub mod source;
pub mod spring;
mod walk;
pub mod yaml;

pub use classify::{
    CiSystem, Ecosystem, FileKind, Lang, ci_system, classify, is_docs_or_example_path, is_test_path,
};
pub use dockerfile::{Dockerfile, DockerfileError, Instruction, Stage};
pub use facts::{Facts, TextHit};
pub use git::GitInfo;
pub use libraries::Capability;
pub use manifests::Dependency;
pub use path_class::PathClass;
pub use place::place_label;
pub use source::SourceText;
pub use vouch_code as code;
pub use vouch_secrets as secrets;
pub use walk::{LoadError, LoadOptions, load};
pub use yaml::{Node, Value, YamlDoc, YamlError};

use std::any::{Any, TypeId};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use vouch_core::report::InputError;

/// Files larger than this are not read at all (listed in `input_errors`).
pub const MAX_READ_BYTES: u64 = 32 * 1024 * 1024;
/// Configuration files larger than this are not parsed.
pub const MAX_PARSE_BYTES: u64 = 4 * 1024 * 1024;

/// One discovered file.
#[derive(Clone, Debug)]
pub struct FileEntry {
    /// Relative to the audited root, `/`-separated.
    pub rel: String,
    pub kind: FileKind,
    pub size: u64,
    /// Some(true/false) inside a git work tree, None without git.
    pub tracked: Option<bool>,
    /// Contains NUL bytes near the start: not text.
    pub binary: bool,
    /// Vendored, test, documentation: from the path, computed once.
    pub class: PathClass,
    /// Kept for configuration kinds (see [`FileKind::keeps_text`]).
    pub text: Option<Arc<SourceText>>,
    /// Where the file name starts in `rel` (which is not changed after construction).
    name_at: u32,
}

impl FileEntry {
    /// An entry with no class, no text and unknown tracking (the walk fills those in).
    pub fn new(rel: String, kind: FileKind, size: u64) -> FileEntry {
        let name_at = rel.rfind('/').map_or(0, |i| i + 1) as u32;
        FileEntry {
            rel,
            kind,
            size,
            tracked: None,
            binary: false,
            class: PathClass::default(),
            text: None,
            name_at,
        }
    }

    /// The file name (the last component of `rel`). Dozens of controls ask it of every file:
    /// found once here, it costs no search of the path, and comparing it with a name of
    /// another length reads only its length, not the path's bytes (which are spread over the
    /// heap: reading them is most of the cost of such loops on a big tree).
    pub fn name(&self) -> &str {
        &self.rel[self.name_at as usize..]
    }

    /// [`FileEntry::name`] in ASCII lower case, allocated only when it has upper-case letters.
    pub fn lowercase_name(&self) -> std::borrow::Cow<'_, str> {
        facts::paths::lowercase(self.name())
    }
}

/// Role of a YAML file, from its location and shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum YamlRole {
    Compose,
    Ci(CiSystem),
    HelmChart,
    HelmValues,
    /// A Helm template: Go templating makes it invalid YAML; `docs` is empty, use `text`.
    HelmTemplate,
    Kustomization,
    Dependabot,
    /// Anything else (Kubernetes manifests, Prometheus rules, Alertmanager, OpenAPI, ...).
    Other,
}

#[derive(Clone, Debug)]
pub struct YamlFile {
    pub path: String,
    pub role: YamlRole,
    pub text: Arc<SourceText>,
    pub docs: Result<Vec<YamlDoc>, YamlError>,
}

impl YamlFile {
    /// Parsed documents, or an empty slice when the file did not parse.
    pub fn docs(&self) -> &[YamlDoc] {
        self.docs.as_deref().unwrap_or(&[])
    }
}

#[derive(Clone, Debug)]
pub struct DockerfileEntry {
    pub path: String,
    pub text: Arc<SourceText>,
    pub parsed: Result<Dockerfile, DockerfileError>,
}

/// A Kubernetes object: a YAML document with `apiVersion` and `kind`.
#[derive(Clone, Copy, Debug)]
pub struct K8sDoc<'a> {
    pub file: &'a YamlFile,
    pub root: &'a Node,
    pub kind: &'a str,
    pub api_version: &'a str,
}

impl K8sDoc<'_> {
    pub fn name(&self) -> Option<&str> {
        self.root.path(&["metadata", "name"]).and_then(Node::as_str)
    }
    pub fn namespace(&self) -> Option<&str> {
        self.root
            .path(&["metadata", "namespace"])
            .and_then(Node::as_str)
    }
}

/// The secret scanner's hits in one file.
#[derive(Clone, Debug)]
pub struct FileSecrets {
    pub path: String,
    pub hits: Vec<vouch_secrets::SecretHit>,
}

/// A value derived once from the workspace (see [`Workspace::cached`]).
type Derived = Arc<dyn Any + Send + Sync>;

/// Everything the checks read, built once per audit.
pub struct Workspace {
    pub root: PathBuf,
    /// Sorted by path.
    pub files: Vec<FileEntry>,
    pub git: Option<GitInfo>,
    pub dockerfiles: Vec<DockerfileEntry>,
    pub yaml: Vec<YamlFile>,
    pub dependencies: Vec<Dependency>,
    pub facts: Facts,
    /// Facts from the source code (routes, sinks, settings), linked across files.
    pub code: vouch_code::CodeIndex,
    /// Candidate secrets found in the single read of every text file (sorted by path).
    pub secrets: Vec<FileSecrets>,
    /// Unreadable, oversized or unparsable inputs (besides per-format parse errors above).
    pub input_errors: Vec<InputError>,
    cache: Mutex<HashMap<TypeId, Arc<OnceLock<Derived>>>>,
}

impl Workspace {
    pub(crate) fn assemble(
        root: PathBuf,
        git: Option<GitInfo>,
        parts: walk::Collected,
    ) -> Workspace {
        let walk::Collected {
            mut files,
            mut dockerfiles,
            mut yaml,
            mut dependencies,
            mut facts,
            code,
            deferred_code,
            mut secrets,
            errors: mut input_errors,
        } = parts;
        secrets.sort_by(|a, b| a.path.cmp(&b.path));
        // Files with only config reads are parsed when a setting a fact uses needs them.
        let read = |rel: &str| -> Option<Vec<u8>> {
            let path = root.join(rel);
            let size = std::fs::metadata(&path).ok()?.len();
            (size <= MAX_READ_BYTES).then(|| std::fs::read(&path).ok())?
        };
        let code = vouch_code::CodeIndex::build_lazy(code, deferred_code, &read);
        for file in &code.files {
            if let Some((pos, message)) = file.parse_errors.first() {
                input_errors.push(InputError {
                    path: file.path.clone(),
                    message: format!(
                        "{message} at line {}: facts from the rest of the file are kept",
                        pos.line
                    ),
                });
            }
            if let Some(reason) = &file.skipped {
                input_errors.push(InputError {
                    path: file.path.clone(),
                    message: reason.clone(),
                });
            }
        }
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        dockerfiles.sort_by(|a, b| a.path.cmp(&b.path));
        yaml.sort_by(|a, b| a.path.cmp(&b.path));
        dependencies.sort_by(|a, b| (&a.path, a.line, &a.name).cmp(&(&b.path, b.line, &b.name)));
        facts.sort();
        input_errors.sort_by(|a, b| a.path.cmp(&b.path));
        Workspace {
            root,
            files,
            git,
            dockerfiles,
            yaml,
            dependencies,
            facts,
            code,
            secrets,
            input_errors,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The file at `rel` (files are sorted by path, so this is a binary search).
    pub fn file(&self, rel: &str) -> Option<&FileEntry> {
        self.files
            .binary_search_by(|f| f.rel.as_str().cmp(rel))
            .ok()
            .map(|i| &self.files[i])
    }

    pub fn files_of(&self, kind: FileKind) -> impl Iterator<Item = &FileEntry> {
        self.files.iter().filter(move |f| f.kind == kind)
    }

    /// Text of a file: kept in memory for configuration kinds, else read from disk (not cached).
    pub fn text(&self, rel: &str) -> Option<Arc<SourceText>> {
        let entry = self.file(rel)?;
        if let Some(text) = &entry.text {
            return Some(text.clone());
        }
        if entry.binary || entry.size > MAX_READ_BYTES {
            return None;
        }
        let bytes = std::fs::read(self.root.join(rel)).ok()?;
        Some(SourceText::from_bytes(rel, &bytes))
    }

    /// Some(true) when git tracks the file, Some(false) when it does not, None without git.
    pub fn is_tracked(&self, rel: &str) -> Option<bool> {
        self.git.as_ref().map(|g| g.tracked.contains(rel))
    }

    /// YAML files with `role`.
    pub fn yaml_with_role(&self, role: YamlRole) -> impl Iterator<Item = &YamlFile> {
        self.yaml.iter().filter(move |y| y.role == role)
    }

    /// Every Kubernetes object in plain manifests (Helm templates are not included: see
    /// the Kubernetes checks' Helm rendering).
    pub fn k8s_docs(&self) -> impl Iterator<Item = K8sDoc<'_>> {
        self.yaml
            .iter()
            .filter(|y| matches!(y.role, YamlRole::Other | YamlRole::Kustomization))
            .flat_map(|file| file.docs().iter().map(move |d| (file, &d.root)))
            .filter_map(|(file, root)| {
                let kind = root.get("kind")?.as_str()?;
                let api_version = root.get("apiVersion")?.as_str()?;
                Some(K8sDoc {
                    file,
                    root,
                    kind,
                    api_version,
                })
            })
    }

    /// Non-test source files per language.
    pub fn languages(&self) -> BTreeMap<Lang, usize> {
        let mut out = BTreeMap::new();
        for f in &self.files {
            if let FileKind::Source(lang) = f.kind
                && !f.class.test()
            {
                *out.entry(lang).or_insert(0) += 1;
            }
        }
        out
    }

    /// The first dependency (any ecosystem) whose normalised name is in `names`.
    pub fn find_dependency(&self, names: &[&str]) -> Option<&Dependency> {
        self.dependencies
            .iter()
            .find(|d| names.contains(&d.name.as_str()))
    }

    /// Declared dependencies that provide `capability` (a rate limiter, a metrics client, ...).
    pub fn uses(&self, capability: Capability) -> Vec<&Dependency> {
        libraries::providers(&self.dependencies, capability).collect()
    }

    /// A value derived from the workspace once and shared by every check that asks for it
    /// (the compose model, the Kubernetes object graph, ...). Keyed by the value's type.
    pub fn cached<T: Any + Send + Sync>(&self, build: impl FnOnce(&Workspace) -> T) -> Arc<T> {
        let cell = {
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            cache.entry(TypeId::of::<T>()).or_default().clone()
        };
        let value = cell
            .get_or_init(|| Arc::new(build(self)) as Arc<dyn Any + Send + Sync>)
            .clone();
        value
            .downcast::<T>()
            .unwrap_or_else(|_| unreachable!("cache entries are keyed by their type"))
    }
}
