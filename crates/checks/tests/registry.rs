//! The registry's invariants: unique well-formed IDs, complete docs.

use std::collections::{BTreeMap, HashSet};
use vouch_checks::all_checks;

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

// docs/controls/ (pages, index, orphans) is kept current by the CLI's catalogue test, which
// knows every control: `VOUCH_UPDATE_DOCS=1 cargo test -p vouch-cli --bin vouch catalog`.

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
