//! The path classes every control asks about each file (vendored, test, documentation or
//! example, test-like source), computed once per file in the walk: dozens of controls loop over
//! all files, and classifying the path again in each loop cost a tenth of a large audit.

use crate::classify::{FileKind, is_docs_or_example_path, is_test_path};
use crate::facts::paths::is_vendored;
use crate::facts::test_files::is_test_like_given;

/// Path classes of one file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PathClass(u8);

impl PathClass {
    const VENDORED: u8 = 1;
    const TEST: u8 = 2;
    const DOCS: u8 = 4;
    const TEST_LIKE: u8 = 8;

    /// Classes of `rel`; "test-like" is only computed for source files (the only ones asked).
    pub fn of(rel: &str, kind: FileKind) -> PathClass {
        let test = is_test_path(rel);
        let test_like = matches!(kind, FileKind::Source(_)) && is_test_like_given(rel, test);
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
    /// [`is_test_path`].
    pub fn test(self) -> bool {
        self.has(Self::TEST)
    }
    /// [`is_docs_or_example_path`].
    pub fn docs_or_example(self) -> bool {
        self.has(Self::DOCS)
    }
    /// [`crate::facts::test_files::is_test_like`] (source files only).
    pub fn test_like(self) -> bool {
        self.has(Self::TEST_LIKE)
    }
    /// Neither vendored, nor test-only, nor documentation or an example.
    pub fn product(self) -> bool {
        !self.vendored() && !self.test() && !self.docs_or_example()
    }
}
