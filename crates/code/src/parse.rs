//! Parsing one file: pick the grammar, reuse a per-thread parser, collect syntax errors, and
//! hand the tree to the language's extractor.

use crate::gate::{self, Gate};
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

/// What the walk keeps of one source file.
#[derive(Debug)]
pub enum Scanned {
    /// Parsed now (or skipped, or without any trigger word: then empty).
    Parsed(FileCode),
    /// Only config values can come out of it: parsed later if a setting needs them.
    Deferred(Deferred),
}

/// A source file whose config values are read only on demand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deferred {
    pub path: String,
    pub language: Language,
}

/// Extracts the facts of one source file, or `None` when `path` is not in a parsed language.
/// Files with only config words are parsed too (one file's complete answer).
pub fn extract(path: &str, src: &[u8]) -> Option<FileCode> {
    let language = Language::of_path(path)?;
    let parse = gate::gate(language, path, src) != Gate::Nothing;
    Some(analyse(path, language, src, parse))
}

/// The walk's view of one source file: parsed now when it may yield routes or facts, deferred
/// when only config values can come out of it.
pub fn scan(path: &str, src: &[u8]) -> Option<Scanned> {
    let language = Language::of_path(path)?;
    Some(scan_gated(
        path,
        language,
        src,
        gate::gate(language, path, src),
    ))
}

/// [`scan`] with the gate's verdict already known (see [`gate::GateJudge`]).
pub fn scan_gated(path: &str, language: Language, src: &[u8], gate: Gate) -> Scanned {
    match gate {
        Gate::Facts => Scanned::Parsed(analyse(path, language, src, true)),
        Gate::Config if skip_reason(path, src).is_none() => Scanned::Deferred(Deferred {
            path: path.to_string(),
            language,
        }),
        // Skipped files keep their reason; files without a trigger are not parsed.
        Gate::Config | Gate::Nothing => Scanned::Parsed(analyse(path, language, src, false)),
    }
}

/// The config values of a deferred file (its facts are empty by construction of the gate).
pub fn extract_config(deferred: &Deferred, src: &[u8]) -> FileCode {
    let mut out = analyse(&deferred.path, deferred.language, src, true);
    out.routes.clear();
    out.facts.clear();
    out.link_hints.clear();
    out
}

/// Parses and extracts regardless of trigger words (`parse_now == false`: only the skip check).
pub(crate) fn analyse(path: &str, language: Language, src: &[u8], parse_now: bool) -> FileCode {
    let mut out = FileCode {
        path: path.to_string(),
        language: Some(language),
        ..FileCode::default()
    };
    if let Some(reason) = skip_reason(path, src) {
        out.skipped = Some(reason);
        return out;
    }
    if !parse_now {
        // Parsing is the expensive part (~10 MB/s per core): a file with none of the words
        // an extractor acts on cannot yield a fact, so its tree is never built.
        return out;
    }
    let Some(tree) = parse(language, src) else {
        out.skipped = Some("the parser gave up on this file".into());
        return out;
    };
    out.parse_errors = syntax_errors(&tree);
    let depth = max_depth(&tree);
    if depth > MAX_EXTRACT_DEPTH {
        out.skipped = Some(format!(
            "not analysed: nesting {depth} levels deep (limit {MAX_EXTRACT_DEPTH})"
        ));
    } else if depth > DEEP {
        // Extractors recurse over expressions; a deeply nested (usually generated) file gets a
        // thread with room for that recursion instead of risking the worker's stack.
        let (owned_path, owned_src, owned_tree) = (path.to_string(), src.to_vec(), tree.clone());
        let mut taken = std::mem::take(&mut out);
        let handle = std::thread::Builder::new()
            .stack_size(DEEP_STACK)
            .spawn(move || {
                lang::extract(language, &owned_path, &owned_src, &owned_tree, &mut taken);
                taken
            });
        out = match handle.map(|h| h.join()) {
            Ok(Ok(done)) => done,
            _ => FileCode {
                path: path.to_string(),
                language: Some(language),
                skipped: Some("not analysed: the extractor failed on this file".into()),
                ..FileCode::default()
            },
        };
    } else {
        lang::extract(language, path, src, &tree, &mut out);
    }
    out
}

/// Nesting beyond which extraction runs on a thread with a larger stack.
const DEEP: usize = 200;
/// Nesting beyond which a file is not analysed at all (reported with the reason).
const MAX_EXTRACT_DEPTH: usize = 20_000;
const DEEP_STACK: usize = 1 << 30;

/// Deepest nesting of the syntax tree, measured without recursion.
fn max_depth(tree: &Tree) -> usize {
    let mut cursor = tree.walk();
    let (mut depth, mut max) = (0usize, 0usize);
    loop {
        if cursor.goto_first_child() {
            depth += 1;
            max = max.max(depth);
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return max;
            }
            depth -= 1;
        }
    }
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
    // Counting lines is a pass over the file: only files long enough to matter pay it.
    if src.len() > 20_000 && src.len() / newlines(src).max(1) > 400 {
        return Some("not parsed: minified or generated (very long lines)".into());
    }
    None
}

fn newlines(src: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', src).count()
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
