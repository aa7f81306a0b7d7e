//! Verdict shapes shared by the code controls, so each control file is its metadata plus the
//! one decision that is its own.

use crate::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;
use vouch_code::{Fact, FactKind, FileCode, Route};
use vouch_workspace::SourceText;

/// NotApplicable when there is no parsed application code.
pub fn no_code(ws: &Workspace) -> Option<Outcome> {
    (!ws.code.has_code()).then(|| Outcome::NotApplicable {
        reason: "no Python, JavaScript/TypeScript, Go, Rust or Java application code".into(),
    })
}

/// NotApplicable when the code serves no HTTP routes (a library, a CLI, a batch job).
pub fn no_service(ws: &Workspace) -> Option<Outcome> {
    no_code(ws).or_else(|| {
        ws.code
            .routes()
            .next()
            .is_none()
            .then(|| Outcome::NotApplicable {
                reason: "no HTTP routes found in the code: not a web service".into(),
            })
    })
}

/// Reads each evidence file once per control run.
#[derive(Default)]
pub struct Sources {
    texts: HashMap<String, Option<Arc<SourceText>>>,
}

impl Sources {
    pub fn text(&mut self, ws: &Workspace, path: &str) -> Option<Arc<SourceText>> {
        self.texts
            .entry(path.to_string())
            .or_insert_with(|| ws.text(path))
            .clone()
    }

    /// A finding at a fact, quoting its line (with any credential redacted).
    pub fn fact_finding(
        &mut self,
        ws: &Workspace,
        file: &FileCode,
        fact: &Fact,
        message: impl Into<String>,
    ) -> Finding {
        self.finding(
            ws,
            &file.path,
            fact.at.line,
            fact.at.column,
            message,
            fact.secret.as_deref(),
        )
    }

    /// A finding at a route's registration.
    pub fn route_finding(
        &mut self,
        ws: &Workspace,
        route: &Route,
        message: impl Into<String>,
    ) -> Finding {
        self.finding(ws, &route.file, route.line, route.column, message, None)
    }

    pub fn finding(
        &mut self,
        ws: &Workspace,
        path: &str,
        line: u32,
        column: u32,
        message: impl Into<String>,
        secret: Option<&str>,
    ) -> Finding {
        match self.text(ws, path) {
            Some(src) => {
                let finding = finding_at(&src, line, column, message);
                match secret {
                    Some(secret) => {
                        let redacted = redact_value(src.line(line as usize), secret);
                        finding.with_snippet(redacted)
                    }
                    None => finding,
                }
            }
            None => Finding::new(Location::at(path, line, column.max(1)), message),
        }
    }
}

/// A risk control: every fact `is_risk` accepts is a failure; none is a pass.
pub fn risk_control(
    ws: &Workspace,
    is_risk: impl Fn(&FactKind) -> bool,
    message: impl Fn(&Fact) -> String,
    pass_note: &str,
) -> Outcome {
    if let Some(na) = no_code(ws) {
        return na;
    }
    let mut sources = Sources::default();
    let findings: Vec<Finding> = ws
        .code
        .facts()
        .filter(|(_, fact)| is_risk(&fact.kind))
        .map(|(file, fact)| sources.fact_finding(ws, file, fact, message(fact)))
        .collect();
    if findings.is_empty() {
        let parsed = ws.code.files.iter().filter(|f| f.skipped.is_none()).count();
        Outcome::Pass {
            evidence: vec![finding_file(
                ".",
                format!("{pass_note} ({parsed} source files read)"),
            )],
        }
    } else {
        Outcome::Fail { findings }
    }
}

/// A presence control for a web service: passes with the facts `is_present` accepts as
/// evidence, fails when the service has routes but none is found.
pub fn presence_control(
    ws: &Workspace,
    is_present: impl Fn(&FactKind) -> bool,
    missing: &str,
) -> Outcome {
    if let Some(na) = no_service(ws) {
        return na;
    }
    let mut sources = Sources::default();
    let evidence: Vec<Finding> = ws
        .code
        .facts()
        .filter(|(_, fact)| is_present(&fact.kind))
        .map(|(file, fact)| sources.fact_finding(ws, file, fact, fact.detail.clone()))
        .collect();
    if evidence.is_empty() {
        Outcome::Fail {
            findings: vec![finding_file(".", missing)],
        }
    } else {
        Outcome::Pass { evidence }
    }
}
