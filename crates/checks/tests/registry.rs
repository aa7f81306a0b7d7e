//! The registry's invariants: unique well-formed IDs, complete docs, current docs/controls.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use vouch_checks::all_checks;
use vouch_checks::registry::render_doc;

#[test]
fn ids_are_unique_and_well_formed() {
    let mut seen = HashSet::new();
    let id_shape = regex::Regex::new(r"^(DKR|CMP|K8S|CI|SEC|CODE|OBS|DATA|DOC|TST)\d{3}$").unwrap();
    for c in all_checks() {
        let m = c.meta();
        assert!(seen.insert(m.id), "duplicate ID {}", m.id);
        assert!(id_shape.is_match(m.id), "malformed ID {}", m.id);
        assert!(
            !m.slug.is_empty()
                && m.slug
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit()),
            "{}: slug",
            m.id
        );
        assert!(
            !m.title.is_empty() && !m.remediation.is_empty(),
            "{}: title/remediation",
            m.id
        );
        assert!(
            !m.references.is_empty() && m.references.iter().all(|r| r.starts_with("https://")),
            "{}: references",
            m.id
        );
        assert!(!m.concepts.is_empty(), "{}: concepts", m.id);
    }
}

#[test]
fn docs_have_the_fixed_headings() {
    for c in all_checks() {
        let m = c.meta();
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

#[test]
fn slugs_are_unique_within_a_domain() {
    let mut seen = HashSet::new();
    for c in all_checks() {
        let m = c.meta();
        assert!(
            seen.insert((vouch_checks::domain_dir(m), m.slug)),
            "duplicate slug {}",
            m.slug
        );
    }
}

/// docs/controls/<ID>.md is generated from the registry; set VOUCH_UPDATE_DOCS=1 to rewrite.
#[test]
fn docs_controls_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/controls");
    let update = std::env::var_os("VOUCH_UPDATE_DOCS").is_some();
    let mut stale = Vec::new();
    let mut expected_files = HashSet::new();
    for c in all_checks() {
        let m = c.meta();
        let path = dir.join(format!("{}.md", m.id));
        expected_files.insert(format!("{}.md", m.id));
        let want = render_doc(m);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(want.as_str()) {
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, want).unwrap();
            } else {
                stale.push(m.id);
            }
        }
    }
    // The index (README.md) lists live controls too: the CLI's catalogue test owns it.
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            // Live controls (HTTP, LOAD) are documented by their own crates' registry tests.
            let live = name.starts_with("HTTP") || name.starts_with("LOAD");
            if name.ends_with(".md")
                && name != "README.md"
                && !live
                && !expected_files.contains(&name)
            {
                if update {
                    std::fs::remove_file(e.path()).unwrap();
                } else {
                    stale.push("(orphan doc)");
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "docs/controls is stale for {stale:?}: run `VOUCH_UPDATE_DOCS=1 cargo test -p vouch-checks --test registry`"
    );
}

/// The issue's floor: at least 80 static controls, spread over the domains.
#[test]
fn enough_controls_per_domain() {
    let mut per: BTreeMap<&str, usize> = BTreeMap::new();
    for c in all_checks() {
        *per.entry(vouch_checks::domain_dir(c.meta())).or_default() += 1;
    }
    let floors = [
        ("dockerfile", 15),
        ("compose", 12),
        ("kubernetes", 15),
        ("ci", 15),
        ("repo", 10),
        ("data", 13),
    ];
    for (domain, floor) in floors {
        assert!(
            per.get(domain).copied().unwrap_or(0) >= floor,
            "{domain}: {per:?}"
        );
    }
    assert!(all_checks().len() >= 80, "{} controls", all_checks().len());
}
