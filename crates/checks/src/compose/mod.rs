//! Controls of this domain; one file per control, registered below.

use crate::registry::Check;

pub fn checks() -> Vec<&'static dyn Check> {
    vec![]
}
