//! Generic rules: random-looking values assigned to names like password/secret/token/api_key,
//! credentials inside URLs and bearer tokens. The value must pass character-class and entropy
//! tests and must not be a reference (`os.environ[...]`, `${VAR}`, `{{ .Values.x }}`,
//! `settings.X`, a function call) or an obviously human word. A name that says the value is
//! not the secret itself (`secret_name`, `token_url`, `private_key_id`, `password_hash`)
//! matches a first, capture-less alternative so the value is never taken.

use super::rule;
use crate::rule::{Category::Generic as C, Rule, Validation};
use vouch_core::Severity::{High, Medium};

const PASSWORD: Validation = Validation::Custom(super::checks::password_value);
const SECRET: Validation = Validation::Custom(super::checks::secret_value);
const URL_PASSWORD: Validation = Validation::Custom(super::checks::url_password);
const BASIC: Validation = Validation::Custom(super::checks::basic_credentials);

pub const RULES: &[Rule] = &[
    rule(
        "SECRET-GENERIC-PASSWORD",
        "Password assigned in configuration or code",
        C,
        High,
        &["password", "passwd", "passphrase", "pwd"],
        concat!(
            r#"(?-u)(?i:[A-Za-z0-9_.\-]*(?:password|passwd|passphrase|pwd))(?:[A-Za-z0-9_.\-]*?[_.\-]?"#,
            not_a_value_name!(),
            r#"["']?(?:[ \t]*(?::=|=>|[:=])|[ \t]*(?:,|\r?\n)?[ \t]*-?[ \t]*["']?(?i:value)["']?[ \t]*[:=])|[A-Za-z0-9_.\-]*["']?(?:[ \t]*(?::=|=>|=|:[ \t]|:["'`])|[ \t]*(?:,|\r?\n)?[ \t]*-?[ \t]*["']?(?i:value)["']?[ \t]*[:=])[ \t]*["'`]?([^\s"'`<>(){}\[\],;\\]{8,200})(?:["'`\s,;\\]|$))"#
        ),
        PASSWORD,
    )
    .on_keyword_line_and_next(),
    rule(
        "SECRET-GENERIC-SECRET",
        "Secret, token or API key assigned in configuration or code",
        C,
        High,
        &[
            "secret",
            "token",
            "api_key",
            "apikey",
            "api-key",
            "access_key",
            "access-key",
            "accesskey",
            "private_key",
            "auth_key",
            "signing_key",
            "encryption_key",
            "credential",
        ],
        concat!(
            r#"(?-u)(?i:[A-Za-z0-9_.\-]*(?:secret|token|api[_\-]?key|access[_\-]?key|private[_\-]?key|auth[_\-]?key|signing[_\-]?key|encryption[_\-]?key|credentials?))(?:[A-Za-z0-9_.\-]*?[_.\-]?"#,
            not_a_value_name!(),
            r#"["']?(?:[ \t]*(?::=|=>|[:=])|[ \t]*(?:,|\r?\n)?[ \t]*-?[ \t]*["']?(?i:value)["']?[ \t]*[:=])|[A-Za-z0-9_.\-]*["']?(?:[ \t]*(?::=|=>|=|:[ \t]|:["'`])|[ \t]*(?:,|\r?\n)?[ \t]*-?[ \t]*["']?(?i:value)["']?[ \t]*[:=])[ \t]*["'`]?([^\s"'`<>(){}\[\],;\\]{16,300})(?:["'`\s,;\\]|$))"#
        ),
        SECRET,
    )
    .on_keyword_line_and_next(),
    rule(
        "SECRET-GENERIC-URL-CREDENTIALS",
        "Password inside an http(s)/ftp/smtp/ldap URL",
        C,
        High,
        &[
            "http://", "https://", "ftp://", "ftps://", "smtp://", "smtps://", "ldap://",
            "ldaps://",
        ],
        concat!(
            r#"(?-u)\b(?:https?|ftps?|smtps?|ldaps?)://[^\s:@/'"`<>]+:(?:[^\s@'"`/<>]+@"#,
            not_a_live_host!(),
            r#"(?:[:/?'"`\s]|$)|([^\s@'"`/<>]{4,200})@[A-Za-z0-9][A-Za-z0-9.\-]*)"#
        ),
        URL_PASSWORD,
    ),
    rule(
        "SECRET-GENERIC-BEARER-TOKEN",
        "Bearer token written into a request header",
        C,
        Medium,
        &["bearer"],
        r#"(?-u)(?i:authorization)["']?[ \t]*[:=][ \t]*["']?(?i:bearer)[ \t]+([A-Za-z0-9._~+/\-]{20,400}=*)(?:[^A-Za-z0-9._~+/=\-]|$)"#,
        SECRET,
    ),
    rule(
        "SECRET-GENERIC-BASIC-AUTH-HEADER",
        "Basic credentials written into a request header",
        C,
        High,
        &["basic "],
        r#"(?-u)(?i:authorization)["']?[ \t]*(?:[:=][ \t]*)?["']?(?i:basic)[ \t]+([A-Za-z0-9+/]{8,300}={0,2})(?:[^A-Za-z0-9+/=]|$)"#,
        BASIC,
    ),
    rule(
        "SECRET-GENERIC-XML-SECRET",
        "Password or secret in an XML element",
        C,
        High,
        &["password>", "passwd>", "secret>", "token>", "key>"],
        r#"(?-u)(?i:<[A-Za-z0-9_.:\-]*(?:password|passwd|secret|token|api[_\-]?key|apikey|access[_\-]?key|private[_\-]?key)>)([^<\s]{8,200})</"#,
        PASSWORD,
    ),
    rule(
        "SECRET-NETRC-PASSWORD",
        "Password in a .netrc entry",
        C,
        High,
        &["machine "],
        r"(?-u)(?m:^|[ \t])machine[ \t]+[^\s]+\s+(?:login[ \t]+[^\s]+\s+)?password[ \t]+([^\s]{4,200})",
        URL_PASSWORD,
    ),
];

