//! Terminal output: false claims first (the headline), then not done, unknown, manual, done.

use super::measure::is_load_control;
use super::report::{ChecklistReport, ItemReport};
use super::verdict::Verdict;
use std::fmt::Write;

/// Evidence lines shown per item; the JSON output has them all.
const EVIDENCE_SHOWN: usize = 3;

pub fn render_table(report: &ChecklistReport, color: bool) -> String {
    let paint = Paint { color };
    let mut out = String::new();
    let commit = report
        .target
        .commit
        .as_deref()
        .map(|c| format!(" @ {}", &c[..c.len().min(12)]))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "vouch {} — {} against {}{commit}, {} items\n",
        report.tool.version, report.checklist, report.target.path, report.summary.total
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
        let heading = format!("{} ({})", verdict.label().to_uppercase(), items.len());
        let _ = writeln!(out, "{}", paint.verdict(verdict, &heading));
        for item in items {
            render_item(&mut out, item, &paint);
        }
        out.push('\n');
    }
    render_signoffs(&mut out, report, &paint);
    let s = &report.summary;
    let _ = writeln!(
        out,
        "{} claimed but failing · {} not done · {} unknown · {} manual ({} signed off) · {} done but unticked · {} done",
        s.claimed_but_failing,
        s.not_done,
        s.unknown,
        s.manual,
        s.signed_off,
        s.done_but_unticked,
        s.done
    );
    out
}

fn render_item(out: &mut String, item: &ItemReport, paint: &Paint) {
    let symbol = match item.verdict {
        Verdict::ClaimedButFailing | Verdict::NotDone => "✗",
        Verdict::Unknown => "?",
        Verdict::Manual => "·",
        Verdict::DoneButUnticked | Verdict::Done => "✓",
    };
    let _ = writeln!(
        out,
        "  {} {}  {}  (line {})",
        paint.verdict(item.verdict, symbol),
        paint.bold(&item.id),
        item.text,
        item.line
    );
    if !item.controls.is_empty() {
        let controls: Vec<String> = item
            .controls
            .iter()
            .map(|c| format!("{} {}", c.id, c.outcome.as_str()))
            .collect();
        let _ = writeln!(out, "      controls: {}", controls.join(", "));
    }
    let show_evidence = matches!(item.verdict, Verdict::ClaimedButFailing | Verdict::NotDone);
    if show_evidence {
        for e in item.evidence.iter().take(EVIDENCE_SHOWN) {
            let _ = writeln!(out, "      {} {}  {}", e.control, e.place(), e.message);
        }
        if item.evidence.len() > EVIDENCE_SHOWN {
            let _ = writeln!(
                out,
                "      … and {} more (--format json lists all)",
                item.evidence.len() - EVIDENCE_SHOWN
            );
        }
    }
    if !show_evidence {
        // Passing measurements are the proof of a numeric claim: show the numbers.
        for e in item.evidence.iter().filter(|e| is_load_control(&e.control)) {
            let _ = writeln!(out, "      {} measured: {}", e.control, e.message);
        }
    }
    if let Some(reason) = &item.reason
        && matches!(item.verdict, Verdict::Unknown | Verdict::Manual)
    {
        let _ = writeln!(out, "      {reason}");
    }
    if let Some(note) = live_note(item) {
        let _ = writeln!(out, "      {note}");
    }
    if let Some(by) = &item.signed_off_by {
        let _ = writeln!(out, "      signed off by {} on {}", by.name, by.at);
    }
}

/// Said on items judged without their live controls (no `--url`); manual items already say
/// it in their reason.
pub fn live_note(item: &ItemReport) -> Option<String> {
    (!item.live_not_checked.is_empty() && item.verdict != Verdict::Manual).then(|| {
        format!(
            "live part not checked ({}): run with --url",
            item.live_not_checked.join(", ")
        )
    })
}

fn render_signoffs(out: &mut String, report: &ChecklistReport, paint: &Paint) {
    if report.signoffs.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "{}",
        paint.bold(&format!("SIGN-OFFS ({})", report.signoffs.len()))
    );
    for s in &report.signoffs {
        let state = if !s.valid {
            paint.red("invalid signature")
        } else if s.stale {
            paint.yellow("stale")
        } else {
            paint.green("valid")
        };
        let _ = writeln!(
            out,
            "  {state}  \"{}\" by {} on {}",
            s.section, s.name, s.signed_at
        );
        for problem in &s.problems {
            let _ = writeln!(out, "      {problem}");
        }
    }
    out.push('\n');
}

struct Paint {
    color: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn bold(&self, text: &str) -> String {
        self.wrap("1", text)
    }
    fn red(&self, text: &str) -> String {
        self.wrap("1;31", text)
    }
    fn yellow(&self, text: &str) -> String {
        self.wrap("33", text)
    }
    fn green(&self, text: &str) -> String {
        self.wrap("32", text)
    }
    fn verdict(&self, verdict: Verdict, text: &str) -> String {
        match verdict {
            Verdict::ClaimedButFailing => self.red(text),
            Verdict::NotDone | Verdict::Unknown => self.yellow(text),
            Verdict::Manual => self.bold(text),
            Verdict::DoneButUnticked | Verdict::Done => self.green(text),
        }
    }
}
