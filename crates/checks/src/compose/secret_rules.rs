//! What counts as a credential in compose files: secret-looking variable names, and whether a
//! value is a literal credential, a reference, or a marker that cannot be a working secret.
//!
//! Decision (documented in CMP006): a deployed compose file that says `POSTGRES_PASSWORD:
//! changeme` or `example` gives the database exactly that password, so such "placeholders" are
//! reported as well-known weak passwords. Only values that cannot be a working credential are
//! skipped: empty values, references (`${VAR}`, `${VAR:?err}`) and template markers
//! (`<your-token>`, `{{ .Values.x }}`, `...`).

use super::interpolate::Resolution;
use super::tree::Scalar;
use regex::Regex;
use std::sync::LazyLock;

/// Whether an environment variable name denotes a secret (`POSTGRES_PASSWORD`, `JWT_SECRET`,
/// `STRIPE_API_KEY`, `ME_CONFIG_BASICAUTH_PASSWORD`) rather than a setting about one
/// (`PASSWORD_MIN_LENGTH`, `TOKEN_TTL`, `POSTGRES_PASSWORD_FILE`, `AWS_ACCESS_KEY_ID`).
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    if matches!(upper.as_str(), "PWD" | "OLDPWD") {
        return false;
    }
    if upper == "SECRET_KEY_BASE" || upper.ends_with("_SECRET_KEY_BASE") {
        return true;
    }
    let words: Vec<&str> = upper
        .split(['_', '-', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    let Some(last) = words.last() else {
        return false;
    };
    const SECRET_ENDINGS: [&str; 8] = [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "APIKEY",
        "CREDENTIALS",
        "PASSPHRASE",
        "PRIVATEKEY",
    ];
    if SECRET_ENDINGS.iter().any(|e| last.ends_with(e)) || matches!(*last, "PASS" | "PWD") {
        return true;
    }
    if *last == "KEY" {
        const NOT_SECRET: [&str; 14] = [
            "PUBLIC",
            "PUBLISHABLE",
            "CACHE",
            "PARTITION",
            "SORT",
            "PRIMARY",
            "ROUTING",
            "IDEMPOTENCY",
            "FOREIGN",
            "HASH",
            "SHARD",
            "LOOKUP",
            "OBJECT",
            "PREFIX",
        ];
        let before = words.len().checked_sub(2).map(|i| words[i]);
        return !before.is_some_and(|b| NOT_SECRET.contains(&b));
    }
    false
}

/// What a value under a secret-looking name is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretValue {
    /// Nothing set (the variable is empty or passed through from the shell).
    Empty,
    /// `${VAR}` / `${VAR:?err}`: supplied when deploying.
    Reference,
    /// `${VAR:-literal}`: a reference that falls back to a literal written in the file.
    Fallback(String),
    /// A template marker such as `<your-token>`, or a file path: not a working credential.
    Marker,
    /// A literal that is a well-known weak password (`changeme`, `example`, `postgres`).
    Weak(String),
    /// A literal credential.
    Literal(String),
}

impl SecretValue {
    /// The literal written in the file, for findings (to redact).
    pub fn literal(&self) -> Option<&str> {
        match self {
            SecretValue::Fallback(s) | SecretValue::Weak(s) | SecretValue::Literal(s) => Some(s),
            _ => None,
        }
    }
}

/// Classifies a scalar value given to a secret-looking name.
pub fn classify(value: &Scalar) -> SecretValue {
    if value.refs().is_empty() {
        return classify_literal(value.text());
    }
    let fallback = value.refs().iter().find_map(|r| {
        let d = r.default.as_deref()?;
        (r.resolution == Resolution::Default && !d.is_empty() && !d.contains('$'))
            .then(|| d.to_string())
    });
    match fallback {
        Some(d)
            if !matches!(
                classify_literal(&d),
                SecretValue::Empty | SecretValue::Marker
            ) =>
        {
            SecretValue::Fallback(d)
        }
        _ => SecretValue::Reference,
    }
}

/// Classifies a literal (no references).
pub fn classify_literal(text: &str) -> SecretValue {
    let t = text.trim();
    if t.is_empty()
        || matches!(
            t.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no"
        )
    {
        return SecretValue::Empty;
    }
    if is_marker(t) || is_file_path(t) {
        return SecretValue::Marker;
    }
    if is_weak(t) {
        SecretValue::Weak(t.to_string())
    } else {
        SecretValue::Literal(t.to_string())
    }
}

