//! Source-code facts: every Python, JavaScript/TypeScript, Go, Rust and Java file is parsed once
//! with its tree-sitter grammar, and a per-language extractor turns the tree into [`FileCode`]:
//! routes with their auth, config values, and [`Fact`]s (risky sinks, wired capabilities).
//! A linking pass then resolves what spans files (router prefixes, guards, settings).

pub mod gate;
mod identifier_words;
mod index;
pub mod lang;
mod link;
pub mod model;
mod parse;
pub mod syntax;

pub use identifier_words::identifier_words;
pub use index::CodeIndex;
pub use model::{
    Auth, ConfigValue, Fact, FactKind, FileCode, Language, LinkHint, Pos, Route, RouteKind, Value,
};
pub use parse::{Deferred, MAX_PARSE_BYTES, Scanned, extract, extract_config, scan, scan_gated};

#[cfg(test)]
mod gate_lossless_test;
