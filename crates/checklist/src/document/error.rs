//! What can go wrong when reading a checklist or rewriting one of its items.

use thiserror::Error;

/// The input could not be read as a Markdown text document.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DocumentError {
    #[error("not a text document: {0}")]
    Binary(String),
    #[error("invalid {encoding} text at byte {offset}")]
    InvalidEncoding {
        encoding: &'static str,
        offset: usize,
    },
    #[error("unsupported encoding: {0}")]
    Unsupported(&'static str),
}

/// An edit that cannot be made without changing more than the item's marker or comment.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum EditError {
    #[error("no item number {0}")]
    NoSuchItem(usize),
    #[error("item on line {line} has no status marker to rewrite")]
    NoMarker { line: usize },
    #[error("item on line {line}: the document has no way to write status {status}")]
    NoStyle { line: usize, status: &'static str },
    #[error("annotation must be one line without \"--\": {0:?}")]
    InvalidAnnotation(String),
    #[error("the document's encoding ({0}) cannot represent the new text")]
    Unrepresentable(&'static str),
}
