//! Compares a stored run with the project's previous run of the same kind and names what got
//! worse. Pure: the caller reads both runs and enqueues the events.

use super::events::{Event, EventKind};
use super::signals::Signals;
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// Verdicts that count as a holding claim, and those that count as failing.
const DONE: [&str; 2] = ["done", "done_but_unticked"];
const FAILING: [&str; 2] = ["claimed_but_failing", "not_done"];

/// One side of the comparison. `signals` is `None` for runs stored before signals were kept:
/// nothing is known about their findings, so nothing is called new.
pub struct Side<'a> {
    pub score: Option<i64>,
    pub signals: Option<&'a Signals>,
}

pub fn detect(previous: &Side<'_>, current: &Side<'_>, drop_threshold: u32) -> Vec<Event> {
    let mut events = Vec::new();
    if let (Some(before), Some(now)) = (previous.score, current.score) {
        let drop = before - now;
        if drop > 0 && drop >= i64::from(drop_threshold) {
            events.push(Event {
                kind: EventKind::ScoreDrop,
                summary: format!("score dropped from {before} to {now} (-{drop})"),
                lines: Vec::new(),
                details: json!({"previous_score": before, "score": now, "drop": drop}),
            });
        }
    }
    let (Some(before), Some(now)) = (previous.signals, current.signals) else {
        return events;
    };
    events.extend(new_critical(before, now));
    events.extend(claims_failing(before, now));
    events.extend(signoffs_stale(before, now));
    events
}

fn new_critical(before: &Signals, now: &Signals) -> Option<Event> {
    let known: HashSet<&str> = before
        .critical
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let mut seen = HashSet::new();
    let new: Vec<_> = now
        .critical
        .iter()
        .filter(|f| !known.contains(f.fingerprint.as_str()) && seen.insert(&f.fingerprint))
        .collect();
    if new.is_empty() {
        return None;
    }
    Some(Event {
        kind: EventKind::NewCriticalFinding,
        summary: format!("{} new critical finding(s)", new.len()),
        lines: new
            .iter()
            .map(|f| {
                let at = f.line.map_or(f.path.clone(), |l| format!("{}:{l}", f.path));
                format!("{} {at}: {}", f.control, f.message)
            })
            .collect(),
        details: json!({ "findings": new }),
    })
}

fn claims_failing(before: &Signals, now: &Signals) -> Option<Event> {
    let previous: HashMap<&str, &str> = before
        .claims
        .iter()
        .map(|c| (c.id.as_str(), c.verdict.as_str()))
        .collect();
    let mut claims = Vec::new();
    let mut lines = Vec::new();
    for claim in &now.claims {
        let Some(was) = previous.get(claim.id.as_str()) else {
            continue;
        };
        if DONE.contains(was) && FAILING.contains(&claim.verdict.as_str()) {
            lines.push(format!(
                "{} {}: {} -> {}",
                claim.id, claim.text, was, claim.verdict
            ));
            claims.push(json!({
                "id": claim.id, "text": claim.text, "section": claim.section,
                "previous_verdict": was, "verdict": claim.verdict,
            }));
        }
    }
    (!claims.is_empty()).then(|| Event {
        kind: EventKind::ClaimFailing,
        summary: format!("{} checklist claim(s) started failing", claims.len()),
        lines,
        details: json!({ "claims": claims }),
    })
}