/// Values that cannot be a working credential: fill-ins, template markers, the example keys
/// of the AWS documentation (shared rules: [`crate::secret_values`]).
fn is_marker(t: &str) -> bool {
    crate::secret_values::is_fill_in(t)
}

fn is_weak(t: &str) -> bool {
    crate::secret_values::is_weak_password(t)
}

/// `/run/secrets/jwt_key`, `./keys/private.pem`: where a key lives, not the key.
fn is_file_path(t: &str) -> bool {
    (t.starts_with('/') || t.starts_with("./") || t.starts_with("../"))
        && t[1..].contains('/')
        && !t.contains(char::is_whitespace)
}

static URL_CREDENTIALS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[a-z][a-z0-9+.\-]*://([^/\s:@]*):([^@\s/]+)@").expect("static regex")
});

/// The password of `scheme://user:password@host` in a raw (uninterpolated) value, when it
/// is a literal (not `${VAR}` and not a marker).
pub fn url_password(raw: &str) -> Option<&str> {
    let caps = URL_CREDENTIALS.captures(raw)?;
    let password = caps.get(2)?.as_str();
    if password.contains('$') || is_marker(password) {
        return None;
    }
    Some(password)
}

#[cfg(test)]
mod tests {
    use super::super::interpolate::interpolate;
    use super::*;

    fn scalar(raw: &str) -> Scalar {
        Scalar {
            raw: raw.to_string(),
            value: interpolate(raw, None),
            quoted: false,
        }
    }

    #[test]
    fn secret_names() {
        for yes in [
            "POSTGRES_PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "JWT_SECRET",
            "GITHUB_TOKEN",
            "STRIPE_API_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "ME_CONFIG_BASICAUTH_PASSWORD",
            "ME_CONFIG_MONGODB_ADMINPASSWORD",
            "RABBITMQ_DEFAULT_PASS",
            "SECRET_KEY_BASE",
            "DJANGO_SECRET_KEY",
            "MYSQL_PWD",
        ] {
            assert!(is_secret_name(yes), "{yes}");
        }
        for no in [
            "POSTGRES_PASSWORD_FILE",
            "PASSWORD_MIN_LENGTH",
            "TOKEN_TTL",
            "AWS_ACCESS_KEY_ID",
            "STRIPE_PUBLISHABLE_KEY",
            "CACHE_KEY",
            "POSTGRES_USER",
            "PWD",
            "ME_CONFIG_BASICAUTH_USERNAME",
            "REDIS_KEY_PREFIX",
        ] {
            assert!(!is_secret_name(no), "{no}");
        }
    }

    #[test]
    fn values() {
        assert_eq!(
            classify(&scalar("${POSTGRES_PASSWORD}")),
            SecretValue::Reference
        );
        assert_eq!(
            classify(&scalar("${TOKEN:?set it}")),
            SecretValue::Reference
        );
        assert_eq!(
            classify(&scalar("${DB_PASSWORD:-postgres}")),
            SecretValue::Fallback("postgres".into())
        );
        assert_eq!(
            classify(&scalar("${DB_PASSWORD:-}")),
            SecretValue::Reference
        );
        assert_eq!(classify(&scalar("")), SecretValue::Empty);
        assert_eq!(classify(&scalar("<your-token>")), SecretValue::Marker);
        assert_eq!(
            classify(&scalar("/run/secrets/jwt_private_key")),
            SecretValue::Marker
        );
        // Fill-ins ask for the real value; well-known defaults are real, weak values.
        assert_eq!(classify(&scalar("changeme")), SecretValue::Marker);
        assert_eq!(
            classify(&scalar("postgres")),
            SecretValue::Weak("postgres".into())
        );
        assert_eq!(
            classify(&scalar("s3cr3t-Pr0d")),
            SecretValue::Literal("s3cr3t-Pr0d".into())
        );
        assert_eq!(
            classify(&scalar("pa$$word")),
            SecretValue::Literal("pa$word".into())
        );
    }

    #[test]
    fn url_passwords() {
        assert_eq!(
            url_password("postgres://app:hunter2@db:5432/app"),
            Some("hunter2")
        );
        assert_eq!(url_password("redis://:s3cret@redis:6379/0"), Some("s3cret"));
        assert_eq!(url_password("postgres://app:${DB_PASSWORD}@db/app"), None);
        assert_eq!(url_password("postgres://app@db/app"), None);
        assert_eq!(url_password("http://web:8000/health"), None);
    }
}
