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
mod example_files_hold_placeholders;
mod gitignore;
mod gitignore_env_files;
mod keystore_committed;
mod license;
mod no_committed_secrets;
mod private_key_committed;
mod secrets_model;
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
        &no_committed_secrets::NoCommittedSecrets,
        &example_files_hold_placeholders::ExampleFilesHoldPlaceholders,
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
    use vouch_core::Outcome;
    use vouch_workspace::{LoadOptions, Workspace, load};

    /// Writes `files` into a temporary tree (a git repository when `git` is true, everything
    /// added) and loads it.
    fn workspace(files: &[(&str, &str)], git: bool) -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
        if git {
            for args in [&["init", "-q"][..], &["add", "-A"][..]] {
                let ok = std::process::Command::new("git")
                    .arg("-C")
                    .arg(dir.path())
                    .args(args)
                    .status()
                    .unwrap();
                assert!(ok.success());
            }
        }
        let ws = load(dir.path(), &LoadOptions::default()).unwrap();
        (dir, ws)
    }

    fn kind(outcome: &Outcome) -> &'static str {
        match outcome {
            Outcome::Pass { .. } => "pass",
            Outcome::Fail { .. } => "fail",
            Outcome::Unknown { .. } => "unknown",
            Outcome::NotApplicable { .. } => "not_applicable",
            Outcome::Error { .. } => "error",
        }
    }

    #[test]
    fn env_file_tracking_needs_git() {
        let (_d, ws) = workspace(&[(".env", "DB_PASSWORD=hunter2hunter2\n")], false);
        assert_eq!(kind(&env_file_tracked::EnvFileTracked.run(&ws)), "unknown");
    }

    #[test]
    fn public_frontend_env_files_are_not_reported() {
        let files = [
            (
                ".env.production",
                "NEXT_PUBLIC_API_URL=https://api.example.com\nNEXT_PUBLIC_SENTRY_DSN=https://k@o1.ingest.sentry.io/1\n",
            ),
            (".env.development", "VITE_API_URL=http://localhost:8080\n"),
        ];
        let (_d, ws) = workspace(&files, true);
        assert_eq!(kind(&env_file_tracked::EnvFileTracked.run(&ws)), "pass");
        let (_d, ws) = workspace(
            &[(".env", "VITE_API_URL=x\nAPI_SECRET=s3cr3t-value\n")],
            true,
        );
        assert_eq!(kind(&env_file_tracked::EnvFileTracked.run(&ws)), "fail");
    }

    #[test]
    fn env_controls_not_applicable_without_required_reads() {
        let files = [
            (
                "src/server.js",
                "app.listen(process.env.PORT || 3000);\nif (process.env.NODE_ENV) {}\n",
            ),
            ("tests/server.test.js", "process.env.API_KEY;\n"),
            (
                "scripts/release.js",
                "const t = process.env.RELEASE_TOKEN;\n",
            ),
        ];
        let (_d, ws) = workspace(&files, true);
        for outcome in [
            env_template_exists::EnvTemplateExists.run(&ws),
            env_template_complete::EnvTemplateComplete.run(&ws),
            gitignore_env_files::GitignoreEnvFiles.run(&ws),
        ] {
            assert_eq!(kind(&outcome), "not_applicable", "{outcome:?}");
        }
        // One required read makes them applicable: no template, and `.env` is not ignored.
        let files = [("src/db.js", "const url = process.env.DATABASE_URL;\n")];
        let (_d, ws) = workspace(&files, true);
        assert_eq!(
            kind(&env_template_exists::EnvTemplateExists.run(&ws)),
            "fail"
        );
        assert_eq!(
            kind(&gitignore_env_files::GitignoreEnvFiles.run(&ws)),
            "fail"
        );
    }

    #[test]
    fn gitignore_check_not_applicable_without_any_env_use() {
        let (_d, ws) = workspace(
            &[("src/lib.rs", "pub fn add(a: u8, b: u8) -> u8 { a + b }\n")],
            true,
        );
        assert_eq!(
            kind(&gitignore_env_files::GitignoreEnvFiles.run(&ws)),
            "not_applicable"
        );
    }

    #[test]
    fn without_git_every_file_counts_as_committed() {
        let key = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oo0BqZ4YPN8IoAoGCCqGSM49\n-----END EC PRIVATE KEY-----\n";
        let (_d, ws) = workspace(&[("certs/api.key", key), ("docs/api.key", key)], false);
        match private_key_committed::PrivateKeyCommitted.run(&ws) {
            Outcome::Fail { findings } => {
                assert_eq!(findings.len(), 1);
                assert_eq!(findings[0].location.path, "certs/api.key");
                assert_eq!(
                    findings[0].snippet.as_deref(),
                    Some("-----BEGIN EC PRIVATE KEY-----")
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn untracked_files_are_not_committed() {
        let (dir, _ws) = workspace(&[("README.md", "# x\n")], true);
        std::fs::write(dir.path().join("server.p12"), [0x30u8, 0x82, 0, 1]).unwrap();
        let ws = load(dir.path(), &LoadOptions::default()).unwrap();
        assert_eq!(
            kind(&keystore_committed::KeystoreCommitted.run(&ws)),
            "pass"
        );
    }

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
