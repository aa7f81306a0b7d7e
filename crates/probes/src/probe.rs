//! The probe trait: a control evaluated against the live target.

use crate::target::{RequestError, Target};
use std::future::Future;
use std::pin::Pin;
use vouch_core::{ControlMeta, Outcome};

/// A probe's verdict, or the request failure that kept it from one (`?` in probes). The
/// runner turns a budget or timeout failure into Unknown and anything else into Error.
pub type ProbeResult = Result<Outcome, RequestError>;

pub type ProbeFuture<'a> = Pin<Box<dyn Future<Output = ProbeResult> + Send + 'a>>;

/// A dynamic control's logic. Implementations are unit structs registered in a domain list;
/// `run` is usually `Box::pin(check(t))` around a plain `async fn check(t: &Target)`.
pub trait Probe: Send + Sync {
    fn meta(&self) -> &'static ControlMeta;
    fn run<'a>(&'a self, target: &'a Target) -> ProbeFuture<'a>;

    /// A probe whose requests change how the target answers others (a burst that trips the
    /// rate limiter): the runner runs it alone, after every other probe.
    fn exclusive(&self) -> bool {
        false
    }
}