#[cfg(test)]
mod tests {
    use crate::{ruleset, scan};

    fn rules(text: &str) -> Vec<(&'static str, String)> {
        scan(ruleset(), text.as_bytes())
            .into_iter()
            .map(|h| (h.rule, text[h.span].to_string()))
            .collect()
    }

    #[test]
    fn assignments_of_random_values_are_found() {
        assert_eq!(
            rules("spring.datasource.password=Zq8v2LmR7tXw\n"),
            vec![("SECRET-GENERIC-PASSWORD", "Zq8v2LmR7tXw".to_string())]
        );
        assert_eq!(
            rules("  \"webhookSigningSecret\": \"q8Zr2LmX0pWv7TnB4kYcHs3D\",\n"),
            vec![(
                "SECRET-GENERIC-SECRET",
                "q8Zr2LmX0pWv7TnB4kYcHs3D".to_string()
            )]
        );
    }

    #[test]
    fn references_escapes_redactions_and_identifiers_are_silent() {
        for text in [
            "password = os.environ[\"DB_PASSWORD\"]\n",
            "password: \"{{ .Values.db.password }}\"\n",
            "token = get_token(\"svc\")\n",
            "let env = \"DB_PASSWORD=hunter2hunter2\\n\";\n",
            "DATABASE_URL: postgres://orders:Xq7*****@db:5432/orders\n",
            "private_key_id: 3f9a0c4e1b7d2a8f6e5c9b0a1d3e7f2c41a8b9d0\n",
            "SECRET_NAME: billing-api-credentials-2024\n",
            "api_token: ${{ secrets.API_TOKEN }}\n",
        ] {
            assert!(rules(text).is_empty(), "{text}: {:?}", rules(text));
        }
    }
}
