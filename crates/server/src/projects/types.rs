//! Project requests and responses, and their validation (every invalid field is reported).

use crate::clock;
use crate::http::problem::{FieldError, Problem};
use crate::repo::projects::{ProjectFields, ProjectRecord};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const TIERS: [&str; 3] = ["critical", "standard", "experimental"];
const MAX_LABELS: usize = 50;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProject {
    pub name: String,
    pub owner_team: String,
    pub tier: String,
    pub repository: Option<String>,
    pub service_url: Option<String>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// PATCH body: absent fields keep their value; `null` clears an optional one.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProject {
    pub name: Option<String>,
    pub owner_team: Option<String>,
    pub tier: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub repository: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub service_url: Option<Option<String>>,
    pub labels: Option<BTreeMap<String, String>>,
}

/// Distinguishes a field given as `null` (Some(None)) from an absent one (None).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProjectView {
    pub name: String,
    pub owner_team: String,
    pub tier: String,
    pub repository: Option<String>,
    pub service_url: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<ProjectRecord> for ProjectView {
    fn from(r: ProjectRecord) -> Self {
        ProjectView {
            labels: serde_json::from_str(&r.labels).unwrap_or_default(),
            name: r.name,
            owner_team: r.owner_team,
            tier: r.tier,
            repository: r.repository,
            service_url: r.service_url,
            created_at: clock::rfc3339(r.created_at),
            updated_at: clock::rfc3339(r.updated_at),
        }
    }
}

impl CreateProject {
    pub fn into_fields(self) -> Result<ProjectFields, Problem> {
        let labels = serde_json::to_string(&self.labels).map_err(Problem::internal)?;
        let fields = ProjectFields {
            name: self.name.trim().to_string(),
            owner_team: self.owner_team.trim().to_string(),
            tier: self.tier,
            repository: self.repository.map(|s| s.trim().to_string()),
            service_url: self.service_url.map(|s| s.trim().to_string()),
            labels,
        };
        validate(&fields, &self.labels)?;
        Ok(fields)
    }
}

impl UpdateProject {
    /// The current fields with this update applied, validated.
    pub fn apply(self, current: &ProjectRecord) -> Result<ProjectFields, Problem> {
        let labels = match self.labels {
            Some(labels) => labels,
            None => serde_json::from_str(&current.labels).unwrap_or_default(),
        };
        let fields = ProjectFields {
            name: self
                .name
                .map_or(current.name.clone(), |s| s.trim().to_string()),
            owner_team: self
                .owner_team
                .map_or(current.owner_team.clone(), |s| s.trim().to_string()),
            tier: self.tier.unwrap_or_else(|| current.tier.clone()),
            repository: self
                .repository
                .unwrap_or_else(|| current.repository.clone()),
            service_url: self
                .service_url
                .unwrap_or_else(|| current.service_url.clone()),
            labels: serde_json::to_string(&labels).map_err(Problem::internal)?,
        };
        validate(&fields, &labels)?;
        Ok(fields)
    }
}

/// Names are URL path segments: lowercase letters, digits, `-`, `_`, `.`; 1–100 characters.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
}

fn validate(fields: &ProjectFields, labels: &BTreeMap<String, String>) -> Result<(), Problem> {
    let mut errors = Vec::new();
    if !valid_name(&fields.name) {
        errors.push(FieldError::new(
            "name",
            "1-100 characters: lowercase letters, digits, '-', '_' or '.', starting with a letter or digit",
        ));
    }
    if fields.owner_team.is_empty() || fields.owner_team.len() > 100 {
        errors.push(FieldError::new("owner_team", "must be 1 to 100 characters"));
    }
    if !TIERS.contains(&fields.tier.as_str()) {
        errors.push(FieldError::new(
            "tier",
            format!("must be one of {}", TIERS.join(", ")),
        ));
    }
    if fields
        .repository
        .as_ref()
        .is_some_and(|r| r.is_empty() || r.len() > 500)
    {
        errors.push(FieldError::new("repository", "must be 1 to 500 characters"));
    }
    if let Some(url) = &fields.service_url
        && (!(url.starts_with("http://") || url.starts_with("https://")) || url.len() > 500)
    {
        errors.push(FieldError::new(
            "service_url",
            "must be an http:// or https:// URL of at most 500 characters",
        ));
    }
    if labels.len() > MAX_LABELS {
        errors.push(FieldError::new(
            "labels",
            format!("at most {MAX_LABELS} labels"),
        ));
    }
    for (key, value) in labels {
        if key.is_empty() || key.len() > 100 || value.len() > 200 {
            errors.push(FieldError::new(
                format!("labels.{key}"),
                "keys must be 1-100 characters and values at most 200",
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Problem::validation(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(name: &str, tier: &str) -> CreateProject {
        CreateProject {
            name: name.into(),
            owner_team: "payments".into(),
            tier: tier.into(),
            repository: None,
            service_url: Some("ftp://x".into()),
            labels: BTreeMap::new(),
        }
    }

    #[test]
    fn every_invalid_field_is_listed() {
        let problem = create("Bad Name", "gold").into_fields().unwrap_err();
        let fields: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "tier", "service_url"]);
        assert_eq!(problem.status, 422);
    }

    #[test]
    fn names_are_path_safe() {
        assert!(valid_name("checkout-api"));
        assert!(valid_name("a.b_c-1"));
        assert!(!valid_name("-leading"));
        assert!(!valid_name("has/slash"));
        assert!(!valid_name(""));
    }
}
