//! Security controls over source code (CODE001–019).

use crate::registry::Check;

pub fn checks() -> Vec<&'static dyn Check> {
    vec![]
}
