//! A summary made for a pull-request comment: score, per-area bars, the failing controls with
//! links to their docs, evidence collapsed in `<details>`, the baseline comparison and the
//! checklist verdicts when present. Sized to stay under GitHub's 65,536-character comment limit.

use crate::baseline::{BaselineDiff, FindingStatus};
use crate::checklist::{ChecklistVerdicts, render_checklist_markdown};
use crate::escape::{markdown_fence, markdown_inline, markdown_text};
use crate::order::failing;
use std::fmt::Write;
use vouch_core::{ControlResult, OutcomeKind, Report, Severity};

pub struct MarkdownOptions<'a> {
    /// Base of the control docs links: `{docs_url}/{ID}.md`.
    pub docs_url: &'a str,
    pub baseline: Option<&'a BaselineDiff>,
    pub checklist: Option<&'a ChecklistVerdicts>,
}

/// Findings shown per control; the rest are counted.
const FINDINGS_SHOWN: usize = 10;
/// Failing controls given a `<details>` block; the rest are listed in the table only.
const DETAILS_SHOWN: usize = 40;

pub fn severity_badge(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "🟥 critical",
        Severity::High => "🔴 high",
        Severity::Medium => "🟠 medium",
        Severity::Low => "🟡 low",
        Severity::Info => "⚪ info",
    }
}

fn bar(score: u8) -> String {
    let filled = (score as usize + 5) / 10;
    format!("{}{}", "█".repeat(filled), "░".repeat(10 - filled))
}

fn doc_link(docs_url: &str, id: &str) -> String {
    format!(
        "[{}]({}/{}.md)",
        markdown_inline(id),
        docs_url.trim_end_matches('/'),
        id
    )
}

fn header(out: &mut String, report: &Report) {
    let score = report
        .score
        .overall
        .map(|s| format!("{s}/100"))
        .unwrap_or_else(|| "n/a".into());
    let _ = writeln!(out, "## vouch production-readiness: {score}\n");
    let commit = report
        .target
        .commit
        .as_deref()
        .map(|c| format!(" @ `{}`", &c[..c.len().min(12)]))
        .unwrap_or_default();
    let gate = match report.gate.fail_on {
        Some(t) if report.gate.failed => format!(" · gate `--fail-on {t}`: ❌ failed"),
        Some(t) => format!(" · gate `--fail-on {t}`: ✅ passed"),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "<sub>{} {} · `{}`{commit} · {} files{gate}</sub>\n",
        markdown_inline(&report.tool.name),
        markdown_inline(&report.tool.version),
        report.target.path.replace('`', "'"),
        report.files_scanned
    );
    let c = &report.counts;
    let _ = writeln!(
        out,
        "**{}** passed · **{}** failed · {} unknown · {} not applicable · {} errored · {} findings suppressed\n",
        c.pass, c.fail, c.unknown, c.not_applicable, c.error, c.suppressed_findings
    );
}

fn areas(out: &mut String, report: &Report) {
    out.push_str("| Area | Score | |\n|---|---|---:|\n");
    for (area, score) in &report.score.areas {
        match score {
            Some(s) => {
                let _ = writeln!(out, "| {area} | `{}` | {s} |", bar(*s));
            }
            None => {
                let _ = writeln!(out, "| {area} | n/a | |");
            }
        }
    }
    out.push('\n');
}

fn baseline_line(out: &mut String, diff: &BaselineDiff) {
    let c = &diff.counts;
    let _ = write!(
        out,
        "**Baseline** `{}`: {} new · {} fixed · {} unchanged",
        diff.source.replace('`', "'"),
        c.new,
        c.fixed,
        c.unchanged
    );
    if c.not_rechecked > 0 {
        let _ = write!(out, " · {} not re-checked", c.not_rechecked);
    }
    if diff.fail_on_new {
        out.push_str(" · the gate counts only new findings");
    }
    out.push_str("\n\n");
}

