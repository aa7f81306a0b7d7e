//! The terminal report: score, per-area bars, failing controls with evidence and remediation,
//! then what could not be decided and the counts.

use crate::baseline::{BaselineDiff, FindingStatus};
use std::fmt::Write;
use vouch_core::{ControlResult, OutcomeKind, Report, Severity};

pub struct TableOptions<'a> {
    /// ANSI colours (only when writing to a terminal and NO_COLOR is unset).
    pub color: bool,
    /// Also list passing controls with their evidence.
    pub verbose: bool,
    /// Tag findings new/unchanged and summarise the comparison.
    pub baseline: Option<&'a BaselineDiff>,
}

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
    fn severity(&self, sev: Severity) -> String {
        let code = match sev {
            Severity::Critical => "1;31",
            Severity::High => "31",
            Severity::Medium => "33",
            Severity::Low => "36",
            Severity::Info => "2",
        };
        self.wrap(code, &format!("{:<8}", sev.as_str()))
    }
    fn score(&self, score: u8) -> String {
        let code = match score {
            90..=100 => "32",
            70..=89 => "33",
            _ => "31",
        };
        self.wrap(code, &format!("{score:>3}"))
    }
}

pub fn render_table(report: &Report, options: &TableOptions) -> String {
    let p = Paint { on: options.color };
    let mut out = String::new();
    let commit = report
        .target
        .commit
        .as_deref()
        .map(|c| format!(" @ {}", &c[..c.len().min(12)]))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{} {} — {}{}, {} files in {} ms\n",
        p.bold(&report.tool.name),
        report.tool.version,
        report.target.path,
        commit,
        report.files_scanned,
        report.duration_ms
    );

    for (index, r) in crate::order::failing(report) {
        let _ = writeln!(
            out,
            "{} {} {}",
            p.severity(r.control.severity),
            p.bold(&format!("{:<7}", r.control.id)),
            r.control.title
        );
        for (j, f) in r.findings.iter().enumerate() {
            if f.suppressed.is_some() {
                continue;
            }
            let tag = match options.baseline.and_then(|d| d.status(index, j)) {
                Some(FindingStatus::New) => format!("{} ", p.wrap("1;31", "new")),
                Some(FindingStatus::Unchanged) => format!("{} ", p.dim("unchanged")),
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "           {tag}{}  {}",
                f.location.display(),
                f.message
            );
            if let Some(s) = &f.snippet {
                let _ = writeln!(out, "           {}", p.dim(&format!("│ {s}")));
            }
        }
        let _ = writeln!(out, "           {} {}", p.dim("fix:"), r.remediation);
        let _ = writeln!(
            out,
            "           {}\n",
            p.dim(&format!("vouch explain {}", r.control.id))
        );
    }

    if options.verbose {
        for r in report
            .results
            .iter()
            .filter(|r| r.outcome == OutcomeKind::Pass)
        {
            let _ = writeln!(
                out,
                "{} {:<7} {}",
                p.wrap("32", "pass    "),
                r.control.id,
                r.control.title
            );
            for e in &r.evidence {
                let _ = writeln!(out, "           {}  {}", e.location.display(), e.message);
            }
        }
        out.push('\n');
    }

    for (kind, label) in [
        (OutcomeKind::Unknown, "Unknown"),
        (OutcomeKind::Error, "Errored"),
    ] {
        let list: Vec<&ControlResult> = report
            .results
            .iter()
            .filter(|r| r.outcome == kind)
            .collect();
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{} ({}):", p.bold(label), list.len());
        for r in list {
            let _ = writeln!(
                out,
                "  {:<7} {} — {}",
                r.control.id,
                r.control.title,
                r.reason.as_deref().unwrap_or("")
            );
        }
        out.push('\n');
    }

    if !report.expired_suppressions.is_empty() {
        let _ = writeln!(
            out,
            "{}:",
            p.bold("Expired suppressions (no longer applied)")
        );
        for s in &report.expired_suppressions {
            let path = s
                .path
                .as_deref()
                .map(|p| format!(" on {p}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}{} expired {} — {}",
                s.id, path, s.expires, s.reason
            );
        }
        out.push('\n');
    }
    if !report.input_errors.is_empty() {
        let _ = writeln!(
            out,
            "{} ({}):",
            p.bold("Inputs not read"),
            report.input_errors.len()
        );
        for e in report.input_errors.iter().take(20) {
            let _ = writeln!(out, "  {}: {}", e.path, e.message);
        }
        if report.input_errors.len() > 20 {
            let _ = writeln!(
                out,
                "  … and {} more (see --format json)",
                report.input_errors.len() - 20
            );
        }
        out.push('\n');
    }

    let _ = writeln!(out, "{}", p.bold("Score"));
    match report.score.overall {
        Some(s) => {
            let _ = writeln!(out, "  {:<14} {} {}", "overall", bar(s), p.score(s));
        }
        None => {
            let _ = writeln!(
                out,
                "  {:<14} {}",
                "overall",
                p.dim("n/a (nothing evaluated)")
            );
        }
    }
    for (area, score) in &report.score.areas {
        match score {
            Some(s) => {
                let _ = writeln!(out, "  {:<14} {} {}", area.as_str(), bar(*s), p.score(*s));
            }
            None => {
                let _ = writeln!(out, "  {:<14} {}", area.as_str(), p.dim("n/a"));
            }
        }
    }
    let c = &report.counts;
    let _ = writeln!(
        out,
        "\n{} passed · {} failed · {} unknown · {} not applicable · {} errored · {} findings suppressed",
        c.pass, c.fail, c.unknown, c.not_applicable, c.error, c.suppressed_findings
    );
    if let Some(d) = options.baseline {
        let _ = writeln!(
            out,
            "baseline {}: {} new · {} fixed · {} unchanged · {} not re-checked",
            d.source, d.counts.new, d.counts.fixed, d.counts.unchanged, d.counts.not_rechecked
        );
        if d.fail_on_new {
            let verdict = if report.gate.failed {
                p.wrap("1;31", "FAILED")
            } else {
                p.wrap("32", "passed")
            };
            let scope = report
                .gate
                .fail_on
                .map(|t| format!(" at or above {t}"))
                .unwrap_or_default();
            let _ = writeln!(out, "gate --fail-on-new{scope}: {verdict}");
            return out;
        }
    }
    if let Some(threshold) = report.gate.fail_on {
        let verdict = if report.gate.failed {
            p.wrap("1;31", "FAILED")
        } else {
            p.wrap("32", "passed")
        };
        let _ = writeln!(out, "gate --fail-on {threshold}: {verdict}");
    }
    out
}

fn bar(score: u8) -> String {
    let filled = (score as usize + 5) / 10;
    format!("{}{}", "█".repeat(filled), "░".repeat(10 - filled))
}
