//! CI pipeline and dependency-hygiene controls (`CI`). One file per control, registered in
//! `checks()`; the shared pipeline model lives in `model.rs`.

use crate::registry::Check;

pub mod model;

pub fn checks() -> Vec<&'static dyn Check> {
    vec![]
}
