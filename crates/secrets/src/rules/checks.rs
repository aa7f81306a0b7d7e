//! Validators shared by several rules: what a password or a generic secret must look like
//! before it is reported, and what a reference to one looks like.

use crate::filter::entropy;

/// Passwords that ship as defaults of images and tutorials (`postgres:postgres@`,
/// `guest:guest@`): not a leaked credential but a known default, left to a separate control.
const DEFAULT_PASSWORDS: &[&str] = &[
    "admin",
    "app",
    "default",
    "dev",
    "development",
    "docker",
    "guest",
    "local",
    "mongo",
    "mongodb",
    "mysql",
    "pass",
    "passw0rd",
    "password",
    "password1",
    "password123",
    "postgres",
    "postgresql",
    "pwd",
    "rabbitmq",
    "redis",
    "root",
    "sa",
    "secret",
    "test",
    "testing",
    "toor",
    "user",
    "qwerty",
    "123456",
    "1234",
    "letmein",
    "hunter",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "key",
    "pat",
    "passwd",
    "username",
    "login",
    "mypassword",
    "yourpassword",
    "changeit",
    "s3cr3t",
    "p4ssw0rd",
    "example",
];

/// Prefixes owned by provider rules that match without any context. A value starting with one
/// is left to that rule, which checks its format and checksum: a checksum-invalid `ghp_…` stays
/// silent and a valid one is reported once, not again as a generic secret.
const PROVIDER_PREFIXES: &[&str] = &[
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "gldt-",
    "glrt-",
    "glptt-",
    "glcbt-",
    "glimt-",
    "gloas-",
    "glft-",
    "glsoat-",
    "glagent-",
    "glffct-",
    "GR1348941",
    "ATBB",
    "ATATT3",
    "ATCTT3",
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "rk_test_",
    "pk_live_",
    "pk_test_",
    "whsec_",
    "xoxa-",
    "xoxb-",
    "xoxe",
    "xoxo-",
    "xoxp-",
    "xoxr-",
    "xoxs-",
    "xapp-",
    "AKIA",
    "ASIA",
    "ABIA",
    "ACCA",
    "AIza",
    "npm_",
    "pypi-",
    "dckr_",
    "sk-proj-",
    "sk-svcacct-",
    "sk-admin-",
    "sk-ant-",
    "sk-or-v1-",
    "hf_",
    "api_org_",
    "gsk_",
    "r8_",
    "pplx-",
    "xai-",
    "SG.",
    "key-",
    "shpat_",
    "shpss_",
    "shpca_",
    "shppa_",
    "sq0atp-",
    "sq0csp-",
    "EAAA",
    "dop_v1_",
    "doo_v1_",
    "dor_v1_",
    "hvs.",
    "hvb.",
    "dp.pt.",
    "dp.st.",
    "dp.ct.",
    "dp.sa.",
    "pul-",
    "glc_",
    "glsa_",
    "sntrys_",
    "sntryu_",
    "NRAK-",
    "NRII-",
    "NRIQ-",
    "NRJS-",
    "GOCSPX-",
    "ya29.",
    "1//0",
    "eyJ",
    "AGE-SECRET-KEY-",
    "rubygems_",
    "CCIPAT_",
    "CCIPRJ_",
    "bkua_",
    "lsv2_",
    "pcsk_",
    "phx_",
    "phc_",
    "hcaik_",
    "dt0c01.",
    "xkeysib-",
    "FLWSECK",
    "access_token$",
    "access-production-",
    "access-development-",
    "pscale_",
    "sbp_",
    "nfp_",
    "AKCp",
    "cmVmd",
    "CLOJARS_",
    "LTAI",
    "AKID",
    "HRKU-",
    "ops_eyJ",
    "amzn.mws.",
    "rzp_",
    "fw_",
    "sqp_",
    "squ_",
    "sqa_",
    "A3-",
];

/// True when a provider rule owns this value's prefix (or the OpenAI key marker, or the `Q~`
/// of a Microsoft client secret).
pub(crate) fn has_provider_prefix(v: &str) -> bool {
    PROVIDER_PREFIXES.iter().any(|p| v.starts_with(p))
        || v.contains("T3BlbkFJ")
        || is_mailchimp_key(v)
        || v.get(4..6) == Some("Q~")
}

/// `<32 hex>-us12`: owned by the Mailchimp rule.
fn is_mailchimp_key(v: &str) -> bool {
    v.len() >= 36
        && v.as_bytes()[..32].iter().all(u8::is_ascii_hexdigit)
        && v[32..].starts_with("-us")
        && v[35..].bytes().all(|c| c.is_ascii_digit())
}

/// `P@ssw0rd` → `password`: digits and symbols people use for letters, to spot words.
fn unleet(v: &str) -> String {
    v.chars()
        .map(|c| match c.to_ascii_lowercase() {
            '0' => 'o',
            '1' | '!' => 'i',
            '3' => 'e',
            '4' | '@' => 'a',
            '5' | '$' => 's',
            '7' => 't',
            c => c,
        })
        .collect()
}

