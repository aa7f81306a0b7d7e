//! Test files of the project: which language family they test, whether they hold test cases,
//! and which notable libraries they use (Testcontainers, Playwright, Toxiproxy...). The walk
//! inspects them during its single read (`vouch_workspace::facts::test_files`); this model
//! only adds the evidence helpers.

use crate::prelude::*;
use std::sync::Arc;
pub use vouch_workspace::facts::test_files::{Family, Marker};

#[derive(Clone, Debug)]
pub struct TestFile {
    pub rel: String,
    pub family: Option<Family>,
    /// Line and column of the first test case.
    pub first_test: Option<(u32, u32)>,
    pub markers: Vec<(Marker, u32, u32)>,
    /// The text of the lines above (only those: test files are not kept in memory).
    snippets: Vec<(u32, String)>,
}

impl TestFile {
    pub fn finding(&self, line: u32, column: u32, message: impl Into<String>) -> Finding {
        let snippet = self
            .snippets
            .iter()
            .find(|(n, _)| *n == line)
            .map_or("", |(_, s)| s.as_str());
        Finding::new(Location::at(&self.rel, line, column.max(1)), message).with_snippet(snippet)
    }
}

pub struct TestFiles {
    pub files: Vec<TestFile>,
}

impl TestFiles {
    pub fn get(ws: &Workspace) -> Arc<TestFiles> {
        ws.cached(build)
    }

    /// Test files holding at least one test case.
    pub fn with_tests(&self) -> impl Iterator<Item = &TestFile> {
        self.files.iter().filter(|f| f.first_test.is_some())
    }
}

fn build(ws: &Workspace) -> TestFiles {
    let files = ws
        .facts
        .test_files
        .iter()
        .map(|t| TestFile {
            rel: t.rel.clone(),
            family: Some(t.family),
            first_test: t.first_test,
            markers: t.markers.clone(),
            snippets: t.snippets.clone(),
        })
        .collect();
    TestFiles { files }
}
