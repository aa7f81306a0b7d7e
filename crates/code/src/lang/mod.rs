//! One module per language family. Each has `extract` (one file's tree → facts) and `link`
//! (cross-file: turn the family's import-relative names in link hints into the scope keys its
//! routes use, before the shared linker applies mounts and guards).

mod coverage;
pub mod go;
pub mod java;
pub mod javascript;
pub mod python;
pub mod rust;

use crate::model::{FileCode, Language};
use aho_corasick::AhoCorasick;
use std::sync::LazyLock;
use tree_sitter::Tree;

/// One automaton per family over its extractor's trigger words.
static TRIGGERS: LazyLock<[AhoCorasick; 5]> = LazyLock::new(|| {
    let build = |words: &[&str]| AhoCorasick::new(words).expect("static trigger words");
    [
        build(python::TRIGGERS),
        build(javascript::TRIGGERS),
        build(go::TRIGGERS),
        build(rust::TRIGGERS),
        build(java::TRIGGERS),
    ]
});

/// Whether the file contains any word its extractor acts on (import names, call names,
/// decorators, setting names), or its path marks it as a settings module.
pub fn may_have_facts(language: Language, path: &str, src: &[u8]) -> bool {
    let family = match language {
        Language::Python => 0,
        Language::JavaScript | Language::TypeScript | Language::Tsx => 1,
        Language::Go => 2,
        Language::Rust => 3,
        Language::Java => 4,
    };
    is_settings_path(path) || TRIGGERS[family].is_match(src)
}

/// Settings and constants modules define the values other files refer to.
fn is_settings_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let stem = name.split('.').next().unwrap_or("");
    [
        "settings",
        "config",
        "constants",
        "conf",
        "env",
        "environment",
    ]
    .iter()
    .any(|s| stem == *s || stem.ends_with(&format!("_{s}")) || stem.starts_with(&format!("{s}_")))
}

pub fn extract(language: Language, path: &str, src: &[u8], tree: &Tree, out: &mut FileCode) {
    match language {
        Language::Python => python::extract(path, src, tree, out),
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            javascript::extract(path, src, tree, out)
        }
        Language::Go => go::extract(path, src, tree, out),
        Language::Rust => rust::extract(path, src, tree, out),
        Language::Java => java::extract(path, src, tree, out),
    }
}

/// Whether the extractor for `language` looks for facts of this variant (it emits them, or
/// the construct cannot exist in that language). A control whose facts no extractor of the
/// repository's languages looks for answers Unknown instead of a false pass.
pub fn detects(language: Language, variant: &str) -> bool {
    let (emits, absent): (&[&str], &[(&str, &str)]) = match language {
        Language::Python => (coverage::python::DETECTS, coverage::python::ABSENT),
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            (coverage::javascript::DETECTS, coverage::javascript::ABSENT)
        }
        Language::Go => (coverage::go::DETECTS, coverage::go::ABSENT),
        Language::Rust => (coverage::rust::DETECTS, coverage::rust::ABSENT),
        Language::Java => (coverage::java::DETECTS, coverage::java::ABSENT),
    };
    emits.contains(&variant) || absent.iter().any(|(v, _)| *v == variant)
}

/// Language-specific cross-file resolution over all files of the workspace.
pub fn link(files: &mut [FileCode]) {
    python::link(files);
    javascript::link(files);
    go::link(files);
    rust::link(files);
    java::link(files);
}

#[cfg(test)]
mod coverage_test;
