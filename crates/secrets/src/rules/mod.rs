//! Every rule, one file per category.

mod cloud;

use crate::rule::Rule;

/// All rules, in a stable order.
pub fn all() -> Vec<&'static Rule> {
    let groups: [&'static [Rule]; 1] = [cloud::RULES];
    groups.iter().flat_map(|g| g.iter()).collect()
}
