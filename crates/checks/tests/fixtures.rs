//! Every control against its fixtures: `good*` must pass, `bad*` must fail, and the failure is
//! snapshot-tested. One test per domain so domains run in parallel.

mod common;

use common::{evaluate, fixtures_root, materialise, render};
use rayon::prelude::*;
use vouch_checks::{all_checks, domain_dir};
use vouch_core::OutcomeKind;

fn check_domain(dir: &str) {
    check_domain_cases(dir, |_| true);
}

/// Code fixtures are named `good-<lang>...`/`bad-<lang>...`: one test per language family.
const CODE_LANGS: [&str; 5] = ["python", "js", "go", "rust", "java"];

fn code_lang(name: &str) -> Option<&'static str> {
    let lang = name.split('-').nth(1)?;
    CODE_LANGS
        .into_iter()
        .find(|l| *l == lang || (*l == "js" && lang == "ts"))
}

fn check_domain_cases(dir: &str, include: impl Fn(&str) -> bool) {
    let checks: Vec<_> = all_checks()
        .into_iter()
        .filter(|c| domain_dir(c.meta()) == dir)
        .collect();
    assert!(!checks.is_empty(), "no controls in domain {dir}");
    let mut cases = Vec::new();
    for check in &checks {
        let meta = check.meta();
        let base = fixtures_root().join(dir).join(meta.slug);
        let mut names: Vec<String> = std::fs::read_dir(&base)
            .unwrap_or_else(|_| panic!("{}: missing fixtures folder {}", meta.id, base.display()))
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert!(
            names.iter().any(|n| n.starts_with("good")),
            "{}: needs a good* fixture",
            meta.id
        );
        assert!(
            names.iter().any(|n| n.starts_with("bad")),
            "{}: needs a bad* fixture",
            meta.id
        );
        for name in names.into_iter().filter(|n| include(n)) {
            cases.push((*check, base.join(&name), name));
        }
    }
    let outcomes: Vec<_> = cases
        .par_iter()
        .map(|(check, path, name)| {
            let repo = materialise(path);
            (check.meta().id, name.clone(), evaluate(repo.path(), *check))
        })
        .collect();
    let mut problems = Vec::new();
    for (id, name, result) in &outcomes {
        if name.starts_with("good") && result.outcome != OutcomeKind::Pass {
            problems.push(format!(
                "{id}/{name}: expected pass, got:\n{}",
                render(result)
            ));
        }
        if name.starts_with("bad") && result.outcome != OutcomeKind::Fail {
            problems.push(format!(
                "{id}/{name}: expected fail, got:\n{}",
                render(result)
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for (id, name, result) in &outcomes {
        if name.starts_with("bad") {
            insta::assert_snapshot!(format!("{id}__{name}"), render(result));
        }
    }
}

#[test]
fn dockerfile() {
    check_domain("dockerfile");
}

#[test]
fn compose() {
    check_domain("compose");
}

#[test]
fn kubernetes() {
    check_domain("kubernetes");
}

#[test]
fn ci() {
    check_domain("ci");
}

#[test]
fn repo() {
    check_domain("repo");
}

#[test]
fn data() {
    check_domain("data");
}

#[test]
fn code_python() {
    check_domain_cases("code", |n| code_lang(n) == Some("python"));
}

#[test]
fn code_js() {
    check_domain_cases("code", |n| code_lang(n) == Some("js"));
}

#[test]
fn code_go() {
    check_domain_cases("code", |n| code_lang(n) == Some("go"));
}

#[test]
fn code_rust() {
    check_domain_cases("code", |n| code_lang(n) == Some("rust"));
}

#[test]
fn code_java() {
    check_domain_cases("code", |n| code_lang(n) == Some("java"));
}

#[test]
fn code_any_language() {
    check_domain_cases("code", |n| code_lang(n).is_none());
}
