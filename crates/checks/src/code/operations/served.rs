//! The paths the code serves to a plain `GET` (what a probe or a scraper sends): HTTP routes
//! and metrics endpoints, with where they are registered.

use super::paths;
use vouch_code::{FactKind, RouteKind};
use vouch_workspace::Workspace;

/// A path pattern the code answers `GET` on.
#[derive(Clone, Debug)]
pub struct ServedPath {
    pub pattern: String,
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// `fastapi route`, `metrics endpoint`, ...
    pub what: String,
}

impl ServedPath {
    pub fn at(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// Served paths, split into those that count and catch-alls that answer anything.
#[derive(Debug, Default)]
pub struct Served {
    pub exact: Vec<ServedPath>,
    pub catch_alls: Vec<ServedPath>,
}

impl Served {
    pub fn build(ws: &Workspace) -> Served {
        let mut served = Served::default();
        for route in ws.code.routes() {
            let gettable = matches!(route.method.as_str(), "GET" | "HEAD" | "ANY");
            if !gettable || route.kind != RouteKind::Http {
                continue;
            }
            served.push(ServedPath {
                pattern: route.path.clone(),
                file: route.file.clone(),
                line: route.line,
                column: route.column,
                what: format!("{} route", route.framework),
            });
        }
        for (file, fact) in ws.code.facts() {
            if let FactKind::MetricsEndpoint { path } = &fact.kind
                && path.starts_with('/')
            {
                served.push(ServedPath {
                    pattern: path.clone(),
                    file: file.path.clone(),
                    line: fact.at.line,
                    column: fact.at.column,
                    what: "metrics endpoint".into(),
                });
            }
        }
        for path in super::actuator::actuator_paths(ws) {
            served.push(path);
        }
        served
    }

    /// Only what files under `dir` serve.
    pub fn within(&self, dir: &str) -> Served {
        let prefix = format!("{dir}/");
        let keep = |paths: &[ServedPath]| {
            paths
                .iter()
                .filter(|p| p.file.starts_with(&prefix))
                .cloned()
                .collect()
        };
        Served {
            exact: keep(&self.exact),
            catch_alls: keep(&self.catch_alls),
        }
    }

    fn push(&mut self, path: ServedPath) {
        if paths::is_catch_all(&path.pattern) {
            self.catch_alls.push(path);
        } else {
            self.exact.push(path);
        }
    }

    /// Whether the code has anything to compare against.
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.catch_alls.is_empty()
    }

    /// The served pattern that answers `path`, not counting catch-alls.
    pub fn serving(&self, path: &str) -> Option<&ServedPath> {
        self.exact.iter().find(|s| paths::serves(&s.pattern, path))
    }

    /// A catch-all that would answer `path` (an SPA fallback, a proxy route).
    pub fn catch_all_for(&self, path: &str) -> Option<&ServedPath> {
        self.catch_alls
            .iter()
            .find(|s| paths::catch_all_answers(&s.pattern, path))
    }

    /// Why `path` is not served, for a finding message; `catch_all_effect` says what answering
    /// through a catch-all means for the requester.
    /// `place` names the code searched (`the code`, ``the code in `api/` ``).
    pub fn not_served_because(&self, path: &str, catch_all_effect: &str, place: &str) -> String {
        match self.catch_all_for(path) {
            Some(c) => format!(
                "only the catch-all route `{}` at {} would answer it, {catch_all_effect}",
                c.pattern,
                c.at()
            ),
            None => format!("no route in {place} serves it"),
        }
    }

    /// Served patterns `keep` accepts, as "`/a` (file:line), `/b` (file:line)".
    pub fn listing(&self, keep: impl Fn(&ServedPath) -> bool) -> Option<String> {
        let listed: Vec<String> = self
            .exact
            .iter()
            .filter(|s| keep(s))
            .map(|s| format!("`{}` ({})", s.pattern, s.at()))
            .collect();
        (!listed.is_empty()).then(|| listed.join(", "))
    }
}
