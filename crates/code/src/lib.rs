//! Source-code facts: every Python, JavaScript/TypeScript, Go, Rust and Java file is parsed once
//! with its tree-sitter grammar, and a per-language extractor turns the tree into [`FileCode`]:
//! routes with their auth, config values, and [`Fact`]s (risky sinks, wired capabilities).
//! A linking pass then resolves what spans files (router prefixes, guards, settings).

mod index;
pub mod lang;
mod link;
pub mod model;
mod parse;
pub mod syntax;

pub use index::CodeIndex;
pub use model::{
    Auth, ConfigValue, Fact, FactKind, FileCode, Language, LinkHint, Pos, Route, RouteKind, Value,
};
pub use parse::{MAX_PARSE_BYTES, extract};
