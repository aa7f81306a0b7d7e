//! go extractor.

use crate::model::FileCode;
use tree_sitter::Tree;

/// Words without which a file cannot yield a fact for this extractor (the parse is skipped).
/// Every construct the extractor recognises must contain one of them.
pub const TRIGGERS: &[&str] = &[];

pub fn extract(_path: &str, _src: &[u8], _tree: &Tree, _out: &mut FileCode) {}

pub fn link(_files: &mut [FileCode]) {}
