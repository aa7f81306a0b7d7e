//! Each family's `DETECTS` list must be exactly the fact variants its source emits, so the
//! coverage the controls rely on cannot drift from the code; `ABSENT` entries need a reason and
//! must not also be emitted.

use std::collections::BTreeSet;
use std::path::Path;

fn emitted(family: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/lang")
        .join(family);
    let mut out = BTreeSet::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("language folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("source");
            // Only non-test code counts: cut at the first test module.
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            let mut rest = code;
            while let Some(i) = rest.find("FactKind::") {
                rest = &rest[i + "FactKind::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        }
    }
    out
}

fn check(family: &str, detects: &[&str], absent: &[(&str, &str)]) {
    let declared: BTreeSet<String> = detects.iter().map(|s| s.to_string()).collect();
    let found = emitted(family);
    assert_eq!(
        declared, found,
        "{family}: DETECTS must list exactly the FactKind variants the extractor emits"
    );
    for (variant, reason) in absent {
        assert!(
            !found.contains(*variant),
            "{family}: {variant} is emitted and ABSENT"
        );
        assert!(!reason.is_empty(), "{family}: {variant} needs a reason");
    }
}

#[test]
fn detects_lists_match_the_extractors() {
    check(
        "python",
        super::coverage::python::DETECTS,
        super::coverage::python::ABSENT,
    );
    check(
        "javascript",
        super::coverage::javascript::DETECTS,
        super::coverage::javascript::ABSENT,
    );
    check(
        "go",
        super::coverage::go::DETECTS,
        super::coverage::go::ABSENT,
    );
    check(
        "rust",
        super::coverage::rust::DETECTS,
        super::coverage::rust::ABSENT,
    );
    check(
        "java",
        super::coverage::java::DETECTS,
        super::coverage::java::ABSENT,
    );
}
