//! Which paths count as the project's own, deployed material.

use vouch_workspace::{is_docs_or_example_path, is_test_path};

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

/// Neither vendored, nor test-only, nor documentation or an example.
pub fn is_product_path(rel: &str) -> bool {
    !is_vendored(rel) && !is_test_path(rel) && !is_docs_or_example_path(rel)
}

/// Documentation or example path (`docs/`, `examples/`, Markdown).
pub fn is_docs_or_example(rel: &str) -> bool {
    is_docs_or_example_path(rel)
}

/// Not vendored and not an example (documentation folders are allowed: runbooks live there).
pub fn is_project_doc_path(rel: &str) -> bool {
    !is_vendored(rel)
        && !rel.split('/').any(|p| {
            let p = p.to_ascii_lowercase();
            matches!(p.as_str(), "examples" | "example" | "samples" | "sample")
        })
        && !is_fixture_path(rel)
}

/// Where the project's own configuration may live, test stacks included: not vendored, not
/// test data (fixtures), not documentation or examples.
pub fn is_evidence_path(rel: &str) -> bool {
    !is_vendored(rel) && !is_fixture_path(rel) && !is_docs_or_example_path(rel)
}

/// Test data folders (not test code): fixtures, testdata.
pub fn is_fixture_path(rel: &str) -> bool {
    rel.split('/').any(|p| {
        matches!(
            p.to_ascii_lowercase().as_str(),
            "fixtures" | "__fixtures__" | "testdata" | "test-data" | "test_data"
        )
    })
}

/// The file name (last path component).
pub fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendored_and_product_paths() {
        assert!(is_vendored("web/node_modules/k6/index.js"));
        assert!(is_vendored("vendor/github.com/x/y.go"));
        assert!(!is_vendored("src/vendors.py"));
        assert!(is_product_path("deploy/backup-cronjob.yaml"));
        assert!(!is_product_path("docs/examples/backup.yaml"));
        assert!(!is_product_path("tests/fixtures/alerts.yml"));
        assert!(is_project_doc_path("docs/runbooks/restore.md"));
        assert!(!is_project_doc_path("docs/examples/runbook.md"));
        assert_eq!(file_name("a/b/c.sql"), "c.sql");
    }
}
