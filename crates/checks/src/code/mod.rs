//! Source-code controls (`CODE`): verdicts over the facts the language extractors in
//! `vouch-code` found (routes, risky sinks, wired capabilities, settings). One file per
//! control; `support` holds the shared verdict shapes.

use crate::registry::Check;

pub mod support;

pub fn checks() -> Vec<&'static dyn Check> {
    vec![]
}
