//! Spring Boot configuration files (`application.yml`, `application-prod.properties`, …):
//! the properties a reviewer reads next to the code. They become a `FileCode` of their own
//! (no language) with
//! - config values named by the property's canonical key (`app.cors.allowed-origins` →
//!   `app.cors.allowedorigins`: lower case, `-` and `_` dropped, as Spring's relaxed binding
//!   compares them), which `CodeIndex::resolve` consults for `@Value("${app.cors…}")`;
//! - facts for the settings that decide a control: graceful shutdown, error details in
//!   responses, the H2 web console, structured logging, a JWT secret with a literal fallback,
//!   and GraphQL introspection (decided in the link pass, where the GraphQL routes are known).
//!
//! Only production configuration counts: profile files and profile documents for development,
//! test and local profiles (`application-dev.yml`, `spring.config.activate.on-profile: test`)
//! yield neither config values nor facts.

use super::config::property_value;
use crate::model::{ConfigValue, Fact, FactKind, FileCode, Language, Pos, RouteKind, Value};

/// One property as the file writes it: a dotted key (YAML maps flattened), its value (scalars
/// as text, a sequence of scalars as a list) and where the value is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    pub key: String,
    pub value: PropertyValue,
    pub at: Pos,
    /// The profile of the YAML document it is in (`spring.config.activate.on-profile`).
    pub profile: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PropertyValue {
    Text(String),
    List(Vec<String>),
}

/// Profiles that never run in production.
const NON_PRODUCTION_PROFILES: &[&str] = &[
    "dev",
    "development",
    "local",
    "test",
    "tests",
    "testing",
    "it",
    "e2e",
    "ci",
    "debug",
    "h2",
    "demo",
    "sandbox",
    "mock",
];

/// The profile a Spring configuration file is for: `Some(None)` for the base
/// `application.yml`, `Some(Some("prod"))` for `application-prod.yml`, `None` when the name
/// is not a Spring Boot configuration file.
pub fn spring_config_profile(path: &str) -> Option<Option<String>> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = [".yml", ".yaml", ".properties"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext))?;
    let rest = stem
        .strip_prefix("application")
        .or_else(|| stem.strip_prefix("bootstrap"))?;
    if rest.is_empty() {
        return Some(None);
    }
    let profile = rest.strip_prefix('-')?;
    (!profile.is_empty()).then(|| Some(profile.to_ascii_lowercase()))
}

/// Whether a profile (any of a comma-separated list or expression) may be production.
fn is_production(profile: Option<&str>) -> bool {
    let Some(profile) = profile else { return true };
    // `!dev` (every profile but dev) includes production; `!prod` does not.
    if let Some(negated) = profile.trim_start().strip_prefix('!') {
        let negated = negated.trim().to_ascii_lowercase();
        return NON_PRODUCTION_PROFILES.contains(&negated.as_str());
    }
    profile
        .split(|c: char| c == ',' || c == '|' || c == '&' || c.is_whitespace())
        .map(|p| p.trim().trim_matches(|c| c == '(' || c == ')'))
        .filter(|p| !p.is_empty())
        .any(|p| !NON_PRODUCTION_PROFILES.contains(&p.to_ascii_lowercase().as_str()))
}

