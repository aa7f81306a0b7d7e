use crate::Severity;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The concern a control protects; the score is grouped by area.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Area {
    Deployment,
    Security,
    Resilience,
    Observability,
    Testing,
    Data,
    Scalability,
    Documentation,
}

impl Area {
    pub const ALL: [Area; 8] = [
        Area::Deployment,
        Area::Security,
        Area::Resilience,
        Area::Observability,
        Area::Testing,
        Area::Data,
        Area::Scalability,
        Area::Documentation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Area::Deployment => "deployment",
            Area::Security => "security",
            Area::Resilience => "resilience",
            Area::Observability => "observability",
            Area::Testing => "testing",
            Area::Data => "data",
            Area::Scalability => "scalability",
            Area::Documentation => "documentation",
        }
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Area {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Area::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown area `{s}`"))
    }
}

/// Static description of a control. One per control file; IDs are never reused.
#[derive(Debug)]
pub struct ControlMeta {
    /// Domain prefix + 3 digits, e.g. `DKR003`.
    pub id: &'static str,
    /// The control file's name, e.g. `non_root_user`.
    pub slug: &'static str,
    /// The good state, e.g. "Containers run as a non-root user".
    pub title: &'static str,
    pub area: Area,
    pub severity: Severity,
    pub remediation: &'static str,
    pub references: &'static [&'static str],
    /// Words a human checklist uses for this control ("healthcheck", "non-root").
    pub concepts: &'static [&'static str],
    /// Version the control first shipped in.
    pub since: &'static str,
    /// Markdown with the fixed headings: What it checks / Why it matters in production /
    /// Example / References.
    pub doc: &'static str,
}

impl ControlMeta {
    /// The domain prefix, e.g. `DKR` for `DKR003`.
    pub fn domain(&self) -> &'static str {
        self.id.trim_end_matches(|c: char| c.is_ascii_digit())
    }
}
