//! What a key may do. `admin` includes every other scope.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Scope {
    /// Read projects and runs.
    #[serde(rename = "read")]
    Read,
    /// Create and edit projects.
    #[serde(rename = "projects:write")]
    ProjectsWrite,
    /// Upload runs (CI).
    #[serde(rename = "runs:write")]
    RunsWrite,
    /// Edit checklists and their verdicts (engineers).
    #[serde(rename = "checklists:write")]
    ChecklistsWrite,
    /// Scrape `/metrics` (Prometheus).
    #[serde(rename = "metrics:read")]
    MetricsRead,
    /// Everything, including API key management.
    #[serde(rename = "admin")]
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 6] = [
        Scope::Read,
        Scope::ProjectsWrite,
        Scope::RunsWrite,
        Scope::ChecklistsWrite,
        Scope::MetricsRead,
        Scope::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::ProjectsWrite => "projects:write",
            Scope::RunsWrite => "runs:write",
            Scope::ChecklistsWrite => "checklists:write",
            Scope::MetricsRead => "metrics:read",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Scopes as stored: space-separated names.
pub fn join(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Unknown names in the database are dropped rather than trusted.
pub fn split(stored: &str) -> Vec<Scope> {
    stored.split_whitespace().filter_map(Scope::parse).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_round_trip_and_unknown_names_are_dropped() {
        let scopes = [Scope::Read, Scope::RunsWrite];
        assert_eq!(split(&join(&scopes)), scopes);
        assert_eq!(split("read superuser"), vec![Scope::Read]);
    }
}
