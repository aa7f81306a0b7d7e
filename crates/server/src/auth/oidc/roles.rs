//! From the issuer's claim to a vouch role: each value of the configured claim (a string or a
//! list of strings, e.g. `groups`) that the role map names grants that role; the highest wins.

use crate::auth::Role;
use serde_json::{Map, Value};

pub struct RoleMap {
    /// The claim's name; `a.b` also finds `{"a": {"b": ...}}` (Keycloak's `realm_access.roles`).
    pub claim: String,
    /// Claim value → role.
    pub map: Vec<(String, Role)>,
}

impl RoleMap {
    pub fn role(&self, claims: &Map<String, Value>) -> Option<Role> {
        let value = claims.get(&self.claim).or_else(|| {
            let mut parts = self.claim.split('.');
            let first = claims.get(parts.next()?)?;
            parts.try_fold(first, |v, part| v.get(part))
        })?;
        let values: Vec<&str> = match value {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        values
            .iter()
            .filter_map(|v| self.map.iter().find(|(name, _)| name == v))
            .map(|(_, role)| *role)
            .max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(claim: &str) -> RoleMap {
        RoleMap {
            claim: claim.into(),
            map: vec![
                ("readers".into(), Role::Viewer),
                ("sre".into(), Role::Engineer),
                ("platform-admins".into(), Role::Admin),
            ],
        }
    }

    fn role(claim: &str, claims: Value) -> Option<Role> {
        map(claim).role(claims.as_object().unwrap())
    }

    #[test]
    fn the_highest_mapped_value_wins() {
        assert_eq!(
            role("groups", json!({"groups": ["sre", "readers"]})),
            Some(Role::Engineer)
        );
        assert_eq!(
            role(
                "groups",
                json!({"groups": ["x", "platform-admins", "readers"]})
            ),
            Some(Role::Admin)
        );
        assert_eq!(
            role("groups", json!({"groups": "readers"})),
            Some(Role::Viewer)
        );
        assert_eq!(role("groups", json!({"groups": ["unmapped"]})), None);
        assert_eq!(role("groups", json!({"groups": 3})), None);
        assert_eq!(role("groups", json!({"roles": ["sre"]})), None);
        assert_eq!(
            role(
                "realm_access.roles",
                json!({"realm_access": {"roles": ["sre"]}})
            ),
            Some(Role::Engineer)
        );
        assert_eq!(
            role(
                "https://example.com/roles",
                json!({"https://example.com/roles": ["sre"]})
            ),
            Some(Role::Engineer)
        );
    }
}
