//! Parsing one file: pick the grammar, reuse a per-thread parser, collect syntax errors, and
//! hand the tree to the language's extractor.

use crate::model::{FileCode, Language, Pos};
use crate::{lang, syntax};
use std::cell::RefCell;
use std::collections::HashMap;
use tree_sitter::{Parser, Tree};

/// Source files larger than this are not parsed (reported as skipped with the reason).
pub const MAX_PARSE_BYTES: usize = 2 * 1024 * 1024;
/// At most this many syntax errors are kept per file.
const MAX_ERRORS: usize = 5;

thread_local! {
    static PARSERS: RefCell<HashMap<Language, Parser>> = RefCell::new(HashMap::new());
}

fn grammar(language: Language) -> tree_sitter::Language {
    match language {
        Language::Python => tree_sitter_python::LANGUAGE.into(),
        Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        Language::Go => tree_sitter_go::LANGUAGE.into(),
        Language::Rust => tree_sitter_rust::LANGUAGE.into(),
        Language::Java => tree_sitter_java::LANGUAGE.into(),
    }
}

/// Parses `src` with the grammar for `language`.
pub fn parse(language: Language, src: &[u8]) -> Option<Tree> {
    PARSERS.with_borrow_mut(|parsers| {
        let parser = parsers.entry(language).or_insert_with(|| {
            let mut p = Parser::new();
            // The grammars are compiled in; a version mismatch would be a build bug.
            p.set_language(&grammar(language))
                .expect("bundled grammar matches the tree-sitter runtime");
            p
        });
        parser.parse(src, None)
    })
}

/// Extracts the facts of one source file, or `None` when `path` is not in a parsed language.
pub fn extract(path: &str, src: &[u8]) -> Option<FileCode> {
    let language = Language::of_path(path)?;
    let mut out = FileCode {
        path: path.to_string(),
        language: Some(language),
        ..FileCode::default()
    };
    if let Some(reason) = skip_reason(path, src) {
        out.skipped = Some(reason);
        return Some(out);
    }
    if !lang::may_have_facts(language, path, src) {
        // Parsing is the expensive part (~10 MB/s per core): a file with none of the words
        // an extractor acts on cannot yield a fact, so its tree is never built.
        return Some(out);
    }
    let Some(tree) = parse(language, src) else {
        out.skipped = Some("the parser gave up on this file".into());
        return Some(out);
    };
    out.parse_errors = syntax_errors(&tree);
    lang::extract(language, path, src, &tree, &mut out);
    Some(out)
}

/// Minified bundles and huge generated files are not code a reviewer reads.
fn skip_reason(path: &str, src: &[u8]) -> Option<String> {
    if src.len() > MAX_PARSE_BYTES {
        return Some(format!(
            "not parsed: {} bytes is over the {} MiB limit for source files",
            src.len(),
            MAX_PARSE_BYTES >> 20
        ));
    }
    if path.contains(".min.") || path.ends_with(".bundle.js") {
        return Some("not parsed: minified bundle".into());
    }
    let lines = memchr_count(src).max(1);
    if src.len() > 20_000 && src.len() / lines > 400 {
        return Some("not parsed: minified or generated (very long lines)".into());
    }
    None
}

fn memchr_count(src: &[u8]) -> usize {
    src.iter().filter(|&&b| b == b'\n').count()
}

fn syntax_errors(tree: &Tree) -> Vec<(Pos, String)> {
    let root = tree.root_node();
    if !root.has_error() {
        return Vec::new();
    }
    let mut errors = Vec::new();
    syntax::walk(root, |node| {
        if errors.len() >= MAX_ERRORS {
            return false;
        }
        if node.is_error() {
            errors.push((syntax::pos(node), "syntax error".to_string()));
            return false;
        }
        if node.is_missing() {
            errors.push((syntax::pos(node), format!("missing `{}`", node.kind())));
            return false;
        }
        node.has_error()
    });
    errors
}