/// A value that names where the secret lives instead of being it: `$VAR`, `%(x)s`,
/// `settings.DB_PASSWORD`, `/run/secrets/db`, `arn:aws:secretsmanager:…`, `vault:…`.
pub(crate) fn is_reference(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    let starts = [
        "$",
        "%",
        "&",
        "*",
        "!",
        "@",
        "/",
        "./",
        "../",
        "~/",
        "file:",
        "env:",
        "arn:",
        "vault:",
        "ref+",
        "secret/",
        "secrets/",
        "projects/",
        "sm://",
        "op://",
        "awssm",
    ];
    if starts.iter().any(|s| lower.starts_with(s)) || lower.contains("://") {
        return true;
    }
    if ["{", "}", "%s", "%(", "$(", "::"]
        .iter()
        .any(|s| v.contains(s))
    {
        return true;
    }
    is_dotted_identifier(v) || is_snake_identifier(v)
}

/// `settings.SECRET_KEY`, `config.api.token`, `vars.password`.
fn is_dotted_identifier(v: &str) -> bool {
    v.contains('.')
        && v.split('.').all(|part| {
            let mut b = part.bytes();
            matches!(b.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_')
                && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
        })
}

/// `DB_PASSWORD`, `github_token`, `API_KEY_2`: the name of a variable, not its value.
fn is_snake_identifier(v: &str) -> bool {
    v.contains('_')
        && v.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
        && (v.bytes().all(|c| !c.is_ascii_lowercase())
            || v.bytes().all(|c| !c.is_ascii_uppercase()))
        && v.split('_')
            .all(|w| w.bytes().filter(|c| c.is_ascii_digit()).count() <= 2)
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hex.
pub(crate) fn is_uuid(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Character classes present: lower, upper, digit, other.
fn classes(v: &str) -> (bool, bool, bool, bool) {
    let b = v.as_bytes();
    (
        b.iter().any(u8::is_ascii_lowercase),
        b.iter().any(u8::is_ascii_uppercase),
        b.iter().any(u8::is_ascii_digit),
        b.iter().any(|c| !c.is_ascii_alphanumeric()),
    )
}

/// A password found in a connection string or URL: not a reference, not a known default.
pub(crate) fn url_password(v: &str) -> bool {
    let decoded = percent_decode(v);
    let v = decoded.as_str();
    let lower = v.to_ascii_lowercase();
    v.len() >= 4
        && !is_reference(v)
        && !has_provider_prefix(v)
        && !is_default_with_suffix(&lower)
        && !is_default_with_suffix(&unleet(v))
        && !lower.starts_with("pass")
        && !unleet(v).starts_with("pass")
        && !crate::filter::is_not_a_secret(v)
}

/// An `.npmrc` `_authToken`: random, and not a token another rule owns (a `ghp_…` there is
/// judged by the GitHub rule and its checksum).
pub(crate) fn npmrc_token(v: &str) -> bool {
    entropy(v) >= 3.5 && !has_provider_prefix(v)
}

/// `p%40ss` → `p@ss` (URL userinfo is percent-encoded); invalid escapes are kept as they are.
fn percent_decode(v: &str) -> String {
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).and_then(|&c| hex(c)),
            b.get(i + 2).and_then(|&c| hex(c)),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `test-token-123`, `django-insecure-…`, `local-dev-secret-0001`: words that mark a value as
/// made up for tests or development (read through `unleet`).
fn has_fill_word(v: &str) -> bool {
    let plain = unleet(v);
    [
        "test",
        "token",
        "secret",
        "mock",
        "demo",
        "sample",
        "local",
        "debug",
        "insecure",
        "password",
        "stub",
        "dev-only",
        "devonly",
        "dev_only",
        "notreal",
        "credential",
    ]
    .iter()
    .any(|w| plain.contains(w))
}

/// `admin123`, `root!`, `Welcome2024`: a default or common word with digits or symbols added.
fn is_default_with_suffix(lower: &str) -> bool {
    let stem = lower.trim_end_matches(|c: char| !c.is_ascii_alphabetic());
    let stem = stem.trim_start_matches(|c: char| !c.is_ascii_alphabetic());
    DEFAULT_PASSWORDS.contains(&lower)
        || DEFAULT_PASSWORDS.contains(&stem)
        || [
            "welcome", "changeit", "demo", "master", "summer", "winter", "spring", "autumn",
        ]
        .contains(&stem)
}

/// A value assigned to a password-like name: at least 8 characters, letters and digits or
/// symbols, not words (`administrator`), not a default, not a reference.
pub(crate) fn password_value(v: &str) -> bool {
    if is_sealed_ciphertext(v) {
        return false;
    }
    // A Kubernetes Secret's `data:` holds base64: judge the decoded text when it is text.
    if let Some(decoded) = printable_base64(v) {
        return password_text(&decoded);
    }
    password_text(v)
}

/// Sealed Secrets ciphertext (`encryptedData`): long base64 starting `Ag`, safe to commit.
fn is_sealed_ciphertext(v: &str) -> bool {
    v.len() >= 64
        && v.starts_with("Ag")
        && v.trim_end_matches('=')
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

fn is_base64(v: &str) -> bool {
    let body = v.trim_end_matches('=');
    v.len().is_multiple_of(4)
        && v.len() - body.len() <= 2
        && body
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/')
}

/// `Y2hhbmdlbWU=` → `changeme`: padded-length base64 whose bytes are printable ASCII.
fn printable_base64(v: &str) -> Option<String> {
    if v.len() < 8 || !is_base64(v) {
        return None;
    }
    let raw = b64_decode(v)?;
    let text = String::from_utf8(raw).ok()?;
    (!text.is_empty() && text.bytes().all(|c| c.is_ascii_graphic())).then_some(text)
}

fn password_text(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    let plain = unleet(v);
    let (lo, up, digit, other) = classes(v);
    v.len() >= 8
        && !is_reference(v)
        && !has_provider_prefix(v)
        && (lo || up)
        && (digit || other)
        && !["password", "passwd", "secret"]
            .iter()
            .any(|w| lower.contains(w) || plain.contains(w))
        && !is_default_with_suffix(&lower)
        && !is_default_with_suffix(&unleet(v))
        && !has_fill_word(v)
        && entropy(v) >= 2.9
}

/// A value assigned to a secret/token/key name: at least 16 characters with digits and
/// letters, random enough, not a UUID (identifiers), not a reference.
pub(crate) fn secret_value(v: &str) -> bool {
    let (lo, up, digit, _) = classes(v);
    let min = if v.len() < 20 { 3.2 } else { 3.5 };
    v.len() >= 16
        && !is_reference(v)
        && !has_provider_prefix(v)
        && !has_fill_word(v)
        && !is_uuid(v)
        && (lo || up)
        && digit
        && entropy(v) >= min
}

/// The last path segment of a webhook URL carries the secret: it must look random.
pub(crate) fn webhook_token(url: &str) -> bool {
    let last = url.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    last.len() >= 20 && entropy(last) >= 3.5
}

/// Base64url (or standard base64) without or with padding.
pub(crate) fn b64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Base64 of `user:password` with a real password (Basic auth, Docker `auth`).
pub(crate) fn basic_credentials(v: &str) -> bool {
    let Some(raw) = b64_decode(v) else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&raw) else {
        return false;
    };
    match text.split_once(':') {
        Some((user, password)) => {
            !user.is_empty()
                && user.bytes().all(|c| c.is_ascii_graphic())
                && password.bytes().all(|c| c.is_ascii_graphic())
                && url_password(password)
                && !crate::filter::is_not_a_secret(password)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_recognised() {
        for v in [
            "$DB_PASSWORD",
            "${DB_PASSWORD}",
            "%(password)s",
            "settings.SECRET_KEY",
            "DB_PASSWORD",
            "github_token",
            "/run/secrets/db_password",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db",
            "vault:secret/data/app#password",
            "op://vault/item/field",
        ] {
            assert!(is_reference(v), "{v}");
        }
        for v in ["q8Zr2LmX0pWv7TnB4kYc", "Tr0ub4dor&3x", "a1b2_c3D4e5F6g7"] {
            assert!(!is_reference(v), "{v}");
        }
    }

    #[test]
    fn passwords_need_a_random_look() {
        assert!(password_value("Tr0ub4dor&3x"));
        assert!(password_value("k9Vq2mZr8Lp"));
        for v in [
            "administrator",
            "postgres",
            "password123",
            "Secret123!",
            "development",
        ] {
            assert!(!password_value(v), "{v}");
        }
    }

    #[test]
    fn base64_passwords_are_judged_decoded() {
        // base64("changeme") and base64("Xk9#mP2vL8qR-prod")
        assert!(!password_value("Y2hhbmdlbWU="));
        assert!(password_value("WGs5I21QMnZMOHFSLXByb2Q="));
        // Sealed Secrets ciphertext.
        assert!(!password_value(
            "AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq8vlQmOrA6zXvQmHzuJ0eTqHrkcPnVhXbT2QkAA=="
        ));
    }

    #[test]
    fn url_passwords_skip_defaults() {
        assert!(url_password("Zq8v2-Pr0d"));
        assert!(url_password("hunter22x"));
        for v in [
            "postgres",
            "guest",
            "root",
            "${PGPASSWORD}",
            "password",
            "pass",
            "token",
            "admin123",
            "ghp_R4nd0mCharsR4nd0mCharsR4nd0mC1abcdef",
            "s3cret",
            "hunter2",
            "p%40ss%3Aword",
            "Tr0*****",
        ] {
            assert!(!url_password(v), "{v}");
        }
    }

    #[test]
    fn generic_secrets_need_digits_and_entropy() {
        assert!(secret_value("q8Zr2LmX0pWv7TnB4kYcHs3D"));
        assert!(secret_value("3f9a0c4e1b7d2a8f6e5c9b0a1d3e7f2c"));
        for v in [
            "this-is-my-personal-token",
            "super-secret-key-2024",
            "6fa459ea-ee8a-3ca4-894e-db77e160355e",
            "config.secrets.apiToken",
            "1111111111111111",
        ] {
            assert!(!secret_value(v), "{v}");
        }
    }
}
