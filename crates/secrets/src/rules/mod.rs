//! Every rule, one file per category. Rules are data: `rule(...)` fills the struct with the
//! secret in capture group 1, and `near!` builds the common "provider name assigned a value of
//! this shape" pattern (`HEROKU_API_KEY=…`, `"heroku_api_key": "…"`, `heroku.token: …`).
//! Every pattern runs in ASCII mode (`(?-u)`): tokens are ASCII, and ASCII classes keep the
//! automata small.
//!
//! Decisions (what is deliberately not a secret):
//! - Published documentation keys: AWS's `AKIAIOSFODNN7EXAMPLE` pair, Stripe's API-reference
//!   test keys (`sk_test_4eC39HqLyjWDarjtT1zdp7dc`, `sk_test_BQokikJOvBiI2HlWgH4olfQ2`), the
//!   jwt.io sample token, Telegram's `123456:ABC-DEF…` (`filter::DOC_EXAMPLES`).
//! - A GitHub-shaped token whose CRC32 does not match; a value with a provider prefix is left to
//!   that provider's rule (`checks::has_provider_prefix`), so generic rules never re-report or
//!   resurrect it, and a secret a provider rule reported is not reported again as generic.
//! - Connection strings to the loopback (`postgres:postgres@localhost`) or to documentation
//!   hosts (`example.com`, `*.test`), and image/tutorial default passwords (`postgres`, `guest`,
//!   `root`, `admin123`) anywhere: development defaults, for a default-credentials control.
//! - References (`${VAR}`, `{{ .Values.x }}`, `os.environ[…]`, `settings.X`, `arn:…`,
//!   `vault:…`), redacted (`****`) or elided (`...`) values, names that say the value is an
//!   identifier or a setting (`*_ID`, `*_URL`, `*_PATH`, `*_HASH`, `*_PUBLIC_KEY`).
//! - Base64 `data:` values of a Kubernetes Secret are judged decoded (`Y2hhbmdlbWU=` is
//!   `changeme`); Sealed Secrets and SOPS ciphertext are safe to commit.
//! - JWTs with `alg: none`, an empty signature, or a header/payload that is not JSON.
//! - A private-key block needs a body of base64 lines; a block longer than the scan window is
//!   reported from its BEGIN line through the last whole line the window holds.

use crate::rule::{Category, Reach, Rule, Validation};
use vouch_core::Severity;

/// Name endings that say the value is about a secret, not the secret (`HEROKU_APP_ID`,
/// `TOKEN_URL`, `PRIVATE_KEY_PATH`, `PASSWORD_HASH`): such a name is matched by a first,
/// capture-less alternative, so the value after it is never taken.
macro_rules! not_a_value_name {
    () => {
        r#"(?i:s?ids?|names?|urls?|uris?|paths?|files?|hash(?:ed|er|ers|ing)?|algorithm|algo|types?|refs?|arns?|versions?|headers?|endpoints?|length|env|vars?|fields?|policy|rotation|ttl|expiry|expires?(?:_at|_in)?|prefix|format|mode|hint|label|placeholder|rounds|region|regions|sites?|hosts?|ports?|users?|usernames?|emails?|accounts?|orgs?|projects?|dataset|index|stage|environment|model|pub|public|pubkey|public_?key)"#
    };
}

