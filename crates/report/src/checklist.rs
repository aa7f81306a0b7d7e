//! Checklist verdicts as the renderers see them: a plain struct, shaped like the items of the
//! `vouch.checklist/v1` JSON document (unknown fields ignored), so `checklist verify` can hand
//! its result over directly or through its JSON.

use crate::escape::{markdown_inline, markdown_text};
use serde::{Deserialize, Serialize};
use std::fmt::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimVerdict {
    /// Ticked in the document, but a mapped control fails: the headline.
    ClaimedButFailing,
    NotDone,
    Unknown,
    Manual,
    DoneButUnticked,
    Done,
}

impl ClaimVerdict {
    /// Headline first: the order sections appear in.
    pub const ORDER: [ClaimVerdict; 6] = [
        ClaimVerdict::ClaimedButFailing,
        ClaimVerdict::NotDone,
        ClaimVerdict::Unknown,
        ClaimVerdict::Manual,
        ClaimVerdict::DoneButUnticked,
        ClaimVerdict::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimVerdict::ClaimedButFailing => "claimed_but_failing",
            ClaimVerdict::NotDone => "not_done",
            ClaimVerdict::Unknown => "unknown",
            ClaimVerdict::Manual => "manual",
            ClaimVerdict::DoneButUnticked => "done_but_unticked",
            ClaimVerdict::Done => "done",
        }
    }

    pub fn heading(self) -> &'static str {
        match self {
            ClaimVerdict::ClaimedButFailing => "Claimed done, but failing",
            ClaimVerdict::NotDone => "Not done",
            ClaimVerdict::Unknown => "Could not be decided",
            ClaimVerdict::Manual => "Needs a human",
            ClaimVerdict::DoneButUnticked => "Done, but not ticked",
            ClaimVerdict::Done => "Done",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClaimControl {
    pub id: String,
    pub outcome: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClaimEvidence {
    pub path: String,
    #[serde(default)]
    pub line: Option<u32>,
    pub message: String,
}

/// One checklist item with its verdict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClaimRow {
    /// Line of the item in the checklist file.
    pub line: usize,
    #[serde(default)]
    pub id: Option<String>,
    pub text: String,
    #[serde(default)]
    pub section: Vec<String>,
    pub verdict: ClaimVerdict,
    #[serde(default)]
    pub controls: Vec<ClaimControl>,
    #[serde(default)]
    pub evidence: Vec<ClaimEvidence>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChecklistVerdicts {
    /// The checklist file, as given.
    #[serde(default)]
    pub source: String,
    pub items: Vec<ClaimRow>,
}

impl ChecklistVerdicts {
    pub fn count(&self, verdict: ClaimVerdict) -> usize {
        self.items.iter().filter(|i| i.verdict == verdict).count()
    }

    /// Items grouped by verdict, headline first; empty groups left out.
    pub fn grouped(&self) -> Vec<(ClaimVerdict, Vec<&ClaimRow>)> {
        ClaimVerdict::ORDER
            .iter()
            .map(|v| (*v, self.items.iter().filter(|i| i.verdict == *v).collect()))
            .filter(|(_, items): &(ClaimVerdict, Vec<&ClaimRow>)| !items.is_empty())
            .collect()
    }
}

/// Evidence lines shown per item before "and N more".
const EVIDENCE_SHOWN: usize = 5;

/// The checklist as Markdown, leading with the claims that failed. `heading` is the level of
/// the section's own heading (`##` for a standalone report, `###` inside the audit summary).
pub fn render_checklist_markdown(
    checklist: &ChecklistVerdicts,
    heading: &str,
    docs_url: &str,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{heading} Checklist `{}`\n",
        checklist.source.replace('`', "'")
    );
    let counts: Vec<String> = ClaimVerdict::ORDER
        .iter()
        .map(|v| format!("{} {}", checklist.count(*v), v.as_str().replace('_', " ")))
        .collect();
    let _ = writeln!(out, "{}\n", counts.join(" · "));
    if checklist.items.is_empty() {
        out.push_str("The checklist has no items.\n");
        return out;
    }
    for (verdict, items) in checklist.grouped() {
        let collapsed = matches!(verdict, ClaimVerdict::Done | ClaimVerdict::DoneButUnticked);
        let title = format!("{} ({})", verdict.heading(), items.len());
        if collapsed {
            let _ = writeln!(out, "<details><summary>{title}</summary>\n");
        } else {
            let _ = writeln!(out, "{heading}# {title}\n");
        }
        for item in items {
            let controls: Vec<String> = item
                .controls
                .iter()
                .map(|c| {
                    format!(
                        "[{id}]({docs_url}/{id}.md) {}",
                        markdown_inline(&c.outcome),
                        id = markdown_inline(&c.id)
                    )
                })
                .collect();
            let id = item
                .id
                .as_deref()
                .map(|i| format!("**{}** ", markdown_inline(i)))
                .unwrap_or_default();
            let _ = write!(
                out,
                "- {id}{} <sub>line {}",
                markdown_inline(&item.text),
                item.line
            );
            if !controls.is_empty() {
                let _ = write!(out, " · {}", controls.join(", "));
            }
            out.push_str("</sub>\n");
            for e in item.evidence.iter().take(EVIDENCE_SHOWN) {
                let place = match e.line {
                    Some(l) => format!("{}:{l}", e.path),
                    None => e.path.clone(),
                };
                let _ = writeln!(
                    out,
                    "  - `{}` {}",
                    place.replace('`', "'"),
                    markdown_text(&e.message)
                );
            }
            if item.evidence.len() > EVIDENCE_SHOWN {
                let _ = writeln!(
                    out,
                    "  - … and {} more",
                    item.evidence.len() - EVIDENCE_SHOWN
                );
            }
        }
        out.push('\n');
        if collapsed {
            out.push_str("</details>\n\n");
        }
    }
    out
}
