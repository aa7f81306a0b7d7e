//! One self-contained HTML file: inline CSS, SVG and JavaScript, no network access (a
//! Content-Security-Policy forbids it), system fonts only. Score gauge, per-area bars, a
//! sortable and filterable findings table with evidence snippets, what could not be decided,
//! the passing controls, and the checklist verdicts when present. Every report string is
//! escaped: a snippet holding `<script>` renders as text.

use crate::baseline::BaselineDiff;
use crate::checklist::{ChecklistVerdicts, ClaimVerdict};
use crate::escape::{markup, markup_text};
use std::fmt::Write;
use vouch_core::{ControlResult, Finding, OutcomeKind, Report, Severity};

const STYLE: &str = include_str!("html/style.css");
const SCRIPT: &str = include_str!("html/app.js");
/// Nothing may be fetched: styles and the script are inline, images only as data: URIs.
const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

pub struct HtmlOptions<'a> {
    /// Base of the control docs links: `{docs_url}/{ID}.md`.
    pub docs_url: &'a str,
    pub baseline: Option<&'a BaselineDiff>,
    pub checklist: Option<&'a ChecklistVerdicts>,
}

fn rank(sev: Severity) -> u8 {
    match sev {
        Severity::Info => 0,
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical => 4,
    }
}

fn score_colour(score: u8) -> &'static str {
    match score {
        90..=100 => "#2da44e",
        70..=89 => "#d4a72c",
        _ => "#cf222e",
    }
}

/// A ring gauge: the arc covers `score` percent of the circle.
fn gauge(score: Option<u8>) -> String {
    const R: f64 = 52.0;
    let circumference = 2.0 * std::f64::consts::PI * R;
    let (arc, colour, label) = match score {
        Some(s) => (
            circumference * f64::from(s) / 100.0,
            score_colour(s),
            s.to_string(),
        ),
        None => (0.0, "#8d96a0", "n/a".to_string()),
    };
    format!(
        r##"<svg class="gauge" width="140" height="140" viewBox="0 0 140 140" role="img" aria-label="overall score {label}">
<circle class="track" cx="70" cy="70" r="{R}" fill="none" stroke-width="12"/>
<circle cx="70" cy="70" r="{R}" fill="none" stroke="{colour}" stroke-width="12" stroke-linecap="round" stroke-dasharray="{arc:.2} {circumference:.2}" transform="rotate(-90 70 70)"/>
<text x="70" y="80" text-anchor="middle">{label}</text>
</svg>"##
    )
}

fn header(out: &mut String, report: &Report) {
    let commit = report
        .target
        .commit
        .as_deref()
        .map(|c| format!(" @ <code>{}</code>", markup(&c[..c.len().min(12)])))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "<header><h1>Production-readiness report</h1><div class=\"meta\">{} {} · <code>{}</code>{commit} · {} files · {} ms</div></header>",
        markup(&report.tool.name),
        markup(&report.tool.version),
        markup(&report.target.path),
        report.files_scanned,
        report.duration_ms
    );
}

fn summary(out: &mut String, report: &Report, baseline: Option<&BaselineDiff>) {
    out.push_str("<section class=\"summary\" id=\"summary\">\n");
    out.push_str(&gauge(report.score.overall));
    out.push_str("\n<div class=\"areas\">\n");
    for (area, score) in &report.score.areas {
        let (width, colour, label) = match score {
            Some(s) => (*s, score_colour(*s), s.to_string()),
            None => (0, "transparent", "n/a".into()),
        };
        let _ = writeln!(
            out,
            "<div class=\"area\" data-area=\"{area}\"><span>{area}</span><div class=\"bar\"><span style=\"width:{width}%;background:{colour}\"></span></div><span>{label}</span></div>"
        );
    }
    let c = &report.counts;
    let _ = write!(
        out,
        "<div class=\"counts\">{} passed · {} failed · {} unknown · {} not applicable · {} errored · {} findings suppressed",
        c.pass, c.fail, c.unknown, c.not_applicable, c.error, c.suppressed_findings
    );
    if let Some(t) = report.gate.fail_on {
        let (class, verdict) = if report.gate.failed {
            ("gate-failed", "failed")
        } else {
            ("gate-passed", "passed")
        };
        let _ = write!(
            out,
            "<br>gate <code>--fail-on {t}</code>: <span class=\"{class}\">{verdict}</span>"
        );
    }
    if let Some(d) = baseline {
        let _ = write!(
            out,
            "<br>baseline <code>{}</code>: {} new · {} fixed · {} unchanged · {} not re-checked",
            markup(&d.source),
            d.counts.new,
            d.counts.fixed,
            d.counts.unchanged,
            d.counts.not_rechecked
        );
    }
    out.push_str("</div>\n</div>\n</section>\n");
}

