//! Renderers: pure functions of a [`Report`], one file per format.

pub mod json;
pub mod table;

pub use json::render_json;
pub use table::{TableOptions, render_table};
