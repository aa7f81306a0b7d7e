//! Live probes: controls in the `HTTP` domain, evaluated against a running service.
//!
//! A probe lives in one file, `src/http/<slug>.rs`: its [`ControlMeta`](vouch_core::ControlMeta)
//! (with the docs), the probe logic and unit tests; registration is one line in
//! `src/http/mod.rs`. Probes share one [`Target`]: its client, its request budget (every
//! request counts against `--max-requests` and is paced by `--rate`) and a memo of requests
//! several probes judge. The [`runner`] turns outcomes into the same `ControlResult`s the
//! static engine produces, so score, gate, suppressions and renderers work unchanged.

pub mod evidence;
pub mod exposition;
pub mod http;
pub mod openapi;
pub mod operations;
pub mod probe;
pub mod registry;
pub mod runner;
pub mod target;

pub use probe::{Probe, ProbeFuture, ProbeResult};
pub use registry::{all_probes, find};
pub use runner::{RunOptions, run};
pub use target::{
    Exchange, Request, RequestError, Streamed, Target, TargetError, TargetOptions, Upload,
};

/// What a probe file needs.
pub mod prelude {
    pub use crate::evidence::{at_path, seen};
    pub use crate::http::shared;
    pub use crate::probe::{Probe, ProbeFuture, ProbeResult};
    pub use crate::target::{Exchange, Request, Target};
    pub use reqwest::Method;
    pub use vouch_core::{Area, ControlMeta, Finding, Location, Outcome, Severity};
}
