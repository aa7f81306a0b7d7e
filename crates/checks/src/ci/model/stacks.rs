//! The language stacks a repository builds: a stack counts when its manifest is present with
//! source code beside it (a `package.json` that only holds commit-lint tooling is not a Node
//! service), or when its code dominates without a manifest. Test code, docs, examples and
//! vendored code are ignored.

use vouch_workspace::{
    Ecosystem, FileKind, Lang, Workspace, is_docs_or_example_path, is_test_path,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stack {
    Python,
    Node,
    Go,
    Rust,
    Jvm,
    Ruby,
    Php,
    Dotnet,
}

impl Stack {
    pub fn name(self) -> &'static str {
        match self {
            Stack::Python => "Python",
            Stack::Node => "JavaScript/TypeScript",
            Stack::Go => "Go",
            Stack::Rust => "Rust",
            Stack::Jvm => "Java/Kotlin",
            Stack::Ruby => "Ruby",
            Stack::Php => "PHP",
            Stack::Dotnet => ".NET",
        }
    }
}

/// A stack found in the repository, with the file that shows it (its manifest when there is one).
#[derive(Clone, Debug)]
pub struct StackInfo {
    pub stack: Stack,
    pub evidence: String,
    /// Node only: TypeScript sources exist.
    pub typescript: bool,
    /// Non-test source files of the stack.
    pub files: usize,
}

pub fn is_vendored(rel: &str) -> bool {
    rel.split('/').any(|p| {
        matches!(
            p,
            "vendor"
                | "node_modules"
                | "third_party"
                | "third-party"
                | ".venv"
                | "venv"
                | "dist"
                | "build"
                | "target"
        )
    })
}

/// Tooling files that do not make a code base (`noxfile.py`, `eslint.config.js`, ...).
fn is_tooling(rel: &str) -> bool {
    let name =
        vouch_workspace::facts::paths::lowercase(vouch_workspace::facts::paths::file_name(rel));
    matches!(
        &*name,
        "noxfile.py"
            | "setup.py"
            | "fabfile.py"
            | "tasks.py"
            | "conf.py"
            | "gulpfile.js"
            | "gruntfile.js"
            | "build.rs"
    ) || name.contains(".config.")
        || name.starts_with('.')
        || name.ends_with("rc.js")
        || name.ends_with("rc.cjs")
        || name.ends_with(".d.ts")
}

pub fn lang_stack(lang: Lang) -> Option<Stack> {
    Some(match lang {
        Lang::Python => Stack::Python,
        Lang::JavaScript | Lang::TypeScript => Stack::Node,
        Lang::Go => Stack::Go,
        Lang::Rust => Stack::Rust,
        Lang::Java | Lang::Kotlin => Stack::Jvm,
        Lang::Ruby => Stack::Ruby,
        Lang::Php => Stack::Php,
        Lang::CSharp => Stack::Dotnet,
    })
}

fn manifest_stack(rel: &str, kind: FileKind) -> Option<Stack> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    match kind {
        FileKind::Manifest(Ecosystem::Python) => Some(Stack::Python),
        FileKind::Manifest(Ecosystem::Npm) => Some(Stack::Node),
        FileKind::Manifest(Ecosystem::Go) => Some(Stack::Go),
        FileKind::Manifest(Ecosystem::Cargo) => Some(Stack::Rust),
        FileKind::Manifest(Ecosystem::Maven | Ecosystem::Gradle) => Some(Stack::Jvm),
        _ if name == "Gemfile" => Some(Stack::Ruby),
        _ if name == "composer.json" => Some(Stack::Php),
        _ if name.ends_with(".csproj") || name.ends_with(".fsproj") => Some(Stack::Dotnet),
        _ => None,
    }
}

pub fn detect(ws: &Workspace) -> Vec<StackInfo> {
    let counted =
        |rel: &str| !is_test_path(rel) && !is_docs_or_example_path(rel) && !is_vendored(rel);
    let mut sources: std::collections::BTreeMap<Stack, (usize, bool, String)> = Default::default();
    let mut manifests: std::collections::BTreeMap<Stack, String> = Default::default();
    for f in &ws.files {
        if !counted(&f.rel) {
            continue;
        }
        if let FileKind::Source(lang) = f.kind {
            if is_tooling(&f.rel) {
                continue;
            }
            if let Some(s) = lang_stack(lang) {
                let e = sources.entry(s).or_insert((0, false, f.rel.clone()));
                e.0 += 1;
                e.1 |= lang == Lang::TypeScript;
            }
        } else if let Some(s) = manifest_stack(&f.rel, f.kind) {
            let e = manifests.entry(s).or_insert_with(|| f.rel.clone());
            // Prefer the shallowest manifest as evidence.
            if f.rel.matches('/').count() < e.matches('/').count() {
                *e = f.rel.clone();
            }
        }
    }
    let total: usize = sources.values().map(|v| v.0).sum();
    sources
        .into_iter()
        .filter_map(|(stack, (n, ts, first))| {
            let manifest = manifests.get(&stack).cloned();
            // Without a manifest, loose scripts count only when they are most of the code.
            let dominant = n >= 3 && n * 2 > total;
            (manifest.is_some() || dominant).then(|| StackInfo {
                stack,
                evidence: manifest.unwrap_or(first),
                typescript: ts,
                files: n,
            })
        })
        .collect()
}
