//! User roles and what each may do. A role is a fixed set of scopes, so users and API keys go
//! through the same check ([`super::Principal::require`]) on every route.

use super::Scope;
use serde::{Deserialize, Serialize};

/// Ordered from least to most powerful (`max` picks the highest).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads everything a team reviews: projects, runs.
    Viewer,
    /// A viewer who also uploads runs and edits checklists.
    Engineer,
    /// Everything: users, API keys, projects, settings, metrics.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Engineer, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Engineer => "engineer",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// The scopes this role grants; `admin` includes every scope.
    pub fn scopes(self) -> &'static [Scope] {
        match self {
            Role::Viewer => &[Scope::Read],
            Role::Engineer => &[Scope::Read, Scope::RunsWrite, Scope::ChecklistsWrite],
            Role::Admin => &[Scope::Admin],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_nest() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
        assert!(!Role::Viewer.scopes().contains(&Scope::RunsWrite));
        assert!(Role::Engineer.scopes().contains(&Scope::RunsWrite));
        assert!(!Role::Engineer.scopes().contains(&Scope::ProjectsWrite));
    }
}
