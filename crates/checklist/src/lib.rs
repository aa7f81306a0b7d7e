//! Readiness checklists as teams write them: read any Markdown checklist losslessly
//! ([`document`]), map each item to the controls that can prove it ([`mapping`]), give every
//! claim a verdict backed by evidence ([`verify`]), record people's sign-offs ([`signoff`]),
//! and generate a checklist from the catalogue ([`init`]).

pub mod document;
pub mod init;
pub mod mapping;
pub mod model;
pub mod signoff;
pub mod verify;
