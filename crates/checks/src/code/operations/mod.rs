//! API quality, resilience and observability controls over source code (CODE020–049).

use crate::registry::Check;

pub fn checks() -> Vec<&'static dyn Check> {
    vec![]
}
