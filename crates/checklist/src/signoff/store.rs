//! `.vouch/signoffs.json` next to the repository root: every sign-off ever made, appended,
//! never rewritten. A file that cannot be read is an error, never silently replaced.

use super::SignoffError;
use super::record::SignoffEntry;
use crate::verify::atomic::write_atomically;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const SIGNOFFS_SCHEMA: &str = "vouch.signoffs/v1";

#[derive(Debug, Serialize, Deserialize)]
pub struct SignoffFile {
    pub schema: String,
    pub signoffs: Vec<SignoffEntry>,
}

pub fn signoffs_path(repo_root: &Path) -> PathBuf {
    repo_root.join(".vouch").join("signoffs.json")
}

/// Every recorded entry; none when the file does not exist.
pub fn load_entries(path: &Path) -> Result<Vec<SignoffEntry>, SignoffError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(SignoffError::io(path, e)),
    };
    let file: SignoffFile = serde_json::from_str(&text).map_err(|e| SignoffError::BadStore {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    if file.schema != SIGNOFFS_SCHEMA {
        return Err(SignoffError::BadStore {
            path: path.display().to_string(),
            message: format!("schema is `{}`, expected `{SIGNOFFS_SCHEMA}`", file.schema),
        });
    }
    Ok(file.signoffs)
}

/// Adds `entry` after the existing ones and replaces the file atomically.
pub fn append_entry(path: &Path, entry: SignoffEntry) -> Result<usize, SignoffError> {
    let mut signoffs = load_entries(path)?;
    signoffs.push(entry);
    let file = SignoffFile {
        schema: SIGNOFFS_SCHEMA.to_string(),
        signoffs,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| SignoffError::io(dir, e))?;
    }
    let mut text = serde_json::to_string_pretty(&file).map_err(|e| SignoffError::io(path, e))?;
    text.push('\n');
    write_atomically(path, text.as_bytes()).map_err(|e| SignoffError::io(path, e))?;
    Ok(file.signoffs.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signoff::record::{SignoffPayload, sign};
    use ed25519_dalek::SigningKey;

    fn entry(name: &str) -> SignoffEntry {
        let payload = SignoffPayload {
            version: 1,
            checklist: "prr.md".into(),
            section: vec!["Stage 3".into()],
            name: name.into(),
            signed_at: "2025-01-01T00:00:00Z".into(),
            commit: None,
            items: Vec::new(),
        };
        sign(payload, &SigningKey::from_bytes(&[1u8; 32]))
    }

    #[test]
    fn appends_and_keeps_older_entries() {
        let dir = tempfile::tempdir().unwrap();
        let path = signoffs_path(dir.path());
        assert!(load_entries(&path).unwrap().is_empty());
        assert_eq!(append_entry(&path, entry("Ada")).unwrap(), 1);
        assert_eq!(append_entry(&path, entry("Grace")).unwrap(), 2);
        let names: Vec<_> = load_entries(&path)
            .unwrap()
            .into_iter()
            .map(|e| e.payload.name)
            .collect();
        assert_eq!(names, ["Ada", "Grace"]);
    }

    #[test]
    fn unreadable_file_is_an_error_and_is_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = signoffs_path(dir.path());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "{ not json").unwrap();
        let err = append_entry(&path, entry("Ada")).unwrap_err().to_string();
        assert!(err.contains("not a vouch sign-off file"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{ not json");
    }
}