fn failing_table(out: &mut String, report: &Report, options: &MarkdownOptions) {
    let failed = failing(report);
    if failed.is_empty() {
        out.push_str("No failing controls. ✅\n\n");
        return;
    }
    let _ = writeln!(out, "### Failing controls ({})\n", failed.len());
    let new_column = options.baseline.is_some();
    out.push_str(if new_column {
        "| Severity | Control | Title | Findings | New |\n|---|---|---|---:|---:|\n"
    } else {
        "| Severity | Control | Title | Findings |\n|---|---|---|---:|\n"
    });
    for (index, r) in &failed {
        let count = r.active_findings().count();
        let _ = write!(
            out,
            "| {} | {} | {} | {count} |",
            severity_badge(r.control.severity),
            doc_link(options.docs_url, &r.control.id),
            markdown_inline(&r.control.title)
        );
        if let Some(diff) = options.baseline {
            let new = (0..r.findings.len())
                .filter(|j| diff.status(*index, *j) == Some(FindingStatus::New))
                .count();
            let _ = write!(out, " {new} |");
        }
        out.push('\n');
    }
    out.push('\n');

    for (index, r) in failed.iter().take(DETAILS_SHOWN) {
        let active: Vec<(usize, &vouch_core::Finding)> = r
            .findings
            .iter()
            .enumerate()
            .filter(|(_, f)| f.suppressed.is_none())
            .collect();
        let _ = writeln!(
            out,
            "<details><summary><b>{}</b> {} — {} finding(s)</summary>\n",
            markdown_inline(&r.control.id),
            markdown_inline(&r.control.title),
            active.len()
        );
        for (j, f) in active.iter().take(FINDINGS_SHOWN) {
            let tag = options
                .baseline
                .and_then(|d| d.status(*index, *j))
                .map(|s| format!(" **{}**", s.as_str()))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- `{}`{tag} {}",
                f.location.display().replace('`', "'"),
                markdown_text(&f.message)
            );
            if let Some(s) = &f.snippet {
                for line in markdown_fence(s, "").lines() {
                    let _ = writeln!(out, "  {line}");
                }
            }
        }
        if active.len() > FINDINGS_SHOWN {
            let _ = writeln!(out, "- … and {} more", active.len() - FINDINGS_SHOWN);
        }
        let _ = writeln!(
            out,
            "\n**Fix:** {} ({})\n\n</details>\n",
            markdown_text(r.remediation.trim()),
            doc_link(options.docs_url, &r.control.id)
        );
    }
    if failed.len() > DETAILS_SHOWN {
        let _ = writeln!(
            out,
            "Details of {} more failing controls are in the full report (`vouch audit --format html`).\n",
            failed.len() - DETAILS_SHOWN
        );
    }
}

fn undecided(out: &mut String, report: &Report) {
    let list: Vec<&ControlResult> = report
        .results
        .iter()
        .filter(|r| matches!(r.outcome, OutcomeKind::Unknown | OutcomeKind::Error))
        .collect();
    if list.is_empty() && report.expired_suppressions.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<details><summary>Not decided ({}), expired suppressions ({})</summary>\n",
        list.len(),
        report.expired_suppressions.len()
    );
    for r in list {
        let _ = writeln!(
            out,
            "- **{}** {} — {}: {}",
            markdown_inline(&r.control.id),
            markdown_inline(&r.control.title),
            r.outcome.as_str(),
            markdown_text(r.reason.as_deref().unwrap_or(""))
        );
    }
    for s in &report.expired_suppressions {
        let _ = writeln!(
            out,
            "- suppression of **{}** expired {}: {}",
            markdown_inline(&s.id),
            markdown_inline(&s.expires),
            markdown_inline(&s.reason)
        );
    }
    out.push_str("\n</details>\n\n");
}

pub fn render_markdown(report: &Report, options: &MarkdownOptions) -> String {
    let mut out = String::new();
    header(&mut out, report);
    areas(&mut out, report);
    if let Some(diff) = options.baseline {
        baseline_line(&mut out, diff);
    }
    failing_table(&mut out, report, options);
    undecided(&mut out, report);
    if let Some(checklist) = options.checklist {
        out.push_str(&render_checklist_markdown(
            checklist,
            "###",
            options.docs_url,
        ));
    }
    out
}
