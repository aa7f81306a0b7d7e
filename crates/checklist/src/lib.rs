//! Readiness checklists as teams write them: read any Markdown checklist losslessly
//! ([`document`]), map each item to the controls that can prove it ([`mapping`]), and give
//! every claim a verdict backed by evidence.

pub mod document;
pub mod mapping;
pub mod model;
