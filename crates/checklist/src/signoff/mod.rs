//! Sign-offs: a person vouches for a section of the checklist (its items, their verdicts and
//! evidence, at a commit) with an Ed25519 signature kept in `.vouch/signoffs.json`.
//! `checklist verify` checks every signature and calls a sign-off stale once the items or the
//! evidence it covered have changed.

pub mod check;
mod hex;
pub mod keys;
pub mod record;
pub mod section;
pub mod store;

pub use check::{SignoffCheck, changes, check_signoffs};
pub use keys::{generate_key_pair, read_signing_key};
pub use record::{SignedItem, SignoffEntry, SignoffPayload, sign, signed_items};
pub use section::select_section;
pub use store::{SIGNOFFS_SCHEMA, SignoffFile, append_entry, load_entries, signoffs_path};

#[derive(Debug, thiserror::Error)]
pub enum SignoffError {
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("{path}: {message}")]
    BadKey { path: String, message: String },
    #[error("{path}: not a vouch sign-off file: {message}")]
    BadStore { path: String, message: String },
    #[error("{0}")]
    Section(String),
    #[error("no random numbers from the operating system: {0}")]
    Random(String),
}

impl SignoffError {
    pub(crate) fn io(path: &std::path::Path, err: impl std::fmt::Display) -> Self {
        SignoffError::Io {
            path: path.display().to_string(),
            message: err.to_string(),
        }
    }
}