/// The snippet as a one-line code listing, the evidence line highlighted and numbered.
fn snippet(f: &Finding) -> String {
    let Some(s) = &f.snippet else {
        return String::new();
    };
    let number = f.location.line.map(|l| l.to_string()).unwrap_or_default();
    format!(
        "<pre class=\"snippet\"><code><span class=\"row hl\"><span class=\"ln\">{number}</span>{}</span></code></pre>",
        markup(s)
    )
}

fn finding_row(
    out: &mut String,
    r: &ControlResult,
    f: &Finding,
    status: Option<&str>,
    docs_url: &str,
) {
    let c = &r.control;
    let suppressed = f.suppressed.is_some();
    let status_text = if let Some(s) = &f.suppressed {
        format!(
            "<span class=\"status-suppressed\">suppressed ({}): {}</span>",
            markup(&s.kind),
            markup(&s.reason)
        )
    } else {
        match status {
            Some("new") => "<span class=\"status-new\">new</span>".into(),
            Some(other) => markup(other),
            None => String::new(),
        }
    };
    let also: String = f
        .also_at
        .iter()
        .map(|l| format!("<br><code>{}</code>", markup(&l.display())))
        .collect();
    let _ = writeln!(
        out,
        "<tr class=\"finding{}\" data-sev=\"{}\" data-suppressed=\"{}\" data-fingerprint=\"{}\">\
<td data-value=\"{}\"><span class=\"sev sev-{sev}\">{sev}</span></td>\
<td><a href=\"{}/{}.md\">{}</a><div class=\"title\">{}</div></td>\
<td>{}</td>\
<td><code>{}</code>{also}</td>\
<td>{}{}<div class=\"fix\">fix: {}</div></td>\
<td>{status_text}</td></tr>",
        if suppressed { " suppressed" } else { "" },
        rank(c.severity),
        u8::from(suppressed),
        markup(&f.fingerprint),
        rank(c.severity),
        markup(docs_url.trim_end_matches('/')),
        markup(&c.id),
        markup(&c.id),
        markup(&c.title),
        c.area,
        markup(&f.location.display()),
        markup_text(&f.message),
        snippet(f),
        markup_text(r.remediation.trim()),
        sev = c.severity,
    );
}

fn findings(out: &mut String, report: &Report, options: &HtmlOptions) {
    let mut rows = String::new();
    let mut total = 0;
    // Most severe first, like the other formats; the table can be re-sorted in the page.
    let order = crate::order::most_severe_first(report);
    for (i, r) in order {
        for (j, f) in r.findings.iter().enumerate() {
            let status = options
                .baseline
                .and_then(|d| d.status(i, j))
                .map(|s| s.as_str());
            finding_row(&mut rows, r, f, status, options.docs_url);
            total += 1;
        }
    }
    out.push_str("<section id=\"findings\">\n<h2>Findings</h2>\n");
    if total == 0 {
        out.push_str("<p class=\"empty\">No findings.</p>\n</section>\n");
        return;
    }
    out.push_str(
        "<div class=\"toolbar\"><input id=\"filter\" type=\"search\" placeholder=\"Filter: text, path, control…\" aria-label=\"filter findings\">\
<select id=\"severity-filter\" aria-label=\"minimum severity\"><option value=\"0\">all severities</option><option value=\"1\">low and above</option><option value=\"2\">medium and above</option><option value=\"3\">high and above</option><option value=\"4\">critical</option></select>\
<label><input id=\"show-suppressed\" type=\"checkbox\"> show suppressed</label>",
    );
    let _ = writeln!(
        out,
        "<span class=\"meta\"><span id=\"visible-count\">{total}</span> of {total} shown</span></div>"
    );
    out.push_str(
        "<table id=\"findings-table\"><thead><tr><th data-sort=\"number\">Severity</th><th data-sort=\"text\">Control</th><th data-sort=\"text\">Area</th><th data-sort=\"text\">Location</th><th>Finding</th><th data-sort=\"text\">Status</th></tr></thead>\n<tbody>\n",
    );
    out.push_str(&rows);
    out.push_str("</tbody></table>\n<p id=\"empty-note\" class=\"empty\" hidden>No finding matches the filter.</p>\n</section>\n");
}

