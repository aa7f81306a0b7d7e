//! JUnit XML for CI test tabs: one test suite per area, one test case per evaluated control.
//! Fail → `<failure>` with the evidence; Unknown and Not applicable → `<skipped>` with the
//! reason; Error → `<error>`; Pass → a plain test case.

use crate::escape::markup;
use std::fmt::Write;
use vouch_core::{Area, ControlResult, OutcomeKind, Report};

#[derive(Default)]
struct Tally {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Tally {
    fn add(&mut self, outcome: OutcomeKind) {
        self.tests += 1;
        match outcome {
            OutcomeKind::Fail => self.failures += 1,
            OutcomeKind::Error => self.errors += 1,
            OutcomeKind::Unknown | OutcomeKind::NotApplicable => self.skipped += 1,
            OutcomeKind::Pass => {}
        }
    }

    fn attributes(&self) -> String {
        format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"",
            self.tests, self.failures, self.errors, self.skipped
        )
    }
}

/// The evidence of a failing control as the failure's body: one block per active finding.
fn failure_body(r: &ControlResult) -> String {
    let mut body = String::new();
    for f in r.active_findings() {
        let _ = writeln!(body, "{}: {}", f.location.display(), f.message);
        if let Some(s) = &f.snippet {
            let _ = writeln!(body, "    {s}");
        }
        for also in &f.also_at {
            let _ = writeln!(body, "    also at {}", also.display());
        }
    }
    let _ = write!(body, "fix: {}", r.remediation.trim());
    body
}

fn testcase(out: &mut String, r: &ControlResult) {
    let c = &r.control;
    let file = r
        .active_findings()
        .next()
        .map(|f| format!(" file=\"{}\"", markup(&f.location.path)))
        .unwrap_or_default();
    let _ = write!(
        out,
        "    <testcase classname=\"vouch.{}\" name=\"{} {}\"{file}",
        c.area,
        markup(&c.id),
        markup(&c.title)
    );
    let reason = || markup(r.reason.as_deref().unwrap_or(""));
    match r.outcome {
        OutcomeKind::Pass => {
            let suppressed = r.findings.len() - r.active_findings().count();
            if suppressed == 0 {
                out.push_str("/>\n");
            } else {
                let _ = writeln!(
                    out,
                    ">\n      <system-out>{suppressed} finding(s) suppressed</system-out>\n    </testcase>"
                );
            }
        }
        OutcomeKind::Fail => {
            let count = r.active_findings().count();
            let _ = writeln!(
                out,
                ">\n      <failure message=\"{} finding(s): {}\" type=\"{}\">{}</failure>\n    </testcase>",
                count,
                markup(
                    r.active_findings()
                        .next()
                        .map(|f| f.message.as_str())
                        .unwrap_or("")
                ),
                c.severity,
                markup(&failure_body(r))
            );
        }
        OutcomeKind::Unknown => {
            let _ = writeln!(
                out,
                ">\n      <skipped message=\"unknown: {}\"/>\n    </testcase>",
                reason()
            );
        }
        OutcomeKind::NotApplicable => {
            let _ = writeln!(
                out,
                ">\n      <skipped message=\"not applicable: {}\"/>\n    </testcase>",
                reason()
            );
        }
        OutcomeKind::Error => {
            let _ = writeln!(
                out,
                ">\n      <error message=\"{}\" type=\"check-error\"/>\n    </testcase>",
                reason()
            );
        }
    }
}

pub fn render_junit(report: &Report) -> String {
    let mut total = Tally::default();
    let mut suites = String::new();
    for area in Area::ALL {
        let results: Vec<&ControlResult> = report
            .results
            .iter()
            .filter(|r| r.control.area == area)
            .collect();
        if results.is_empty() {
            continue;
        }
        let mut tally = Tally::default();
        let mut cases = String::new();
        for r in &results {
            tally.add(r.outcome);
            total.add(r.outcome);
            testcase(&mut cases, r);
        }
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{area}\" {} time=\"0\">\n{cases}  </testsuite>",
            tally.attributes()
        );
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"vouch {}\" {} time=\"{:.3}\">\n{suites}</testsuites>\n",
        markup(&report.target.path),
        total.attributes(),
        report.duration_ms as f64 / 1000.0
    )
}
