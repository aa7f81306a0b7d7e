//! Helpers shared by the document tests.
#![allow(dead_code)]

use vouch_checklist::document::Document;
use vouch_checklist::model::{Priority, Status};

/// `Status::None` under a name that does not clash with `Option::None`.
#[allow(non_upper_case_globals)]
pub const None_: Status = Status::None;

pub fn fixtures_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Fixture paths (relative to fixtures/) in one folder, sorted.
pub fn fixture_names(folder: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures_dir().join(folder))
        .expect("fixture folder")
        .map(|e| {
            format!(
                "{folder}/{}",
                e.expect("entry").file_name().to_string_lossy()
            )
        })
        .collect();
    names.sort();
    names
}

pub fn parse(bytes: &[u8]) -> Document {
    Document::parse(bytes).expect("fixture parses")
}

/// What a test expects of one item; an empty `id` means "derived, not written".
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: usize,
    pub id: String,
    pub status: Status,
    pub priority: Option<Priority>,
}

pub fn row(line: usize, id: &str, status: Status, priority: Option<Priority>) -> Row {
    Row {
        line,
        id: id.to_owned(),
        status,
        priority,
    }
}

pub fn assert_rows(doc: &Document, expected: &[Row]) {
    let actual: Vec<Row> = doc
        .items()
        .iter()
        .map(|i| Row {
            line: i.line,
            id: if i.id_in_doc {
                i.id.clone()
            } else {
                String::new()
            },
            status: i.status,
            priority: i.priority,
        })
        .collect();
    assert_eq!(actual, expected);
}
