//! Verdict shapes shared by the code controls, so each control file is its metadata plus the
//! one decision that is its own.

use crate::prelude::*;
use std::collections::BTreeSet;
use std::collections::HashMap;
use std::sync::Arc;
use vouch_code::{Fact, FactKind, FileCode, Language, Route};
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

/// The language family's name (JavaScript, TypeScript and TSX share one extractor).
fn family(language: Language) -> &'static str {
    match language {
        Language::JavaScript | Language::TypeScript | Language::Tsx => "JavaScript/TypeScript",
        other => other.name(),
    }
}

/// Families of the parsed code (all files, or only files that serve routes when
/// `serving_only` and some do) whose extractor looks for none of the variants `wanted` accepts.
/// Returns (families considered, families not covered).
pub fn coverage(
    ws: &Workspace,
    wanted: &dyn Fn(&FactKind) -> bool,
    serving_only: bool,
) -> (BTreeSet<&'static str>, BTreeSet<&'static str>) {
    let variants: BTreeSet<&'static str> = FactKind::samples()
        .iter()
        .filter(|k| wanted(k))
        .map(FactKind::variant_name)
        .collect();
    let parsed = || {
        ws.code
            .files
            .iter()
            .filter(|f| f.skipped.is_none())
            .filter_map(|f| f.language.map(|l| (l, !f.routes.is_empty())))
    };
    let any_serving = serving_only && parsed().any(|(_, serves)| serves);
    let mut considered = BTreeSet::new();
    let mut uncovered = BTreeSet::new();
    for (language, serves) in parsed() {
        if any_serving && !serves {
            continue;
        }
        considered.insert(family(language));
        if !variants
            .iter()
            .any(|v| vouch_code::lang::detects(language, v))
        {
            uncovered.insert(family(language));
        }
    }
    (considered, uncovered)
}

fn join(names: &BTreeSet<&str>) -> String {
    names.iter().copied().collect::<Vec<_>>().join(", ")
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
        let parsed = ws.code.source_files().count();
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
        let (_, uncovered) = coverage(ws, &is_present, true);
        if !uncovered.is_empty() {
            return Outcome::Unknown {
                reason: format!(
                    "none found, but vouch's {} reader does not look for this yet",
                    join(&uncovered)
                ),
            };
        }
        Outcome::Fail {
            findings: vec![finding_file(".", missing)],
        }
    } else {
        Outcome::Pass { evidence }
    }
}
