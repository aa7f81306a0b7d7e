//! Path classes the walk needs to decide which facts to extract (and the checks reuse), all
//! without allocating: they run once per file of the tree.

/// The file name (last path component).
pub fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// `s` in ASCII lower case, copied only when it has an upper-case letter (most paths have
/// none): for tests run on every file of a tree.
pub fn lowercase(s: &str) -> std::borrow::Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(s.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Third-party code checked into the tree or left by a package manager: never the project's.
pub fn is_vendored(rel: &str) -> bool {
    rel.split('/').any(|part| {
        matches!(
            part,
            "node_modules"
                | "bower_components"
                | "vendor"
                | "third_party"
                | "third-party"
                | ".venv"
                | "venv"
                | "site-packages"
                | ".terraform"
                | ".git"
                | ".tox"
        )
    })
}

/// Test data folders (not test code): fixtures, testdata (any case).
pub fn is_fixture_path(rel: &str) -> bool {
    rel.split('/').any(|p| {
        [
            "fixtures",
            "__fixtures__",
            "testdata",
            "test-data",
            "test_data",
        ]
        .iter()
        .any(|w| p.eq_ignore_ascii_case(w))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_vendored("web/node_modules/k6/index.js"));
        assert!(!is_vendored("src/vendors.py"));
        assert!(is_fixture_path("tests/Fixtures/a.yml"));
        assert!(is_fixture_path("pkg/testdata/x.go"));
        assert!(!is_fixture_path("src/fixture.py"));
        assert_eq!(file_name("a/b/c.sql"), "c.sql");
    }
}
