//! Models and helpers shared by the data, documentation, testing and observability controls.
//! Each model is built once per audit through `Workspace::cached`.

pub mod alert_rules;
pub mod backups;
pub mod database;
pub mod deployable;
pub mod markdown;
pub mod migrations;
pub mod paths;
pub mod restore;
pub mod terraform;
pub mod test_files;
pub mod text;
pub mod tls;
pub mod yaml_files;

use vouch_core::Finding;

/// The same location (and snippet) with a new message.
pub fn with_message(f: &Finding, message: impl Into<String>) -> Finding {
    Finding {
        message: message.into(),
        ..f.clone()
    }
}
