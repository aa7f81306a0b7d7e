//! vouch's vocabulary: controls, outcomes, findings, reports, the score and the configuration.
//! No I/O lives here; every other crate speaks in these types.

pub mod config;
pub mod control;
pub mod finding;
pub mod outcome;
pub mod report;
pub mod score;
pub mod severity;

pub use config::{Config, ConfigError, Suppression};
pub use control::{Area, ControlMeta};
pub use finding::{Finding, Location, fingerprint};
pub use outcome::Outcome;
pub use report::{ControlRef, ControlResult, Counts, OutcomeKind, Report, Target, Tool};
pub use score::Score;
pub use severity::Severity;
