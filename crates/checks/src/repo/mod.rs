//! Repository hygiene and security basics (`SEC`). One file per control, registered in
//! `checks()`; `gitignore` and `env_reads` are shared helpers, not controls.

use crate::registry::Check;
use vouch_workspace::FileEntry;

mod build_output_committed;
mod codeowners;
mod conflict_markers;
mod credential_files;
mod env_file_tracked;
mod env_reads;
mod env_template_complete;
mod env_template_exists;
mod gitignore;
mod gitignore_env_files;
mod keystore_committed;
mod license;
mod private_key_committed;
mod security_policy;

pub fn checks() -> Vec<&'static dyn Check> {
    vec![
        &env_file_tracked::EnvFileTracked,
        &gitignore_env_files::GitignoreEnvFiles,
        &env_template_exists::EnvTemplateExists,
        &env_template_complete::EnvTemplateComplete,
        &private_key_committed::PrivateKeyCommitted,
        &keystore_committed::KeystoreCommitted,
        &conflict_markers::ConflictMarkers,
        &security_policy::SecurityPolicy,
        &codeowners::Codeowners,
        &license::License,
        &credential_files::CredentialFiles,
        &build_output_committed::BuildOutputCommitted,
    ]
}

/// Part of what the repository shares: tracked by git, or present when there is no git.
/// (Untracked files are only on this machine.)
pub(crate) fn committed(f: &FileEntry) -> bool {
    f.tracked != Some(false)
}

/// Last path segment.
pub(crate) fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// Values that stand for a credential without being one: empty, interpolated (`${NPM_TOKEN}`,
/// `$TOKEN`, `{{ .token }}`), bracketed (`<your-token>`), or a well-known filler word.
pub(crate) fn is_placeholder(value: &str) -> bool {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    if v.is_empty() || v.starts_with('$') || v.contains("${") || v.contains("{{") {
        return true;
    }
    if (v.starts_with('<') && v.ends_with('>')) || (v.starts_with('[') && v.ends_with(']')) {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    const FILLERS: [&str; 16] = [
        "changeme",
        "change-me",
        "change_me",
        "your",
        "placeholder",
        "example",
        "dummy",
        "fake",
        "xxx",
        "todo",
        "replace",
        "redacted",
        "secret-here",
        "...",
        "***",
        "not-a-real",
    ];
    if FILLERS.iter().any(|f| lower.contains(f)) {
        return true;
    }
    let first = v.chars().next().unwrap_or(' ');
    v.chars().all(|c| c == first)
}

/// `KEY=value` lines of a dotenv file (with optional `export `), as (line, key, value).
pub(crate) fn env_assignments(text: &str) -> Vec<(u32, String, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
        {
            continue;
        }
        let value = value.trim();
        let value = if value.starts_with(['"', '\'']) {
            value
        } else {
            value.split(" #").next().unwrap_or(value).trim()
        };
        out.push((i as u32 + 1, key.to_string(), value.to_string()));
    }
    out
}

/// Names that usually hold a credential (`DB_PASSWORD`, `STRIPE_SECRET_KEY`, `GITHUB_TOKEN`).
pub(crate) fn is_credential_name(key: &str) -> bool {
    let upper = key.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "PRIVATE_KEY",
        "ACCESS_KEY",
        "CREDENTIAL",
    ]
    .iter()
    .any(|w| upper.contains(w))
        || upper.ends_with("_PWD")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for p in [
            "",
            "${NPM_TOKEN}",
            "$TOKEN",
            "<your-token>",
            "changeme",
            "AKIAIOSFODNN7EXAMPLE",
            "xxxxxxxx",
            "\"\"",
            "{{ .Values.token }}",
            "********",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for real in ["npm_9f8a7b6c5d4e3f2a1b0c", "hunter2", "s3cr3t-Pa55"] {
            assert!(!is_placeholder(real), "{real}");
        }
    }

    #[test]
    fn dotenv_lines() {
        let text = "# comment\nexport DB_PASSWORD=\"p w\" \nPORT=8080 # web\nnot a line\n=x\n";
        assert_eq!(
            env_assignments(text),
            [
                (2, "DB_PASSWORD".into(), "\"p w\"".into()),
                (3, "PORT".into(), "8080".into())
            ]
        );
        assert!(is_credential_name("STRIPE_SECRET_KEY"));
        assert!(is_credential_name("db_pwd"));
        assert!(!is_credential_name("PORT"));
    }
}
