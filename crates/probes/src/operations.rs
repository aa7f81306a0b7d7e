//! What the service says it serves: operations from its OpenAPI document, else the routes
//! read from its repository (`--repo`). Probes pick endpoints from here.

use crate::target::TargetError;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    OpenApi,
    Repo,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    /// Upper-case method.
    pub method: String,
    /// Path template as declared (`/api/items/{id}`), with the server prefix applied.
    pub path: String,
    /// Takes a JSON request body.
    pub json_body: bool,
    pub source: Source,
}

impl Operation {
    pub fn is_write(&self) -> bool {
        matches!(self.method.as_str(), "POST" | "PUT" | "PATCH" | "DELETE")
    }

    pub fn has_params(&self) -> bool {
        self.path.contains(['{', ':', '<', '*'])
    }

    /// The path with every parameter replaced by `value` (`/items/{id}` → `/items/1`).
    pub fn concrete_path(&self, value: &str) -> String {
        self.path
            .split('/')
            .map(|segment| {
                let is_param = (segment.starts_with('{') && segment.ends_with('}'))
                    || (segment.starts_with('<') && segment.ends_with('>'))
                    || segment.starts_with(':')
                    || segment.starts_with('*');
                if is_param { value } else { segment }
            })
            .collect::<Vec<_>>()
            .join("/")
    }
}

#[derive(Clone, Debug, Default)]
pub struct Operations {
    pub list: Vec<Operation>,
    /// Where the OpenAPI document came from (a URL path on the target, a file or a URL).
    pub openapi_source: Option<String>,
    /// Why no OpenAPI document was used.
    pub openapi_missing: Option<String>,
    /// GraphQL endpoint paths the repository registers (`--repo`); they take every method,
    /// so they are not operations.
    pub graphql: Vec<String>,
}

impl Operations {
    /// Adds repository routes the OpenAPI document does not already declare.
    pub fn extend_from_repo(&mut self, routes: Vec<Operation>) {
        for r in routes {
            let known = self
                .list
                .iter()
                .any(|o| o.method == r.method && same_template(&o.path, &r.path));
            if !known {
                self.list.push(r);
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Operation> {
        self.list.iter()
    }

    /// Methods declared for a path.
    pub fn methods_of(&self, path: &str) -> Vec<&str> {
        self.list
            .iter()
            .filter(|o| same_template(&o.path, path))
            .map(|o| o.method.as_str())
            .collect()
    }

    /// The first path segment most declared operations share (`/api`), if any.
    pub fn api_prefix(&self) -> Option<String> {
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for o in &self.list {
            if let Some(first) = o.path.trim_start_matches('/').split('/').next()
                && !first.is_empty()
                && !first.contains(['{', ':', '<'])
                && o.path.trim_start_matches('/').contains('/')
            {
                *counts.entry(first).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .max_by_key(|(_, n)| *n)
            .map(|(p, _)| format!("/{p}"))
    }
}

/// `/items/{id}` and `/items/:id` name the same route.
fn same_template(a: &str, b: &str) -> bool {
    let norm = |p: &str| {
        Operation {
            method: String::new(),
            path: p.trim_end_matches('/').to_string(),
            json_body: false,
            source: Source::Repo,
        }
        .concrete_path("{}")
    };
    norm(a) == norm(b)
}

/// What `--repo` adds: its HTTP routes as operations, and its GraphQL endpoints.
pub struct RepoRoutes {
    pub operations: Vec<Operation>,
    pub graphql: Vec<String>,
}

/// The routes `vouch routes` would list for `repo`.
pub fn from_repo(repo: &Path) -> Result<RepoRoutes, TargetError> {
    let ws =
        vouch_workspace::load(repo, &vouch_workspace::LoadOptions::default()).map_err(|e| {
            TargetError::Repo {
                path: repo.display().to_string(),
                reason: e.to_string(),
            }
        })?;
    let operations = ws
        .code
        .routes()
        .filter(|r| r.method != "ANY" && r.path.starts_with('/'))
        .map(|r| Operation {
            method: r.method.clone(),
            path: r.path.clone(),
            json_body: r.is_write(),
            source: Source::Repo,
        })
        .collect();
    let mut graphql: Vec<String> = ws
        .code
        .routes()
        .filter(|r| r.kind == vouch_code::RouteKind::GraphQl && r.path.starts_with('/'))
        .map(|r| r.path.clone())
        .collect();
    graphql.sort();
    graphql.dedup();
    Ok(RepoRoutes {
        operations,
        graphql,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(method: &str, path: &str) -> Operation {
        Operation {
            method: method.into(),
            path: path.into(),
            json_body: false,
            source: Source::OpenApi,
        }
    }

    #[test]
    fn concrete_paths_replace_every_parameter_style() {
        assert_eq!(op("GET", "/a/{id}/b").concrete_path("1"), "/a/1/b");
        assert_eq!(op("GET", "/a/:id").concrete_path("1"), "/a/1");
        assert_eq!(op("GET", "/a/<int:id>").concrete_path("1"), "/a/1");
        assert!(!op("GET", "/a/b").has_params());
    }

    #[test]
    fn repo_routes_do_not_duplicate_declared_ones() {
        let mut ops = Operations {
            list: vec![op("GET", "/items/{id}")],
            ..Default::default()
        };
        ops.extend_from_repo(vec![op("GET", "/items/:id"), op("POST", "/items")]);
        assert_eq!(ops.list.len(), 2);
        assert_eq!(ops.methods_of("/items/{id}"), vec!["GET"]);
    }

    #[test]
    fn api_prefix_is_the_most_shared_first_segment() {
        let ops = Operations {
            list: vec![
                op("GET", "/healthz"),
                op("GET", "/api/items"),
                op("POST", "/api/items"),
                op("GET", "/v1/x/y"),
            ],
            ..Default::default()
        };
        assert_eq!(ops.api_prefix().as_deref(), Some("/api"));
        assert_eq!(Operations::default().api_prefix(), None);
    }
}
