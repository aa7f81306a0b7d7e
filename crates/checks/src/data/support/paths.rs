//! Which paths count as the project's own, deployed material.

use std::sync::Arc;
use vouch_workspace::facts::test_files::is_test_like_given;
use vouch_workspace::{FileEntry, FileKind, Workspace, is_docs_or_example_path, is_test_path};

pub use vouch_workspace::facts::paths::{file_name, is_fixture_path, is_vendored};

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

/// The classes above for every file of the workspace, computed once (in parallel) instead of
/// by every control that walks `ws.files` (each class lower-cases and splits the path).
pub struct PathClasses {
    /// Indexed like `ws.files`.
    classes: Vec<PathClass>,
}

/// Path classes of one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PathClass(u8);

impl PathClass {
    const VENDORED: u8 = 1;
    const TEST: u8 = 2;
    const DOCS: u8 = 4;
    const TEST_LIKE: u8 = 8;

    /// Classes of a file; "test-like" is only computed for source files (the only ones asked).
    pub fn of(f: &FileEntry) -> PathClass {
        let rel = f.rel.as_str();
        let test = is_test_path(rel);
        let test_like = matches!(f.kind, FileKind::Source(_)) && is_test_like_given(rel, test);
        let mut bits = 0;
        for (yes, bit) in [
            (is_vendored(rel), Self::VENDORED),
            (test, Self::TEST),
            (is_docs_or_example_path(rel), Self::DOCS),
            (test_like, Self::TEST_LIKE),
        ] {
            if yes {
                bits |= bit;
            }
        }
        PathClass(bits)
    }

    fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }
    /// [`is_vendored`].
    pub fn vendored(self) -> bool {
        self.has(Self::VENDORED)
    }
    /// `vouch_workspace::is_test_path`.
    pub fn test(self) -> bool {
        self.has(Self::TEST)
    }
    /// [`is_docs_or_example`].
    pub fn docs_or_example(self) -> bool {
        self.has(Self::DOCS)
    }
    /// `vouch_workspace::facts::test_files::is_test_like` (source files only).
    pub fn test_like(self) -> bool {
        self.has(Self::TEST_LIKE)
    }
    /// [`is_product_path`].
    pub fn product(self) -> bool {
        !self.vendored() && !self.test() && !self.docs_or_example()
    }
}

impl PathClasses {
    pub fn get(ws: &Workspace) -> Arc<PathClasses> {
        ws.cached(|ws| {
            use rayon::prelude::*;
            PathClasses {
                classes: ws.files.par_iter().map(PathClass::of).collect(),
            }
        })
    }

    /// Every file of the workspace with its classes.
    pub fn files<'a>(
        &'a self,
        ws: &'a Workspace,
    ) -> impl Iterator<Item = (&'a FileEntry, PathClass)> + 'a {
        ws.files.iter().zip(self.classes.iter().copied())
    }
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
        for rel in [
            "deploy/backup-cronjob.yaml",
            "docs/examples/backup.yaml",
            "tests/fixtures/alerts.yml",
            "web/node_modules/k6/index.js",
            "e2e/login.spec.ts",
            "pkg/test_helpers.go",
        ] {
            let entry = FileEntry {
                rel: rel.to_string(),
                kind: vouch_workspace::classify(rel),
                size: 0,
                tracked: None,
                binary: false,
                text: None,
            };
            let c = PathClass::of(&entry);
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
