//! Checklists on the server: the item verdicts of every checklist run (history), and signed
//! sign-offs, uploaded (verified on upload) or made by the server for a user, judged against
//! the latest checklist run (valid, trusted, stale).

pub mod items;
pub mod key;
pub mod routes;
pub mod run_items;
pub mod sign;
pub mod staleness;
pub mod store;
pub mod types;
pub mod upload;
pub mod webhook_signals;

pub use sign::sign_section;
pub use types::StoredSignoff;
