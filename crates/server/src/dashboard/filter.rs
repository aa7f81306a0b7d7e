//! The findings filter: severity, area and free text, from the query string. The server marks
//! rows that do not match as hidden, so the filter works without script; dashboard.js applies
//! the same rules as the controls change.

use super::report::Finding;
use serde::Deserialize;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct FindingFilter {
    #[serde(default)]
    pub severity: String,
    #[serde(default)]
    pub area: String,
    /// Matched case-insensitively against the control, title, path and message.
    #[serde(default)]
    pub q: String,
}

impl FindingFilter {
    pub fn matches(&self, finding: &Finding) -> bool {
        (self.severity.is_empty() || finding.severity == self.severity)
            && (self.area.is_empty() || finding.area == self.area)
            && (self.q.trim().is_empty()
                || haystack(finding).contains(&self.q.trim().to_lowercase()))
    }
}

/// What free text is matched against (the rows' `data-text`, for the script).
pub fn haystack(finding: &Finding) -> String {
    format!(
        "{} {} {} {}",
        finding.control, finding.title, finding.path, finding.message
    )
    .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(severity: &str, area: &str, message: &str) -> Finding {
        Finding {
            control: "DKR001".into(),
            title: "Non-root".into(),
            severity: severity.into(),
            area: area.into(),
            path: "Dockerfile".into(),
            line: Some(1),
            message: message.into(),
            snippet: None,
        }
    }

    #[test]
    fn every_given_criterion_must_match() {
        let f = finding("high", "security", "Runs as ROOT");
        assert!(FindingFilter::default().matches(&f));
        let by = |severity: &str, area: &str, q: &str| FindingFilter {
            severity: severity.into(),
            area: area.into(),
            q: q.into(),
        };
        assert!(by("high", "", "").matches(&f));
        assert!(!by("low", "", "").matches(&f));
        assert!(by("", "security", " root ").matches(&f));
        assert!(!by("high", "testing", "").matches(&f));
        assert!(by("", "", "dockerfile").matches(&f));
        assert!(!by("", "", "compose").matches(&f));
    }
}
