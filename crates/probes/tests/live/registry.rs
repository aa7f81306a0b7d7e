//! The probe registry's invariants.

use std::collections::HashSet;
use std::path::Path;
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

// docs/controls/ (pages, index, orphans) is kept current by the CLI's catalogue test, which
// knows every control: `VOUCH_UPDATE_DOCS=1 cargo test -p vouch-cli --bin vouch catalog`.
