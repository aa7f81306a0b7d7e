//! Every static control and the engine that runs them.
//!
//! A control lives in one file, `src/<domain>/<slug>.rs`: its [`ControlMeta`] (with the docs),
//! the check logic, and unit tests; fixtures live in `fixtures/<domain>/<slug>/{good*,bad*}`.
//! Registration is one line in the domain's `mod.rs`.

pub mod engine;
pub mod evidence;
pub mod registry;
pub mod secret_values;

pub mod ci;
pub mod code;
pub mod compose;
pub mod data;
pub mod dockerfile;
pub mod kubernetes;
pub mod repo;

pub use engine::{EngineOptions, RunOutput, run, set_threads};
pub use registry::{Check, all_checks, domain_dir, find};

/// What a control file needs.
pub mod prelude {
    pub use crate::evidence::{finding_at, finding_file, finding_node, redact_value};
    pub use crate::registry::Check;
    pub use vouch_core::{Area, ControlMeta, Finding, Location, Outcome, Severity};
    pub use vouch_workspace::{Node, Workspace};
}
