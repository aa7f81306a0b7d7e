//! Markdown output for pull-request comments and wikis: a summary line, then one table per
//! verdict, false claims first.

use super::measure::is_load_control;
use super::report::{ChecklistReport, ItemReport};
use super::table::live_note;
use super::verdict::Verdict;
use std::fmt::Write;

pub fn render_markdown(report: &ChecklistReport) -> String {
    let s = &report.summary;
    let mut out = format!(
        "## Checklist verification: `{}`\n\n",
        cell(&report.checklist)
    );
    let _ = writeln!(
        out,
        "**{}** claimed but failing · {} not done · {} unknown · {} manual ({} signed off) · {} done but unticked · {} done\n",
        s.claimed_but_failing,
        s.not_done,
        s.unknown,
        s.manual,
        s.signed_off,
        s.done_but_unticked,
        s.done
    );
    for verdict in Verdict::ALL {
        let items: Vec<&ItemReport> = report
            .items
            .iter()
            .filter(|i| i.verdict == verdict)
            .collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {} ({})\n", verdict.label(), items.len());
        out.push_str("| Line | ID | Item | Controls | Evidence |\n|---:|---|---|---|---|\n");
        for item in items {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                item.line,
                cell(&item.id),
                cell(&item.text),
                cell(&controls(item)),
                cell(&evidence(item)),
            );
        }
        out.push('\n');
    }
    if !report.signoffs.is_empty() {
        out.push_str("### Sign-offs\n\n| Section | By | On | State |\n|---|---|---|---|\n");
        for so in &report.signoffs {
            let state = if !so.valid {
                format!("invalid: {}", so.problems.join("; "))
            } else if so.stale {
                format!("stale: {}", so.problems.join("; "))
            } else {
                "valid".to_string()
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(&so.section),
                cell(&so.name),
                cell(&so.signed_at),
                cell(&state)
            );
        }
    }
    out
}

fn controls(item: &ItemReport) -> String {
    item.controls
        .iter()
        .map(|c| format!("{} {}", c.id, c.outcome.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn evidence(item: &ItemReport) -> String {
    if matches!(item.verdict, Verdict::ClaimedButFailing | Verdict::NotDone) {
        let mut parts: Vec<String> = item
            .evidence
            .iter()
            .take(3)
            .map(|e| format!("`{}` {}", e.place(), e.message))
            .collect();
        if item.evidence.len() > 3 {
            parts.push(format!("and {} more", item.evidence.len() - 3));
        }
        return parts.join("<br>");
    }
    let mut text = item.reason.clone().unwrap_or_default();
    if let Some(by) = &item.signed_off_by {
        text = format!("signed off by {} on {}", by.name, by.at);
    }
    let measured: Vec<String> = item
        .evidence
        .iter()
        .filter(|e| is_load_control(&e.control))
        .map(|e| format!("measured: {}", e.message))
        .collect();
    let notes = measured.into_iter().chain(live_note(item));
    for note in notes {
        if !text.is_empty() {
            text.push_str("<br>");
        }
        text.push_str(&note);
    }
    text
}

/// Table cells cannot hold pipes or line breaks.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}
