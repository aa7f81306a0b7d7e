//! `vouch.toml`: select/ignore, severity overrides, path excludes, suppressions, options.
//! Errors point at the file and line. Overrides are applied by the engine in one place.

use crate::{Area, ControlMeta, Severity};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use time::Date;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}:{line}: {message}")]
    Invalid {
        path: String,
        line: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Io { path: String, message: String },
}

/// A parsed, validated configuration.
#[derive(Debug, Default, Clone)]
pub struct Config {
    /// Where it came from (None for defaults).
    pub source: Option<PathBuf>,
    pub select: Vec<Selector>,
    pub ignore: Vec<Selector>,
    pub severity: BTreeMap<String, Severity>,
    pub exclude: Vec<PathPattern>,
    pub suppressions: Vec<Suppression>,
    /// Typed per-control options, read by the control that owns them.
    pub options: BTreeMap<String, toml::Table>,
    /// `[checklist.map]`: checklist item ID → the control IDs that prove it.
    pub checklist_map: BTreeMap<String, Vec<String>>,
}

/// Matches control IDs by exact ID, ID prefix (`DKR`, `DKR00`) or area name (`security`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    Area(Area),
    Prefix(String),
}

impl Selector {
    pub fn parse(raw: &str) -> Result<Selector, String> {
        let raw = raw.trim();
        if let Ok(area) = raw.parse::<Area>() {
            return Ok(Selector::Area(area));
        }
        let upper = raw.to_ascii_uppercase();
        let valid = !upper.is_empty()
            && upper
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
            && upper.chars().all(|c| c.is_ascii_alphanumeric());
        if valid {
            Ok(Selector::Prefix(upper))
        } else {
            Err(format!(
                "`{raw}` is neither a control ID, an ID prefix nor an area"
            ))
        }
    }

    pub fn matches(&self, meta: &ControlMeta) -> bool {
        match self {
            Selector::Area(a) => meta.area == *a,
            Selector::Prefix(p) => meta.id.starts_with(p.as_str()),
        }
    }
}

/// A glob over paths relative to the audited root (`vendor/**`, `*.min.js`).
#[derive(Debug, Clone)]
pub struct PathPattern {
    pub raw: String,
    matcher: GlobSet,
}

impl PathPattern {
    pub fn new(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim_start_matches("./").trim_end_matches('/');
        let invalid = |e: globset::Error| format!("invalid path pattern `{raw}`: {e}");
        // A pattern also covers what is under it, as in .gitignore (`vendor` excludes vendor/a.go).
        let mut set = GlobSetBuilder::new();
        set.add(Glob::new(trimmed).map_err(invalid)?);
        set.add(Glob::new(&format!("{trimmed}/**")).map_err(invalid)?);
        Ok(PathPattern {
            raw: raw.to_string(),
            matcher: set.build().map_err(invalid)?,
        })
    }

    pub fn matches(&self, rel_path: &str) -> bool {
        self.matcher.is_match(rel_path)
    }
}

#[derive(Debug, Clone)]
pub struct Suppression {
    pub id: String,
    pub path: Option<PathPattern>,
    pub reason: String,
    pub owner: Option<String>,
    pub expires: Option<Date>,
    /// Line in vouch.toml, for messages.
    pub line: usize,
}

