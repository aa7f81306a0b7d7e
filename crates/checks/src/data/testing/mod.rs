//! Testing controls (`TST`): unit, integration, end-to-end, load and chaos tests.

pub mod chaos_tests;
pub mod end_to_end_tests;
pub mod integration_tests;
pub mod load_test_scripts;
pub mod tests_per_language;
