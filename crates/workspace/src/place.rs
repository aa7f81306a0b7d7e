//! Where a file sits, in the words a finding uses: tracked or untracked, test file,
//! documentation, env file. Shared by the audit's secret control and `vouch secrets`.

use crate::{is_docs_or_example_path, is_test_path};

/// `tracked`: Some(true/false) inside git, None without git.
pub fn place_label(tracked: Option<bool>, path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let kind = if is_test_path(path) {
        Kind::Test
    } else if is_docs_or_example_path(path) {
        Kind::Docs
    } else if name == ".env" || name.starts_with(".env.") || name.ends_with(".env") {
        Kind::Env
    } else {
        Kind::Plain
    };
    match (tracked, kind) {
        (Some(true), Kind::Plain) => "tracked file",
        (Some(true), Kind::Test) => "tracked test file",
        (Some(true), Kind::Docs) => "tracked documentation file",
        (Some(true), Kind::Env) => "tracked env file",
        (Some(false), Kind::Env) => "untracked env file that git does not ignore",
        (Some(false), _) => "untracked file that git does not ignore",
        (None, Kind::Test) => "test file",
        (None, Kind::Docs) => "documentation file",
        (None, Kind::Env) => "env file",
        (None, Kind::Plain) => "file",
    }
}

enum Kind {
    Plain,
    Test,
    Docs,
    Env,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(place_label(Some(true), "src/app.py"), "tracked file");
        assert_eq!(
            place_label(Some(true), "tests/test_app.py"),
            "tracked test file"
        );
        assert_eq!(
            place_label(Some(false), ".env"),
            "untracked env file that git does not ignore"
        );
        assert_eq!(place_label(None, "docs/setup.md"), "documentation file");
    }
}
