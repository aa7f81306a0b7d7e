//! Which ENV/ARG names hold credentials, and which values are real rather than placeholders.

const SECRET_WORDS: [&str; 17] = [
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "ACCESS_KEY",
    "PRIVATE_KEY",
    "SECRET_KEY",
    "ENCRYPTION_KEY",
    "SIGNING_KEY",
    "MASTER_KEY",
    "LICENSE_KEY",
    "AUTH_KEY",
    "CREDENTIALS",
    "CONNECTION_STRING",
];

/// Name parts that make a secret-looking name describe something else: a path to a secret
/// (`*_FILE`), a setting about it (`TOKEN_TTL`, `PASSWORD_MIN_LENGTH`), or where it is sent.
const NOT_SECRET_SUFFIXES: [&str; 28] = [
    "_FILE",
    "_PATH",
    "_DIR",
    "_LENGTH",
    "_LEN",
    "_TTL",
    "_EXPIRY",
    "_EXPIRES",
    "_EXPIRATION",
    "_TIMEOUT",
    "_HEADER",
    "_NAME",
    "_FIELD",
    "_ENDPOINT",
    "_ENABLED",
    "_REQUIRED",
    "_POLICY",
    "_ROTATION",
    "_TYPE",
    "_PREFIX",
    "_ID_FILE",
    "_MOUNT",
    "_URL",
    "_URI",
    "_HOST",
    "_PORT",
    "_USER",
    "_USERNAME",
];

/// Whether an ENV/ARG name says it holds a credential.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    if NOT_SECRET_SUFFIXES.iter().any(|s| n.ends_with(s)) {
        return false;
    }
    SECRET_WORDS.iter().any(|w| n.contains(w))
        || n == "PASS"
        || n.ends_with("_PASS")
        || n.ends_with("_PWD")
}

const PLACEHOLDERS: [&str; 20] = [
    "changeme",
    "change-me",
    "change_me",
    "replace",
    "placeholder",
    "example",
    "dummy",
    "sample",
    "your-",
    "your_",
    "<",
    "xxx",
    "***",
    "...",
    "todo",
    "fixme",
    "redacted",
    "notset",
    "not-set",
    "insert",
];

/// Whether a value is a real literal: not empty, not a variable reference, not a placeholder,
/// a boolean or a file path.
pub(crate) fn is_literal_secret(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    !(v.is_empty()
        || v.contains('$')
        || PLACEHOLDERS.iter().any(|p| lower.contains(p))
        || matches!(
            lower.as_str(),
            "true"
                | "false"
                | "none"
                | "null"
                | "nil"
                | "0"
                | "1"
                | "yes"
                | "no"
                | "disabled"
                | "-"
        )
        || v.starts_with('/')
        || v.starts_with("./")
        || v.starts_with("~/"))
}

/// A password inside a URL (`postgres://app:s3cret@db/app`): the password, when literal.
pub(crate) fn url_password(value: &str) -> Option<&str> {
    let (_, rest) = value.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    is_literal_secret(password).then_some(password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for n in [
            "DB_PASSWORD",
            "NPM_TOKEN",
            "stripe_api_key",
            "AWS_SECRET_ACCESS_KEY",
            "REDIS_PASS",
            "SECRET_KEY_BASE",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in [
            "POSTGRES_PASSWORD_FILE",
            "TOKEN_TTL",
            "GPG_KEY",
            "PWD",
            "PASSWORD_MIN_LENGTH",
            "SECRET_NAME",
            "TOKEN_URL",
        ] {
            assert!(!is_secret_name(n), "{n}");
        }
    }

    #[test]
    fn values() {
        assert!(is_literal_secret("s3cr3t-Pa55"));
        for v in [
            "",
            "${DB_PASSWORD}",
            "$TOKEN",
            "changeme",
            "<your-token>",
            "AKIAIOSFODNN7EXAMPLE",
            "/run/secrets/db",
            "false",
        ] {
            assert!(!is_literal_secret(v), "{v}");
        }
        assert_eq!(
            url_password("postgres://app:hunter22@db:5432/app"),
            Some("hunter22")
        );
        assert_eq!(url_password("postgres://app:${PW}@db/app"), None);
        assert_eq!(url_password("https://example.com/a@b"), None);
    }
}