fn undecided(out: &mut String, report: &Report) {
    let list: Vec<&ControlResult> = report
        .results
        .iter()
        .filter(|r| {
            matches!(
                r.outcome,
                OutcomeKind::Unknown | OutcomeKind::Error | OutcomeKind::NotApplicable
            )
        })
        .collect();
    if list.is_empty() && report.input_errors.is_empty() && report.expired_suppressions.is_empty() {
        return;
    }
    out.push_str("<section id=\"undecided\">\n<h2>Not decided</h2>\n<ul class=\"plain\">\n");
    for r in list {
        let _ = writeln!(
            out,
            "<li><b>{}</b> {} — {}: {}</li>",
            markup(&r.control.id),
            markup(&r.control.title),
            r.outcome.as_str().replace('_', " "),
            markup_text(r.reason.as_deref().unwrap_or(""))
        );
    }
    for e in &report.input_errors {
        let _ = writeln!(
            out,
            "<li>not read: <code>{}</code> — {}</li>",
            markup(&e.path),
            markup(&e.message)
        );
    }
    for s in &report.expired_suppressions {
        let _ = writeln!(
            out,
            "<li>expired suppression of <b>{}</b> ({}): {}</li>",
            markup(&s.id),
            markup(&s.expires),
            markup(&s.reason)
        );
    }
    out.push_str("</ul>\n</section>\n");
}

fn passed(out: &mut String, report: &Report) {
    let list: Vec<&ControlResult> = report
        .results
        .iter()
        .filter(|r| r.outcome == OutcomeKind::Pass)
        .collect();
    if list.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<section id=\"passed\">\n<h2>Passed</h2>\n<details><summary>{} controls passed</summary>\n<ul class=\"plain\">",
        list.len()
    );
    for r in list {
        let _ = write!(
            out,
            "<li><b>{}</b> {}",
            markup(&r.control.id),
            markup(&r.control.title)
        );
        for e in &r.evidence {
            let _ = write!(
                out,
                "<br><code>{}</code> {}",
                markup(&e.location.display()),
                markup_text(&e.message)
            );
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n</details>\n</section>\n");
}

/// The checklist verdicts, headline (claimed but failing) first.
pub fn checklist_section(checklist: &ChecklistVerdicts) -> String {
    let mut out = format!(
        "<section id=\"checklist\">\n<h2>Checklist <code>{}</code></h2>\n",
        markup(&checklist.source)
    );
    let counts: Vec<String> = ClaimVerdict::ORDER
        .iter()
        .map(|v| format!("{} {}", checklist.count(*v), v.as_str().replace('_', " ")))
        .collect();
    let _ = writeln!(out, "<p class=\"meta\">{}</p>", counts.join(" · "));
    for (verdict, items) in checklist.grouped() {
        let _ = writeln!(
            out,
            "<h3 class=\"verdict verdict-{}\">{} ({})</h3>\n<ul class=\"plain\">",
            verdict.as_str(),
            verdict.heading(),
            items.len()
        );
        for item in items {
            let controls: Vec<String> = item
                .controls
                .iter()
                .map(|c| format!("{} {}", markup(&c.id), markup(&c.outcome)))
                .collect();
            let _ = write!(
                out,
                "<li data-verdict=\"{}\">{}{} <span class=\"meta\">line {}{}</span>",
                verdict.as_str(),
                item.id
                    .as_deref()
                    .map(|i| format!("<b>{}</b> ", markup(i)))
                    .unwrap_or_default(),
                markup(&item.text),
                item.line,
                if controls.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", controls.join(", "))
                }
            );
            for e in &item.evidence {
                let place = match e.line {
                    Some(l) => format!("{}:{l}", e.path),
                    None => e.path.clone(),
                };
                let _ = write!(
                    out,
                    "<br><code>{}</code> {}",
                    markup(&place),
                    markup(&e.message)
                );
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
    out
}

pub fn render_html(report: &Report, options: &HtmlOptions) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = writeln!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>vouch report — {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>",
        markup(&report.target.path)
    );
    header(&mut out, report);
    summary(&mut out, report, options.baseline);
    findings(&mut out, report, options);
    if let Some(checklist) = options.checklist {
        out.push_str(&checklist_section(checklist));
    }
    undecided(&mut out, report);
    passed(&mut out, report);
    let _ = writeln!(
        out,
        "<footer>Generated by {} {}. Self-contained: nothing is loaded from the network.</footer>\n<script>\n{SCRIPT}</script>\n</body>\n</html>",
        markup(&report.tool.name),
        markup(&report.tool.version)
    );
    out
}