fn signoffs_stale(before: &Signals, now: &Signals) -> Option<Event> {
    let fresh: HashSet<_> = before
        .signoffs
        .iter()
        .filter(|s| !s.stale)
        .map(|s| s.key())
        .collect();
    let stale: Vec<_> = now
        .signoffs
        .iter()
        .filter(|s| s.stale && fresh.contains(&s.key()))
        .collect();
    (!stale.is_empty()).then(|| Event {
        kind: EventKind::SignoffStale,
        summary: format!("{} sign-off(s) went stale", stale.len()),
        lines: stale
            .iter()
            .map(|s| format!("{} by {} ({})", s.section, s.name, s.signed_at))
            .collect(),
        details: json!({
            "signoffs": stale.iter().map(|s| json!({
                "section": s.section, "name": s.name, "signed_at": s.signed_at,
            })).collect::<Vec<_>>()
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::super::signals::{Claim, CriticalFinding, Signoff};
    use super::*;

    fn finding(fp: &str) -> CriticalFinding {
        CriticalFinding {
            fingerprint: fp.into(),
            control: "SEC001".into(),
            title: "No secrets".into(),
            path: "a.env".into(),
            line: Some(2),
            message: "a key".into(),
        }
    }

    fn claim(id: &str, verdict: &str) -> Claim {
        Claim {
            id: id.into(),
            text: "Runs as non-root".into(),
            section: vec!["Launch".into()],
            verdict: verdict.into(),
        }
    }

    fn side(score: Option<i64>, signals: Option<&Signals>) -> Side<'_> {
        Side { score, signals }
    }

    #[test]
    fn score_drops_below_the_threshold_are_quiet() {
        let kinds = |before, now, threshold| -> Vec<EventKind> {
            detect(&side(before, None), &side(now, None), threshold)
                .iter()
                .map(|e| e.kind)
                .collect()
        };
        assert_eq!(kinds(Some(80), Some(79), 1), [EventKind::ScoreDrop]);
        assert!(kinds(Some(80), Some(79), 5).is_empty());
        assert!(kinds(Some(80), Some(80), 0).is_empty(), "no drop, no event");
        assert!(kinds(Some(70), Some(80), 1).is_empty());
        assert!(kinds(None, Some(10), 1).is_empty());
    }

    #[test]
    fn only_unseen_fingerprints_are_new() {
        let before = Signals {
            critical: vec![finding("aaaa")],
            ..Signals::default()
        };
        let now = Signals {
            critical: vec![finding("aaaa"), finding("bbbb"), finding("bbbb")],
            ..Signals::default()
        };
        let events = detect(&side(None, Some(&before)), &side(None, Some(&now)), 1);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].details["findings"][0]["fingerprint"], "bbbb");
        assert_eq!(events[0].details["findings"].as_array().unwrap().len(), 1);
        assert_eq!(events[0].lines, ["SEC001 a.env:2: a key"]);
        let unknown = detect(&side(None, None), &side(None, Some(&now)), 1);
        assert!(unknown.is_empty(), "no signals before: nothing is new");
    }

    #[test]
    fn claims_that_went_from_done_to_failing_are_named() {
        let before = Signals {
            claims: vec![
                claim("A", "done"),
                claim("B", "not_done"),
                claim("C", "done"),
            ],
            ..Signals::default()
        };
        let now = Signals {
            claims: vec![
                claim("A", "claimed_but_failing"),
                claim("B", "claimed_but_failing"),
                claim("C", "done"),
                claim("D", "not_done"),
            ],
            ..Signals::default()
        };
        let events = detect(&side(None, Some(&before)), &side(None, Some(&now)), 1);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind, EventKind::ClaimFailing);
        assert_eq!(events[0].details["claims"][0]["id"], "A");
        assert_eq!(events[0].details["claims"][0]["previous_verdict"], "done");
        assert_eq!(events[0].details["claims"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn a_signoff_that_was_fresh_and_is_stale_is_named() {
        let signoff = |stale| Signoff {
            section: "Launch".into(),
            name: "Ada".into(),
            signed_at: "2026-11-22T06:00:00Z".into(),
            stale,
        };
        let before = Signals {
            signoffs: vec![signoff(false)],
            ..Signals::default()
        };
        let now = Signals {
            signoffs: vec![signoff(true)],
            ..Signals::default()
        };
        let events = detect(&side(None, Some(&before)), &side(None, Some(&now)), 1);
        assert_eq!(events[0].kind, EventKind::SignoffStale);
        assert_eq!(events[0].details["signoffs"][0]["name"], "Ada");
        let again = detect(&side(None, Some(&now)), &side(None, Some(&now)), 1);
        assert!(again.is_empty(), "stale before too: already told");
    }
}
