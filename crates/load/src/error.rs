//! Errors that stop a load run before it starts: bad options, bad scenario files, bad URLs.
//! Failures during the run are data (transport errors by kind), never an `Err`.

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum LoadError {
    /// A command-line value or scenario field that cannot be used (a usage error, exit 2).
    #[error("{0}")]
    Usage(String),
    /// The scenario file could not be read or parsed.
    #[error("{path}: {message}")]
    Scenario { path: String, message: String },
    /// The target's name did not resolve to an address.
    #[error("cannot resolve {host}: {message}")]
    Resolve { host: String, message: String },
    /// The async runtime could not be started.
    #[error("cannot start the runtime: {0}")]
    Runtime(String),
}

pub fn usage(message: impl Into<String>) -> LoadError {
    LoadError::Usage(message.into())
}
