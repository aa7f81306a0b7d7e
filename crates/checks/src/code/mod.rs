//! Source-code controls (`CODE`): verdicts over the facts the language extractors in
//! `vouch-code` found (routes, risky sinks, wired capabilities, settings). One file per
//! control: security controls (CODE001–019) in `security/`, API quality, resilience and
//! observability (CODE020–049) in `operations/`; `support` holds the shared verdict shapes.

use crate::registry::Check;

mod operations;
mod security;
pub mod support;

pub fn checks() -> Vec<&'static dyn Check> {
    let mut checks = security::checks();
    checks.extend(operations::checks());
    checks
}
