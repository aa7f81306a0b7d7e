//! The authenticated caller, put into request extensions by the auth middleware: an API key
//! (with its scopes) or a user (with a role, which grants a fixed set of scopes). Every route
//! asks [`Principal::require`] for one scope, whoever the caller is.

use super::{Role, Scope};
use crate::http::problem::Problem;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sha2::Digest;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caller {
    ApiKey {
        id: i64,
    },
    User {
        id: i64,
        role: Role,
    },
    /// A user of the configured OIDC issuer (no local account); the principal's name is the
    /// token's `sub`.
    External {
        partition: i64,
        role: Role,
    },
}

#[derive(Clone, Debug)]
pub struct Principal {
    pub caller: Caller,
    /// The key's name or the user's username.
    pub name: String,
    /// What the caller may do: the key's scopes, or the user's role's scopes.
    pub scopes: Vec<Scope>,
}

impl Principal {
    pub fn api_key(id: i64, name: String, scopes: Vec<Scope>) -> Principal {
        Principal {
            caller: Caller::ApiKey { id },
            name,
            scopes,
        }
    }

    pub fn user(id: i64, name: String, role: Role) -> Principal {
        Principal {
            caller: Caller::User { id, role },
            name,
            scopes: role.scopes().to_vec(),
        }
    }

    /// An OIDC user, known by the issuer's subject identifier.
    pub fn external(subject: String, role: Role) -> Principal {
        // Far below any local user's negated id, so per-caller state never collides.
        let digest = sha2::Sha256::digest(subject.as_bytes());
        let hash = i64::from_be_bytes(digest[..8].try_into().unwrap_or_default());
        Principal {
            caller: Caller::External {
                partition: -(1 << 40) - (hash & ((1 << 60) - 1)),
                role,
            },
            name: subject,
            scopes: role.scopes().to_vec(),
        }
    }

    /// The API key's id, when the caller is a key (runs record which key uploaded them).
    pub fn key_id(&self) -> Option<i64> {
        match self.caller {
            Caller::ApiKey { id } => Some(id),
            Caller::User { .. } | Caller::External { .. } => None,
        }
    }

    pub fn user_id(&self) -> Option<i64> {
        match self.caller {
            Caller::User { id, .. } => Some(id),
            Caller::ApiKey { .. } | Caller::External { .. } => None,
        }
    }

    pub fn role(&self) -> Option<Role> {
        match self.caller {
            Caller::User { role, .. } | Caller::External { role, .. } => Some(role),
            Caller::ApiKey { .. } => None,
        }
    }

    /// One number per caller for per-caller state (rate limits, idempotency keys): the key's
    /// id, or the user's id negated, so the two never collide.
    pub fn partition(&self) -> i64 {
        match self.caller {
            Caller::ApiKey { id } => id,
            Caller::User { id, .. } => -id,
            Caller::External { partition, .. } => partition,
        }
    }

    /// `key:ID`, `user:ID` or `oidc:SUB`, for logs and security events.
    pub fn subject(&self) -> String {
        match self.caller {
            Caller::ApiKey { id } => format!("key:{id}"),
            Caller::User { id, .. } => format!("user:{id}"),
            Caller::External { .. } => format!("oidc:{}", self.name),
        }
    }

    pub fn has(&self, scope: Scope) -> bool {
        self.scopes.contains(&Scope::Admin) || self.scopes.contains(&scope)
    }

    /// 403 naming what is missing: the scope for a key, the role for a user.
    pub fn require(&self, scope: Scope) -> Result<(), Problem> {
        if self.has(scope) {
            return Ok(());
        }
        Err(Problem::forbidden(match self.caller {
            Caller::ApiKey { .. } => {
                format!("this API key lacks the `{}` scope", scope.as_str())
            }
            Caller::User { role, .. } | Caller::External { role, .. } => format!(
                "the `{}` role does not allow this (it needs `{}`)",
                role.as_str(),
                scope.as_str()
            ),
        }))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .ok_or_else(|| Problem::unauthorized("an API key or access token is required"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_get_their_roles_scopes_and_keys_their_own() {
        let viewer = Principal::user(7, "ann".into(), Role::Viewer);
        assert!(viewer.require(Scope::Read).is_ok());
        let denied = viewer.require(Scope::RunsWrite).unwrap_err();
        assert_eq!(denied.status, 403);
        assert!(denied.detail.unwrap().contains("`viewer` role"));
        assert_eq!(viewer.partition(), -7);
        let admin = Principal::user(1, "root".into(), Role::Admin);
        assert!(admin.require(Scope::MetricsRead).is_ok());
        let ci = Principal::api_key(7, "ci".into(), vec![Scope::RunsWrite]);
        assert_ne!(ci.partition(), viewer.partition());
        assert!(ci.require(Scope::Read).is_err());
        assert_eq!(ci.key_id(), Some(7));
        assert_eq!(viewer.key_id(), None);
        let external = Principal::external("00u1".into(), Role::Engineer);
        assert!(external.require(Scope::RunsWrite).is_ok());
        assert!(external.require(Scope::ProjectsWrite).is_err());
        assert_eq!(external.subject(), "oidc:00u1");
        assert!(external.partition() < -(1 << 40));
        assert_eq!(
            external.partition(),
            Principal::external("00u1".into(), Role::Viewer).partition()
        );
    }
}
