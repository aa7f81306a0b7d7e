//! What a credential-looking value really is, shared by every domain that judges literal
//! secrets (compose environments, env files, ...), so `changeme` means the same everywhere.
//!
//! - fill-ins (`changeme`, `replace-me`, `your-api-key`, `<token>`, `xxx`) say "put the real
//!   value here": never reported, as the project's standard requires;
//! - documentation examples (the AWS docs' `AKIAIOSFODNN7EXAMPLE`) are not credentials;
//! - well-known weak passwords (`postgres`, `admin`, `password`) are real values that work, and
//!   are reported as weak.

/// The example access key pair of the AWS documentation.
pub const DOC_EXAMPLE_KEYS: [&str; 2] = [
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
];

const FILL_IN_WORDS: [&str; 14] = [
    "changeme",
    "change_me",
    "change-me",
    "replaceme",
    "replace_me",
    "replace-me",
    "placeholder",
    "your",
    "xxx",
    "todo",
    "redacted",
    "not-a-real",
    "example",
    "dummy",
];

/// A value that only asks for the real one: fill-in words, `<...>`, `{{ ... }}`, `...`, `***`.
pub fn is_fill_in(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with("{{") && v.ends_with("}}"))
        || (!v.is_empty() && v.chars().all(|c| matches!(c, '.' | '…' | '*')))
        || DOC_EXAMPLE_KEYS.contains(&v)
        || FILL_IN_WORDS.iter().any(|w| lower.contains(w))
}

/// Passwords that work but that every scanner and attacker tries first.
pub fn is_weak_password(value: &str) -> bool {
    const WEAK: [&str; 21] = [
        "changeit",
        "password",
        "passw0rd",
        "password1",
        "pass",
        "secret",
        "admin",
        "root",
        "postgres",
        "mysql",
        "guest",
        "test",
        "default",
        "letmein",
        "qwerty",
        "123456",
        "12345678",
        "mypassword",
        "mysecretpassword",
        "supersecret",
        "minioadmin",
    ];
    WEAK.contains(&value.trim().to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_ins_are_not_weak_passwords() {
        for v in [
            "changeme",
            "CHANGE_ME",
            "<your-token>",
            "{{ .Values.x }}",
            "***",
            "AKIAIOSFODNN7EXAMPLE",
            "your-api-key",
        ] {
            assert!(is_fill_in(v), "{v}");
            assert!(!is_weak_password(v), "{v}");
        }
        for v in ["postgres", "Admin", "password"] {
            assert!(is_weak_password(v) && !is_fill_in(v), "{v}");
        }
        assert!(!is_fill_in("s3cr3t-Pr0d-2024") && !is_weak_password("s3cr3t-Pr0d-2024"));
    }
}
