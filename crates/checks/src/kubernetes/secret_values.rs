//! Telling real secret values from placeholders, and secret-looking names from ordinary ones.

use regex::Regex;
use std::sync::LazyLock;

/// Words whose presence makes a name secret-looking.
const SECRET_PARTS: [&str; 9] = [
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "credential",
    "dockerconfig",
    "dockercfg",
];
const SECRET_WORDS: [&str; 9] = [
    "pass",
    "pwd",
    "key",
    "auth",
    "dsn",
    "creds",
    "salt",
    "passphrase",
    "pat",
];
/// A last word that makes the name describe a secret rather than hold one.
const NOT_A_VALUE: [&str; 22] = [
    "id", "name", "file", "path", "dir", "ttl", "length", "size", "expiry", "expires", "timeout",
    "header", "enabled", "type", "version", "ref", "region", "host", "port", "user", "username",
    "mount",
];

/// `DB_PASSWORD`, `apiKey`, `JWT_SECRET`, `tls.key` — but not `TOKEN_TTL` or `SECRET_NAME`.
pub fn is_secret_name(name: &str) -> bool {
    let w = vouch_code::identifier_words(name);
    if w.last().is_some_and(|l| NOT_A_VALUE.contains(&l.as_str())) {
        return false;
    }
    w.iter().any(|word| {
        SECRET_WORDS.contains(&word.as_str()) || SECRET_PARTS.iter().any(|p| word.contains(p))
    })
}

const PLACEHOLDER_PARTS: [&str; 16] = [
    "changeme",
    "change_me",
    "change-me",
    "replace",
    "example",
    "placeholder",
    "dummy",
    "your-",
    "your_",
    "todo",
    "fixme",
    "redacted",
    "insert",
    "notasecret",
    "not-a-secret",
    "xxxx",
];

/// Empty, `changeme`, `REPLACE_ME`, `${VAR}`, `<your-token>`, `***`, ... — not a real value.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    if v.is_empty()
        || matches!(
            lower.as_str(),
            "none" | "null" | "nil" | "n/a" | "tbd" | "secret" | "password"
        )
    {
        return true;
    }
    let wrapped = |open: &str, close: &str| v.starts_with(open) && v.ends_with(close);
    if wrapped("${", "}")
        || wrapped("$(", ")")
        || wrapped("<", ">")
        || wrapped("{{", "}}")
        || wrapped("%", "%")
        || wrapped("__", "__")
    {
        return true;
    }
    let mut chars = v.chars();
    let first = chars.next().unwrap_or(' ');
    if v.len() >= 3 && chars.all(|c| c == first) {
        return true;
    }
    PLACEHOLDER_PARTS.iter().any(|p| lower.contains(p))
}

static CREDENTIAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:([^@\s/$*<{]+)@",
        r"|AKIA[0-9A-Z]{16}",
        r"|gh[pousr]_[A-Za-z0-9]{36,}",
        r"|glpat-[A-Za-z0-9_-]{20,}",
        r"|xox[abprs]-[A-Za-z0-9-]{10,}",
        r"|sk_live_[A-Za-z0-9]{16,}",
        r"|-----BEGIN [A-Z ]*PRIVATE KEY-----",
    ))
    .expect("static regex")
});

/// A value shaped like a credential whatever its name: a URL with a password, a cloud or
/// SaaS access key, a private key.
pub fn credential_shaped(value: &str) -> bool {
    !is_placeholder(value) && CREDENTIAL.is_match(value) && !value.contains("EXAMPLE")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for n in [
            "DB_PASSWORD",
            "apiKey",
            "JWT_SECRET",
            "tls.key",
            "STRIPE_API_KEY",
            "SECRET_KEY_BASE",
            ".dockerconfigjson",
            "ssh-privatekey",
            "REDIS_PASS",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in [
            "TOKEN_TTL",
            "SECRET_NAME",
            "DB_HOST",
            "AWS_ACCESS_KEY_ID",
            "tls.crt",
            "LOG_LEVEL",
            "PASSWORD_FILE",
            "keycloak_url",
            "monkey",
        ] {
            assert!(!is_secret_name(n), "{n}");
        }
    }

    #[test]
    fn placeholders() {
        for v in [
            "",
            "changeme",
            "REPLACE_ME",
            "${DB_PASSWORD}",
            "<your-token>",
            "***",
            "xxxxxxxx",
            "your-api-key-here",
            "AKIAIOSFODNN7EXAMPLE",
        ] {
            assert!(is_placeholder(v) || !credential_shaped(v), "{v}");
        }
        assert!(is_placeholder("${DB_PASSWORD}"));
        assert!(!is_placeholder("s3cr3t-Pa55w0rd"));
    }

    #[test]
    fn credentials() {
        assert!(credential_shaped("postgres://app:hunter2@db:5432/app"));
        assert!(!credential_shaped(
            "postgres://app:$(DB_PASSWORD)@db:5432/app"
        ));
        assert!(!credential_shaped("postgres://db:5432/app"));
        assert!(credential_shaped("AKIAZ7VRSQ5TL3MXQ2NB"));
        assert!(!credential_shaped("AKIAIOSFODNN7EXAMPLE"));
    }
}
