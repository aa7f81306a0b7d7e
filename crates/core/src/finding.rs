use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Where evidence sits. `path` is relative to the audited root with `/` separators; `line` and
/// `column` are 1-based and absent when the evidence concerns a whole file or the repository.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    pub path: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub end_line: Option<u32>,
}

impl Location {
    pub fn file(path: impl Into<String>) -> Self {
        Location {
            path: path.into(),
            ..Default::default()
        }
    }

    pub fn at(path: impl Into<String>, line: u32, column: u32) -> Self {
        Location {
            path: path.into(),
            line: Some(line),
            column: Some(column),
            end_line: None,
        }
    }

    /// `path:line:column`, or less when line/column are absent.
    pub fn display(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.path),
            (Some(l), None) => format!("{}:{l}", self.path),
            _ => self.path.clone(),
        }
    }
}

/// A suppression that matched a finding; kept so the report shows why it was silenced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedSuppression {
    /// `config` (vouch.toml) or `inline` (a `vouch:ignore` comment).
    pub kind: String,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expires: Option<String>,
}

/// One piece of evidence: a failure (in `Fail`) or what satisfied a control (in `Pass`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    #[serde(flatten)]
    pub location: Location,
    pub message: String,
    /// The offending line, trimmed, with secrets already redacted.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub snippet: Option<String>,
    /// Stable across unrelated edits: control, path and normalised snippet (or message).
    pub fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub suppressed: Option<AppliedSuppression>,
    /// Other places where the same thing was found (the same secret in several files): one
    /// finding, several locations.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub also_at: Vec<Location>,
}

impl Finding {
    /// Builds a finding; the fingerprint is filled in by the engine (it knows the control).
    pub fn new(location: Location, message: impl Into<String>) -> Self {
        Finding {
            location,
            message: message.into(),
            snippet: None,
            fingerprint: String::new(),
            suppressed: None,
            also_at: Vec::new(),
        }
    }

    pub fn with_snippet(mut self, snippet: impl Into<String>) -> Self {
        let s: String = snippet.into();
        let s = s.trim();
        self.snippet = if s.is_empty() {
            None
        } else {
            Some(truncate(s, 200))
        };
        self
    }
}

fn truncate(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max_chars).collect();
    out.push('…');
    out
}

/// Stable fingerprint of a finding: the same control, file and (whitespace-normalised) snippet
/// give the same value whatever line the snippet moved to.
pub fn fingerprint(control_id: &str, path: &str, snippet_or_message: &str) -> String {
    let normalised: String = snippet_or_message
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut hasher = Sha256::new();
    hasher.update(control_id.as_bytes());
    hasher.update([0]);
    hasher.update(path.as_bytes());
    hasher.update([0]);
    hasher.update(normalised.as_bytes());
    let digest = hasher.finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_whitespace_and_line() {
        let a = fingerprint("DKR001", "Dockerfile", "USER   root");
        let b = fingerprint("DKR001", "Dockerfile", " USER root ");
        assert_eq!(a, b);
        assert_ne!(a, fingerprint("DKR002", "Dockerfile", "USER root"));
        assert_eq!(a.len(), 16);
    }

    #[test]
    fn long_snippets_are_truncated() {
        let f = Finding::new(Location::file("a"), "m").with_snippet("x".repeat(500));
        assert_eq!(f.snippet.unwrap().chars().count(), 201);
    }
}
