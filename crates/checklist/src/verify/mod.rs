//! Claim verdicts: which ticked boxes are true. Pure logic over the document's items, how each
//! item maps to controls ([`plan`]), and the audit's results per control.
//!
//! One verdict per item ([`Verdict`]), the controls and the evidence behind it, and the
//! `vouch.checklist/v1` JSON report ([`report`]) with its text renderers.

pub mod atomic;
pub mod evidence;
pub mod markdown;
pub mod measure;
pub mod plan;
pub mod report;
pub mod table;
pub mod verdict;
pub mod write_back;

pub use plan::{ItemPlan, MappingSource, PlannedControl};
pub use report::{
    CHECKLIST_SCHEMA, ChecklistReport, ControlCheck, EvidenceRef, ItemReport, SignedOffBy, Summary,
};
pub use verdict::{Verdict, verify_items};
