//! Verdict shapes the operations controls share beyond `support`: a capability that only
//! matters when something else exists (retries when there are outbound calls), and facts that
//! carry their own good/bad flag (`HttpClientCall { timeout }`).

use crate::code::support::{Sources, no_code};
use crate::prelude::*;
use vouch_code::FactKind;

/// A capability required only when `applies` finds something: NotApplicable without it, pass
/// with the `is_present` facts as evidence, fail with the triggering facts otherwise.
pub fn presence_when(
    ws: &Workspace,
    applies: impl Fn(&FactKind) -> bool,
    not_applicable: &str,
    is_present: impl Fn(&FactKind) -> bool,
    missing: impl Fn(usize) -> String,
) -> Outcome {
    if let Some(na) = no_code(ws) {
        return na;
    }
    let triggers = ws
        .code
        .facts()
        .filter(|(_, fact)| applies(&fact.kind))
        .count();
    if triggers == 0 {
        return Outcome::NotApplicable {
            reason: not_applicable.into(),
        };
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
            findings: vec![finding_file(".", missing(triggers))],
        }
    } else {
        Outcome::Pass { evidence }
    }
}

/// Facts that say themselves whether they are configured well: `flag` returns `Some(true)` for
/// a good one, `Some(false)` for a bad one, `None` for other kinds. NotApplicable when there is
/// none; fail at every bad one; pass with the good ones as evidence.
pub fn flagged_facts(
    ws: &Workspace,
    flag: impl Fn(&FactKind) -> Option<bool>,
    not_applicable: &str,
    bad_message: impl Fn(&str) -> String,
) -> Outcome {
    if let Some(na) = no_code(ws) {
        return na;
    }
    let mut sources = Sources::default();
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for (file, fact) in ws.code.facts() {
        match flag(&fact.kind) {
            Some(true) => good.push(sources.fact_finding(ws, file, fact, fact.detail.clone())),
            Some(false) => {
                bad.push(sources.fact_finding(ws, file, fact, bad_message(&fact.detail)))
            }
            None => {}
        }
    }
    if !bad.is_empty() {
        Outcome::Fail { findings: bad }
    } else if good.is_empty() {
        Outcome::NotApplicable {
            reason: not_applicable.into(),
        }
    } else {
        Outcome::Pass { evidence: good }
    }
}
