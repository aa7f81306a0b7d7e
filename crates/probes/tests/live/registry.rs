//! The probe registry's invariants, and docs/controls/HTTP*.md kept current.

use std::collections::HashSet;
use std::path::Path;
use vouch_checks::registry::render_doc;
use vouch_probes::all_probes;

#[test]
fn ids_are_unique_and_well_formed() {
    let mut seen = HashSet::new();
    let mut slugs = HashSet::new();
    let id_shape = regex::Regex::new(r"^HTTP\d{3}$").unwrap();
    for p in all_probes() {
        let m = p.meta();
        assert!(seen.insert(m.id), "duplicate ID {}", m.id);
        assert!(slugs.insert(m.slug), "duplicate slug {}", m.slug);
        assert!(id_shape.is_match(m.id), "malformed ID {}", m.id);
        assert!(
            vouch_checks::find(m.id).is_none(),
            "{} is also a static control",
            m.id
        );
        assert!(!m.title.is_empty() && !m.remediation.is_empty(), "{}", m.id);
        assert!(
            !m.references.is_empty() && m.references.iter().all(|r| r.starts_with("https://")),
            "{}: references",
            m.id
        );
        assert!(!m.concepts.is_empty(), "{}: concepts", m.id);
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("src/http/{}.rs", m.slug));
        assert!(file.is_file(), "{}: the slug names its file", m.id);
    }
}

#[test]
fn docs_have_the_fixed_headings() {
    for p in all_probes() {
        let m = p.meta();
        let mut last = 0;
        for heading in [
            "## What it checks",
            "## Why it matters in production",
            "## Example",
            "## References",
        ] {
            let at = m
                .doc
                .find(heading)
                .unwrap_or_else(|| panic!("{}: doc lacks `{heading}`", m.id));
            assert!(at >= last, "{}: `{heading}` out of order", m.id);
            last = at;
        }
    }
}

/// docs/controls/HTTP*.md are generated from the registry; set VOUCH_UPDATE_DOCS=1 to rewrite.
#[test]
fn docs_controls_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/controls");
    let update = std::env::var_os("VOUCH_UPDATE_DOCS").is_some();
    let mut stale = Vec::new();
    let mut expected = HashSet::new();
    for p in all_probes() {
        let m = p.meta();
        let name = format!("{}.md", m.id);
        let want = render_doc(m);
        if std::fs::read_to_string(dir.join(&name)).ok().as_deref() != Some(want.as_str()) {
            if update {
                std::fs::write(dir.join(&name), want).unwrap();
            } else {
                stale.push(m.id.to_string());
            }
        }
        expected.insert(name);
    }
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("HTTP") && name.ends_with(".md") && !expected.contains(&name) {
            if update {
                std::fs::remove_file(entry.path()).unwrap();
            } else {
                stale.push(format!("{name} (orphan)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "docs/controls is stale for {stale:?}: run `VOUCH_UPDATE_DOCS=1 cargo test -p vouch-probes --test live registry`"
    );
}