/// `app.cors.allowed-origins`, `app.cors.allowedOrigins`, `APP_CORS_ALLOWED_ORIGINS`-style
/// keys compare equal after this (Spring's relaxed binding).
pub fn canonical_key(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '-' && *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The configuration file's config values and facts.
pub fn extract(path: &str, properties: &[Property]) -> FileCode {
    let file_profile = spring_config_profile(path).flatten();
    let mut out = FileCode {
        path: path.to_string(),
        ..FileCode::default()
    };
    for p in properties {
        let value = match &p.value {
            PropertyValue::Text(t) => property_value(t.trim()),
            PropertyValue::List(items) => Value::List(items.clone()),
        };
        // A development profile's value must not stand in for the production one.
        if !is_production(file_profile.as_deref()) || !is_production(p.profile.as_deref()) {
            continue;
        }
        facts(p, &value, &mut out);
        out.config.push(ConfigValue {
            name: canonical_key(&p.key),
            value,
            at: p.at,
        });
    }
    out
}

fn text(p: &Property) -> Option<String> {
    match &p.value {
        PropertyValue::Text(t) => Some(t.trim().to_ascii_lowercase()),
        PropertyValue::List(_) => None,
    }
}

fn facts(p: &Property, value: &Value, out: &mut FileCode) {
    let key = canonical_key(&p.key);
    let text = text(p);
    let is = |v: &str| text.as_deref() == Some(v);
    let mut push = |kind: FactKind, detail: String| out.facts.push(Fact::new(kind, p.at, detail));
    match key.as_str() {
        "server.shutdown" if is("graceful") => push(
            FactKind::HasGracefulShutdown,
            format!(
                "{} = graceful: Spring Boot drains requests on SIGTERM",
                p.key
            ),
        ),
        "server.error.includestacktrace"
            if is("always") || text.as_deref().map(canonical_key).as_deref() == Some("onparam") =>
        {
            push(
                FactKind::RiskExceptionToClient,
                format!(
                    "{} = {}: error responses carry the stack trace",
                    p.key,
                    text.clone().unwrap_or_default()
                ),
            )
        }
        "server.error.includeexception" if is("true") => push(
            FactKind::RiskExceptionToClient,
            format!("{} = true: error responses name the exception class", p.key),
        ),
        "server.error.includemessage" if is("always") => push(
            FactKind::RiskExceptionToClient,
            format!(
                "{} = always: error responses carry the exception message",
                p.key
            ),
        ),
        "spring.h2.console.enabled" if is("true") => push(
            FactKind::RiskDebugMode,
            format!(
                "{} = true: the H2 web console (a SQL shell) is served",
                p.key
            ),
        ),
        "logging.structured.format.console" | "logging.structured.format.file"
            if text.as_deref().is_some_and(|t| !t.is_empty()) =>
        {
            push(
                FactKind::HasStructuredLogging,
                format!(
                    "{} = {}: Spring Boot writes structured (JSON) logs",
                    p.key,
                    text.clone().unwrap_or_default()
                ),
            )
        }
        _ => {}
    }
    if let Value::Env {
        name,
        default: Some(default),
    } = value
        && !default.trim().is_empty()
        && !default.starts_with("${")
        && (super::config::is_jwt_secret_name(&key) || super::config::is_jwt_secret_name(name))
    {
        let mut fact = Fact::new(
            FactKind::RiskJwtSecretFallback,
            p.at,
            format!(
                "JWT secret `{}` falls back to a literal when `{name}` is not set",
                p.key
            ),
        );
        fact.secret = Some(default.clone());
        out.facts.push(fact);
    }
}

/// Whether a production configuration file turns GraphQL introspection off, on, or leaves it
/// at the default (on): Spring for GraphQL's `spring.graphql.schema.introspection.enabled`,
/// Netflix DGS's `dgs.graphql.introspection.enabled`.
pub fn introspection_setting(file: &FileCode) -> Option<(bool, Pos)> {
    file.config.iter().find_map(|c| {
        let key = c.name.as_str();
        if key != "spring.graphql.schema.introspection.enabled"
            && key != "dgs.graphql.introspection.enabled"
        {
            return None;
        }
        match &c.value {
            Value::Literal(v) => Some((!v.trim().eq_ignore_ascii_case("false"), c.at)),
            // `${GRAPHQL_INTROSPECTION:false}`: the default decides where nothing is set.
            Value::Env {
                default: Some(v), ..
            } => Some((!v.trim().eq_ignore_ascii_case("false"), c.at)),
            _ => None,
        }
    })
}

/// Spring for GraphQL and DGS serve introspection unless production configuration turns it
/// off: with GraphQL handlers in the code, a missing or `true` setting is a risk, reported on
/// the setting when there is one, else on the first GraphQL handler.
pub fn link_introspection(files: &mut [FileCode]) {
    let Some(first) = files
        .iter()
        .filter(|f| f.language == Some(Language::Java))
        .flat_map(|f| f.routes.iter())
        .find(|r| r.kind == RouteKind::GraphQl)
        .map(|r| {
            (
                r.file.clone(),
                Pos {
                    line: r.line,
                    column: r.column,
                },
            )
        })
    else {
        return;
    };
    let setting = files
        .iter()
        .filter(|f| f.language.is_none() && spring_config_profile(&f.path).is_some())
        .find_map(|f| introspection_setting(f).map(|(on, at)| (f.path.clone(), on, at)));
    let (path, at, detail) = match setting {
        Some((_, false, _)) => return,
        Some((path, true, at)) => (
            path,
            at,
            "GraphQL introspection is enabled in the production configuration".to_string(),
        ),
        None => (
            first.0,
            first.1,
            "Spring for GraphQL serves schema introspection: no production configuration sets \
             spring.graphql.schema.introspection.enabled=false"
                .to_string(),
        ),
    };
    if let Some(file) = files.iter_mut().find(|f| f.path == path) {
        file.facts
            .push(Fact::new(FactKind::RiskGraphqlIntrospection, at, detail));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prop(key: &str, value: &str, line: u32) -> Property {
        Property {
            key: key.into(),
            value: PropertyValue::Text(value.into()),
            at: Pos { line, column: 1 },
            profile: None,
        }
    }

    #[test]
    fn names_and_profiles() {
        assert_eq!(
            spring_config_profile("src/main/resources/application.yml"),
            Some(None)
        );
        assert_eq!(
            spring_config_profile("application-prod.properties"),
            Some(Some("prod".into()))
        );
        assert_eq!(spring_config_profile("src/app/applications.yml"), None);
        assert_eq!(spring_config_profile("config/app.yml"), None);
        assert!(is_production(Some("prod")));
        assert!(!is_production(Some("dev")));
        assert!(!is_production(Some("local,test")));
        assert!(is_production(Some("!dev")));
        assert!(!is_production(Some("!prod")));
        assert_eq!(
            canonical_key("app.cors.allowed-origins"),
            canonical_key("app.cors.allowedOrigins")
        );
    }

    #[test]
    fn production_settings_are_facts_and_dev_profiles_are_not() {
        let props = [
            prop("server.shutdown", "graceful", 2),
            prop("server.error.include-stacktrace", "always", 3),
            prop("spring.h2.console.enabled", "true", 4),
            prop("jwt.secret", "${JWT_SECRET:dev-signing-key-123}", 5),
            prop("app.cors.allowed-origins", "https://app.example.com", 6),
        ];
        let out = extract("src/main/resources/application.yml", &props);
        let kinds: Vec<_> = out.facts.iter().map(|f| f.kind.variant_name()).collect();
        assert_eq!(
            kinds,
            [
                "HasGracefulShutdown",
                "RiskExceptionToClient",
                "RiskDebugMode",
                "RiskJwtSecretFallback"
            ]
        );
        assert_eq!(out.facts[3].secret.as_deref(), Some("dev-signing-key-123"));
        assert!(
            out.config
                .iter()
                .any(|c| c.name == "app.cors.allowedorigins"
                    && c.value == Value::Literal("https://app.example.com".into()))
        );

        let dev = extract("src/main/resources/application-dev.yml", &props);
        assert!(dev.facts.is_empty(), "{:?}", dev.facts);
        let mut in_doc = props.to_vec();
        for p in &mut in_doc {
            p.profile = Some("local".into());
        }
        assert!(extract("application.yml", &in_doc).facts.is_empty());
        // A placeholder without a default, or a reference to another property, is no fallback.
        let refs = [
            prop("jwt.secret", "${JWT_SECRET}", 1),
            prop("security.jwt.signing-key", "${JWT_SECRET:${VAULT_KEY}}", 2),
        ];
        assert!(extract("application.yml", &refs).facts.is_empty());
    }

    #[test]
    fn introspection_off_on_and_default() {
        let off = extract(
            "application.yml",
            &[prop(
                "spring.graphql.schema.introspection.enabled",
                "false",
                7,
            )],
        );
        assert_eq!(
            introspection_setting(&off),
            Some((false, Pos { line: 7, column: 1 }))
        );
        let on = extract(
            "application-prod.yml",
            &[prop("dgs.graphql.introspection.enabled", "true", 3)],
        );
        assert_eq!(introspection_setting(&on).map(|s| s.0), Some(true));
        let dev = extract(
            "application-dev.yml",
            &[prop(
                "spring.graphql.schema.introspection.enabled",
                "false",
                7,
            )],
        );
        assert_eq!(introspection_setting(&dev), None);
    }
}
