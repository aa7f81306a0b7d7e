//! The shared vocabulary of a checklist: what the document parser produces, what the mapper
//! and the verdicts consume, and what the JSON report (`vouch.checklist/v1`) shows.

use serde::Serialize;

/// The state the document claims for an item, read from its marker or table cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// `[ ]`
    Open,
    /// `[x]`, `[X]`, `[✅]`, a ticked Done cell.
    Done,
    /// `[→]`, `[~]` when the document's key says so.
    InProgress,
    /// `[❌]`, `[!]`.
    Blocked,
    /// `[-]`, `N/A`.
    NotApplicable,
    /// No marker at all (plain bullet, numbered item, prose).
    None,
}

impl Status {
    /// Whether the document claims the item is finished.
    pub fn claims_done(self) -> bool {
        self == Status::Done
    }
}

/// Priority from headings, emoji (🔴 🟠 🟡 🟢), words (CRITICAL/HIGH/..., P0–P3, blocker).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Critical,
    High,
    Medium,
    Low,
}

/// How the item is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// `- [ ] text` (and the extended markers).
    Task,
    /// `- text` under a checklist heading.
    Bullet,
    /// `1. text` under a checklist heading.
    Numbered,
    /// A table row with a checkbox or Done column.
    TableRow,
}

/// Comparison in a numeric target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Comparison {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "=")]
    Eq,
}

/// A numeric target inside an item ("p95 latency < 100ms", "coverage >= 80%").
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Target {
    /// Normalised metric name: `latency_p95`, `coverage`, `throughput`, `error_rate`, ...
    pub metric: String,
    pub comparison: Comparison,
    /// In the base unit: milliseconds for durations, percent for ratios, requests per second.
    pub value: f64,
    /// The unit as written (`ms`, `s`, `%`, `req/s`).
    pub unit: String,
    /// The words the target was read from.
    pub text: String,
}

/// One checklist item.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Item {
    /// 1-based line of the item in the document.
    pub line: usize,
    /// The document's own ID (`pa_01`, `sec-001`, `LA-010`, `RR-003`, `1.1`), else a stable
    /// one derived from section and text.
    pub id: String,
    /// Whether `id` was written in the document.
    pub id_in_doc: bool,
    /// The item's words without marker, ID, emphasis or trailing annotations.
    pub text: String,
    /// Heading path, outermost first ("Layer 5: Security Validation", "Penetration Testing").
    pub section: Vec<String>,
    pub kind: ItemKind,
    /// Nesting depth (0 = top-level list item).
    pub depth: usize,
    pub status: Status,
    pub priority: Option<Priority>,
    /// "Effort: 16-24 hours" as written.
    pub effort: Option<String>,
    /// "Owner: DevOps" as written.
    pub owner: Option<String>,
    pub targets: Vec<Target>,
    /// Control IDs from an explicit `<!-- vouch: CMP001, K8S010 -->` comment.
    pub explicit_controls: Vec<String>,
}

/// A sign-off line (`**Sign-off**: ____ Date: ____`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SignoffLine {
    pub line: usize,
    pub section: Vec<String>,
    /// The name written on the line, if it is filled in.
    pub name: Option<String>,
    pub date: Option<String>,
}
