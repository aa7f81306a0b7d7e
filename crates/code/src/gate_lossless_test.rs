//! The gate must never hide a fact: every source file of the checks' fixtures (good and bad
//! services in every language, with their traps) is extracted without the gate, and whatever
//! yields a route or a fact must be let through as `Gate::Facts`.

use crate::gate::{Gate, gate};
use crate::model::Language;
use crate::parse::analyse;
use std::path::{Path, PathBuf};

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            source_files(&path, out);
        } else if Language::of_path(&path.to_string_lossy()).is_some() {
            out.push(path);
        }
    }
}

#[test]
fn no_fixture_fact_is_behind_the_gate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../checks/fixtures");
    let mut files = Vec::new();
    source_files(&root, &mut files);
    assert!(files.len() > 500, "fixtures found: {}", files.len());
    let mut lost = Vec::new();
    let mut deferred = 0;
    for path in &files {
        let src = std::fs::read(path).expect("fixture");
        let rel = path
            .strip_prefix(&root)
            .expect("under fixtures")
            .to_string_lossy()
            .replace('\\', "/");
        let language = Language::of_path(&rel).expect("source file");
        let full = analyse(&rel, language, &src, true);
        let decided = gate(language, &rel, &src);
        deferred += usize::from(decided == Gate::Config);
        // Link hints alone (module structure) and config values of files without any trigger
        // are not facts: the gate never promised them (config words defer, they do not drop).
        let needs_facts = !full.routes.is_empty() || !full.facts.is_empty();
        if needs_facts && decided != Gate::Facts {
            let what: Vec<&str> = full
                .facts
                .iter()
                .map(|f| f.kind.variant_name())
                .chain(full.routes.iter().map(|_| "route"))
                .collect();
            lost.push(format!("{rel} ({decided:?}): {what:?}"));
        }
    }
    assert!(
        lost.is_empty(),
        "{} of {} fixture files would lose facts:\n{}",
        lost.len(),
        files.len(),
        lost.join("\n")
    );
    assert!(deferred > 0, "some fixture files only read config");
}
