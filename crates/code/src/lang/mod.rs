//! One module per language family. Each has `extract` (one file's tree → facts) and `link`
//! (cross-file: turn the family's import-relative names in link hints into the scope keys its
//! routes use, before the shared linker applies mounts and guards).

pub(crate) mod breaker_name;
mod coverage;
pub(crate) mod credential_value;
pub mod go;
pub mod java;
pub mod javascript;
pub mod python;
pub mod rust;

use crate::model::{FileCode, Language};
use tree_sitter::Tree;

/// Whether the file contains a word its extractor acts on (a fact word, a literal credential, or
/// a config read), or its path marks it as a settings module: it is parsed now or on demand.
pub fn may_have_facts(language: Language, path: &str, src: &[u8]) -> bool {
    crate::gate::gate(language, path, src) != crate::gate::Gate::Nothing
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