impl Suppression {
    pub fn is_expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|d| d < today)
    }

    pub fn matches(&self, control_id: &str, rel_path: &str) -> bool {
        control_id.starts_with(&self.id) && self.path.as_ref().is_none_or(|p| p.matches(rel_path))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    select: Vec<toml::Spanned<String>>,
    #[serde(default)]
    ignore: Vec<toml::Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<String, toml::Spanned<String>>,
    #[serde(default)]
    exclude: Vec<toml::Spanned<String>>,
    #[serde(default)]
    suppress: Vec<toml::Spanned<RawSuppression>>,
    #[serde(default)]
    options: BTreeMap<String, toml::Table>,
    #[serde(default)]
    checklist: RawChecklist,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawChecklist {
    #[serde(default)]
    map: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuppression {
    id: String,
    path: Option<String>,
    reason: Option<String>,
    owner: Option<String>,
    expires: Option<toml::Value>,
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        let mut config = Config::parse(&text, &path.display().to_string())?;
        config.source = Some(path.to_path_buf());
        Ok(config)
    }

    /// Parses and validates; `origin` names the file in error messages.
    pub fn parse(text: &str, origin: &str) -> Result<Config, ConfigError> {
        let err = |offset: usize, message: String| ConfigError::Invalid {
            path: origin.to_string(),
            line: line_of(text, offset),
            message,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            err(offset, e.message().to_string())
        })?;

        let selectors = |items: Vec<toml::Spanned<String>>| -> Result<Vec<Selector>, ConfigError> {
            items
                .into_iter()
                .map(|s| Selector::parse(s.get_ref()).map_err(|m| err(s.span().start, m)))
                .collect()
        };
        let select = selectors(raw.select)?;
        let ignore = selectors(raw.ignore)?;

        let mut severity = BTreeMap::new();
        for (id, value) in raw.severity {
            let sev = value
                .get_ref()
                .parse::<Severity>()
                .map_err(|m| err(value.span().start, m))?;
            severity.insert(id.to_ascii_uppercase(), sev);
        }

        let exclude = raw
            .exclude
            .into_iter()
            .map(|p| PathPattern::new(p.get_ref()).map_err(|m| err(p.span().start, m)))
            .collect::<Result<Vec<_>, _>>()?;

        let mut suppressions = Vec::new();
        for spanned in raw.suppress {
            let start = spanned.span().start;
            let line = line_of(text, start);
            let s = spanned.into_inner();
            let reason = s.reason.map(|r| r.trim().to_string()).unwrap_or_default();
            if reason.is_empty() {
                return Err(err(
                    start,
                    format!(
                        "suppression of `{}` has no `reason`: say why it is accepted",
                        s.id
                    ),
                ));
            }
            let path = s
                .path
                .as_deref()
                .map(PathPattern::new)
                .transpose()
                .map_err(|m| err(start, m))?;
            let expires = match s.expires {
                None => None,
                Some(v) => Some(parse_date(&v).map_err(|m| err(start, m))?),
            };
            suppressions.push(Suppression {
                id: s.id.to_ascii_uppercase(),
                path,
                reason,
                owner: s.owner,
                expires,
                line,
            });
        }

        Ok(Config {
            source: None,
            select,
            ignore,
            severity,
            exclude,
            suppressions,
            options: raw.options,
            checklist_map: raw.checklist.map,
        })
    }

    /// Whether a control runs under select/ignore (an empty select means all).
    pub fn is_enabled(&self, meta: &ControlMeta) -> bool {
        let selected = self.select.is_empty() || self.select.iter().any(|s| s.matches(meta));
        selected && !self.ignore.iter().any(|s| s.matches(meta))
    }

    pub fn effective_severity(&self, meta: &ControlMeta) -> Severity {
        self.severity.get(meta.id).copied().unwrap_or(meta.severity)
    }

    pub fn is_excluded(&self, rel_path: &str) -> bool {
        self.exclude.iter().any(|p| p.matches(rel_path))
    }
}

fn parse_date(v: &toml::Value) -> Result<Date, String> {
    let text = match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        other => {
            return Err(format!(
                "`expires` must be a date like 2027-01-31, got {other}"
            ));
        }
    };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.get(..10).unwrap_or(&text), &format)
        .map_err(|_| format!("`expires` must be a date like 2027-01-31, got `{text}`"))
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppression_without_reason_points_at_its_line() {
        let text = "ignore = [\"DOC\"]\n\n[[suppress]]\nid = \"DKR001\"\npath = \"Dockerfile\"\n";
        let e = Config::parse(text, "vouch.toml").unwrap_err().to_string();
        assert!(e.starts_with("vouch.toml:3:"), "{e}");
        assert!(e.contains("no `reason`"), "{e}");
    }

    #[test]
    fn unknown_key_is_an_error_with_line() {
        let e = Config::parse("selekt = []\n", "vouch.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("vouch.toml:1:"), "{e}");
    }

    #[test]
    fn selectors_and_overrides() {
        let text = r#"
select = ["security", "DKR"]
ignore = ["DKR003"]
exclude = ["vendor", "**/*.min.js"]
[severity]
DKR001 = "low"
[[suppress]]
id = "CMP004"
path = "deploy/*.yml"
reason = "dev only stack"
owner = "platform"
expires = 2020-01-01
"#;
        let c = Config::parse(text, "vouch.toml").unwrap();
        assert_eq!(c.select.len(), 2);
        assert!(c.is_excluded("vendor/x/y.go"));
        assert!(c.is_excluded("vendor"));
        assert!(c.is_excluded("web/app.min.js"));
        assert!(!c.is_excluded("vendored.txt"));
        assert_eq!(c.severity["DKR001"], Severity::Low);
        let s = &c.suppressions[0];
        assert!(s.is_expired(time::macros::date!(2026 - 11 - 22)));
        assert!(s.matches("CMP004", "deploy/compose.yml"));
        assert!(!s.matches("CMP004", "compose.yml"));
    }

    #[test]
    fn checklist_map_reads_item_ids_to_controls() {
        let text = "[checklist.map]\n\"LA-010\" = [\"CODE007\", \"CODE018\"]\n";
        let c = Config::parse(text, "vouch.toml").unwrap();
        assert_eq!(c.checklist_map["LA-010"], ["CODE007", "CODE018"]);
        let e = Config::parse("[checklist]\nmapp = {}\n", "vouch.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("vouch.toml:"), "{e}");
    }

    #[test]
    fn bad_severity_value() {
        let e = Config::parse("[severity]\nDKR001 = \"urgent\"\n", "v.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("v.toml:2"), "{e}");
    }
}
