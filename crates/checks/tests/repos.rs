//! End-to-end over two realistic multi-service repositories (Python + Go + TypeScript, compose,
//! Kubernetes, CI): in `bad`, every control ends as `<name>.expected.toml` says (fail, with the
//! reason written down; a few cannot fail together with the rest and say why); in `good`, every
//! applicable control passes. Control by control, every registered control must be listed.

mod common;

use common::{fixtures_root, materialise, render};
use std::collections::BTreeMap;
use vouch_checks::{EngineOptions, all_checks};
use vouch_core::{Config, OutcomeKind};

#[derive(serde::Deserialize)]
struct Expectation {
    outcome: String,
    reason: String,
}

fn check_repo(name: &str) {
    let root = fixtures_root().join("repos");
    let expected_text = std::fs::read_to_string(root.join(format!("{name}.expected.toml")))
        .expect("expectations file");
    let expected: BTreeMap<String, Expectation> =
        toml::from_str(&expected_text).expect("expectations parse");
    let repo = materialise(&root.join(name));
    let ws =
        vouch_workspace::load(repo.path(), &vouch_workspace::LoadOptions::default()).expect("load");
    let config = Config::default();
    let options = EngineOptions {
        config: &config,
        today: time::macros::date!(2026 - 11 - 22),
        on_check_done: None,
    };
    let out = vouch_checks::run(&ws, &all_checks(), &options);

    let mut problems = Vec::new();
    for result in &out.results {
        let id = &result.control.id;
        let Some(want) = expected.get(id) else {
            problems.push(format!(
                "{id}: not listed in {name}.expected.toml (got {})",
                result.outcome.as_str()
            ));
            continue;
        };
        if want.reason.trim().is_empty() {
            problems.push(format!("{id}: expectation has no reason"));
        }
        if result.outcome.as_str() != want.outcome {
            problems.push(format!(
                "{id}: expected {}, got:\n{}",
                want.outcome,
                render(result)
            ));
        }
        if name == "good"
            && !matches!(
                result.outcome,
                OutcomeKind::Pass | OutcomeKind::NotApplicable
            )
        {
            problems.push(format!(
                "{id}: the good repository must pass every applicable control"
            ));
        }
    }
    for id in expected.keys() {
        if !out.results.iter().any(|r| &r.control.id == id) {
            problems.push(format!(
                "{id}: listed in {name}.expected.toml but no such control"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn bad_repository_fails_as_written_down() {
    check_repo("bad");
}

#[test]
fn good_repository_passes_every_applicable_control() {
    check_repo("good");
}
