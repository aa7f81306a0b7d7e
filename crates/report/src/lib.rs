//! Renderers: pure functions of a [`Report`](vouch_core::Report), one file per format, plus
//! the baseline comparison they can show and the checklist verdicts they can append.

pub mod baseline;
pub mod checklist;
mod escape;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
mod order;
pub mod sarif;
pub mod table;

pub use baseline::{BaselineDiff, FindingStatus};
pub use checklist::{
    ChecklistVerdicts, ClaimControl, ClaimEvidence, ClaimRow, ClaimVerdict,
    render_checklist_markdown,
};
pub use html::{HtmlOptions, render_html};
pub use json::{render_json, render_json_with_baseline};
pub use junit::render_junit;
pub use markdown::{MarkdownOptions, render_markdown};
pub use sarif::render_sarif;
pub use table::{TableOptions, render_table};
