//! Whether a string literal bound to, or compared with, a credential-named variable can be a
//! real credential. One answer for every language: a placeholder is a placeholder everywhere.

/// Substrings that mark a documentation value or a placeholder to be replaced.
const PLACEHOLDERS: &[&str] = &[
    "changeme",
    "change-me",
    "change_me",
    "example",
    "your-",
    "your_",
    "${",
    "{{",
    "xxx",
    "***",
    "placeholder",
    "replace",
    "todo",
    "redacted",
    "dummy",
];

/// Whole values that auth code compares against or defaults to: states and type names, not
/// secrets.
const SENTINELS: &[&str] = &[
    "undefined",
    "null",
    "nil",
    "none",
    "true",
    "false",
    "string",
    "object",
    "anonymous",
    "invalid",
    "expired",
    "revoked",
    "missing",
    "unknown",
    "default",
    "password",
    "secret",
    "token",
    "bearer",
    "basic",
];

/// Words that make an all-words value a test or demo value (`vouch-test-token`).
const TEST_WORDS: &[&str] = &["test", "testing", "fake", "sample", "demo", "mock"];

/// False for placeholders, sentinels, and values that are plainly something else: a
/// command-line flag, an event or key name, a pattern, a URL or path, a sentence, a test value.
pub fn may_be_credential(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    let bracketed = v.starts_with('<') || v.contains('<') && v.contains('>');
    let placeholder = PLACEHOLDERS.iter().any(|p| lower.contains(p))
        || SENTINELS.contains(&lower.as_str())
        || bracketed;
    v.chars().count() >= 4
        && !placeholder
        && !v.chars().all(|c| matches!(c, 'x' | 'X' | '*'))
        && !v.contains(char::is_whitespace)
        && !v.contains("://")
        && !v.starts_with('/')
        && !is_flag(v)
        && !is_dotted_name(v)
        && !is_pattern(v)
        && !is_test_words(&lower)
}

/// `--requirepass`, `-p`: an option name, whatever follows it is the value.
fn is_flag(v: &str) -> bool {
    let rest = v.trim_start_matches('-');
    rest.len() < v.len()
        && rest.starts_with(|c: char| c.is_ascii_alphabetic())
        && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// `api_key.created`, `auth.login_failed`: lowercase words joined by dots name a key or an
/// event.
fn is_dotted_name(v: &str) -> bool {
    v.contains('.')
        && v.split('.').all(|part| {
            part.starts_with(|c: char| c.is_ascii_lowercase())
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

/// A regular expression: `(?:`, character classes and escapes do not occur in generated or
/// chosen secrets.
fn is_pattern(v: &str) -> bool {
    [
        "(?", "\\d", "\\w", "\\s", "\\b", "[a-z", "[A-Z", "[0-9", "]{", "]+", "]*",
    ]
    .iter()
    .any(|p| v.contains(p))
}

/// Only letters in `-`/`_`-separated words, one of them saying test, fake, demo...
fn is_test_words(lower: &str) -> bool {
    let words: Vec<&str> = lower.split(['-', '_']).collect();
    words.len() > 1
        && words
            .iter()
            .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase()))
        && words.iter().any(|w| TEST_WORDS.contains(w))
}

#[cfg(test)]
mod tests {
    use super::may_be_credential;

    #[test]
    fn real_looking_values_may_be_credentials() {
        for v in [
            "hunter22",
            "S3cr3t-Pa55!",
            "correct-horse-battery-staple",
            "ghp_4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e",
            "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
            "admin123",
        ] {
            assert!(may_be_credential(v), "{v}");
        }
    }

    #[test]
    fn placeholders_and_other_kinds_of_values_are_not() {
        for v in [
            "changeme",
            "${DB_PASSWORD}",
            "<your token>",
            "xxxxxxxx",
            "token",
            "api_key.created",
            "auth.login_failed",
            "--requirepass",
            r"(?:[A-Za-z][A-Za-z0-9]{0,11}[-_]\d)",
            "vouch-test-token",
            "fake_api_key",
            "https://vault.internal/v1/secret",
            "/run/secrets/db_password",
            "not a password at all",
            "abc",
        ] {
            assert!(!may_be_credential(v), "{v}");
        }
    }
}