/// A value of shape `$value` (capture group 1) assigned to a name containing `$name`
/// (case-insensitive; alternatives allowed) with `=`, `:`, `:=` or `=>`, quoted or not, on the
/// same line, or as a name/value pair (`- name: X` then `value: …` in a Kubernetes env list,
/// `{"name": "X", "value": …}` in an ECS task definition, `<add key="X" value="…"/>` in .NET
/// configuration). The value must end where the shape ends (no longer run of token characters).
/// Names ending like an identifier or a setting (`not_a_value_name!`) never capture.
macro_rules! near {
    ($name:literal, $value:literal) => {
        concat!(
            "(?-u)(?i:",
            $name,
            r#")(?:[\w.\-]{0,40}?[_.\-]?"#,
            not_a_value_name!(),
            r#"["']?(?:[ \t]*(?::=|=>|[:=])|[ \t]*(?:,|\r?\n)?[ \t]*-?[ \t]*["']?(?i:value)["']?[ \t]*[:=])|[\w.\-]{0,40}?["']?(?:[ \t]*(?::=|=>|[:=])|[ \t]*(?:,|\r?\n)?[ \t]*-?[ \t]*["']?(?i:value)["']?[ \t]*[:=])[ \t]*["'`]?("#,
            $value,
            r#")(?:[^A-Za-z0-9_\-+/=]|$))"#
        )
    };
}

/// Hosts a credential in a URL cannot be live for: the loopback and the documentation domains
/// reserved by RFC 2606/6761 (`example.com`, `*.example`, `*.test`, `*.invalid`).
macro_rules! not_a_live_host {
    () => {
        r#"(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|host\.docker\.internal|(?:[A-Za-z0-9\-]+\.)*example(?:\.com|\.org|\.net)?|(?:[A-Za-z0-9\-]+\.)+(?:test|invalid|localhost))"#
    };
}

mod ai;
mod chat_mail;
mod checks;
mod ci_registry;
mod cloud;
mod database;
mod generic;
mod identity;
mod observability;
mod payments;
mod private_key;
mod source_hosting;
mod token;

/// A rule whose secret is capture group 1.
pub(crate) const fn rule(
    id: &'static str,
    title: &'static str,
    category: Category,
    severity: Severity,
    keywords: &'static [&'static str],
    pattern: &'static str,
    validation: Validation,
) -> Rule {
    Rule {
        id,
        title,
        category,
        severity,
        keywords,
        pattern,
        group: 1,
        validation,
        reach: Reach::Nearby,
    }
}

impl Rule {
    /// The rule's regex needs only the keyword's line and the next (see [`Reach`]).
    pub(crate) const fn on_keyword_line_and_next(self) -> Rule {
        Rule {
            reach: Reach::KeywordLineAndNext,
            ..self
        }
    }
}

/// No extra evidence needed: a fixed prefix and length are specific enough.
pub(crate) const FIXED: Validation = Validation::None;

/// At least `bits` of Shannon entropy per character.
pub(crate) const fn entropy(bits: f32) -> Validation {
    Validation::Entropy(bits)
}

/// A webhook URL whose token segment is random (not `XXXX…` from the provider's docs).
pub(crate) const WEBHOOK: Validation = Validation::Custom(checks::webhook_token);

/// All rules, in a stable order.
pub fn all() -> Vec<&'static Rule> {
    let groups: [&'static [Rule]; 12] = [
        cloud::RULES,
        source_hosting::RULES,
        ci_registry::RULES,
        chat_mail::RULES,
        payments::RULES,
        ai::RULES,
        identity::RULES,
        observability::RULES,
        database::RULES,
        private_key::RULES,
        token::RULES,
        generic::RULES,
    ];
    groups.iter().flat_map(|g| g.iter()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = BTreeSet::new();
        for r in all() {
            assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
            assert!(r.id.starts_with("SECRET-"), "{}", r.id);
            assert!(
                r.id.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                r.id
            );
            assert!(!r.keywords.is_empty(), "{} has no keywords", r.id);
            // ASCII classes and word boundaries: smaller automata, and the lazy DFA never
            // has to give up on non-ASCII input for a Unicode `\b`.
            assert!(r.pattern.starts_with("(?-u)"), "{} is not ASCII-mode", r.id);
            for k in r.keywords {
                assert_eq!(*k, k.to_ascii_lowercase(), "{}: keyword {k}", r.id);
                assert!(k.len() >= 3, "{}: keyword {k} too short", r.id);
            }
        }
        assert!(seen.len() >= 150, "only {} rules", seen.len());
    }
}
