//! Which paths count as the project's own, deployed material.

use vouch_workspace::{is_docs_or_example_path, is_test_path};

pub use vouch_workspace::facts::paths::{file_name, is_fixture_path, is_vendored, lowercase};

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

#[cfg(test)]
mod tests {
    use super::*;
    use vouch_workspace::{FileEntry, FileKind};

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
        for rel in [
            "deploy/backup-cronjob.yaml",
            "docs/examples/backup.yaml",
            "tests/fixtures/alerts.yml",
            "web/node_modules/k6/index.js",
            "e2e/login.spec.ts",
            "pkg/test_helpers.go",
        ] {
            let entry = FileEntry::new(rel.to_string(), vouch_workspace::classify(rel), 0);
            let c = vouch_workspace::PathClass::of(rel, entry.kind);
            assert_eq!(c.product(), is_product_path(rel), "{rel}");
            let source = matches!(entry.kind, FileKind::Source(_));
            assert_eq!(
                c.test_like(),
                source && vouch_workspace::facts::test_files::is_test_like(rel),
                "{rel}"
            );
        }
    }
}
