//! The OIDC settings from the configuration, checked at start: a half-configured issuer is an
//! error there, not a 500 on the first request.

use super::roles::RoleMap;
use crate::auth::Role;
use crate::config::{Config, Mode};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
#[error("invalid OIDC configuration: {0}")]
pub struct OidcConfigError(pub String);

pub struct Settings {
    pub issuer: String,
    pub audience: String,
    pub roles: RoleMap,
    pub cache_ttl: Duration,
    pub min_refetch: Duration,
    pub timeout: Duration,
}

impl Settings {
    /// None when no issuer is configured (OIDC off).
    pub fn from_config(config: &Config) -> Result<Option<Settings>, OidcConfigError> {
        let Some(issuer) = config.oidc_issuer.as_deref().map(str::trim) else {
            return Ok(None);
        };
        let fail = |message: String| Err(OidcConfigError(message));
        if !(issuer.starts_with("https://") || issuer.starts_with("http://")) {
            return fail(format!("oidc_issuer `{issuer}` is not an http(s) URL"));
        }
        if config.mode == Mode::Production && !issuer.starts_with("https://") {
            return fail(format!(
                "oidc_issuer `{issuer}`: production mode fetches keys over https only"
            ));
        }
        if issuer == config.token_issuer {
            return fail("oidc_issuer must differ from token_issuer (this server's own)".into());
        }
        let Some(audience) = config.oidc_audience.as_deref().filter(|a| !a.is_empty()) else {
            return fail("oidc_audience is required with oidc_issuer (the client id)".into());
        };
        if config.oidc_role_map.is_empty() {
            return fail(
                "oidc_role_map is empty: nobody from the issuer would get a role \
                 (map claim values to viewer, engineer or admin)"
                    .into(),
            );
        }
        let mut map = Vec::new();
        for (value, role) in &config.oidc_role_map {
            match Role::parse(role) {
                Some(role) => map.push((value.clone(), role)),
                None => {
                    return fail(format!(
                        "oidc_role_map maps `{value}` to `{role}`, which is not viewer, \
                         engineer or admin"
                    ));
                }
            }
        }
        Ok(Some(Settings {
            issuer: issuer.to_string(),
            audience: audience.to_string(),
            roles: RoleMap {
                claim: config.oidc_roles_claim.clone(),
                map,
            },
            cache_ttl: Duration::from_secs(config.oidc_jwks_cache_secs),
            min_refetch: Duration::from_secs(config.oidc_jwks_min_refetch_secs),
            timeout: Duration::from_millis(config.oidc_fetch_timeout_ms.max(1)),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(adjust: impl FnOnce(&mut Config)) -> Config {
        let mut config = Config {
            oidc_issuer: Some("https://id.example".into()),
            oidc_audience: Some("vouch".into()),
            oidc_role_map: [("admins".to_string(), "admin".to_string())].into(),
            ..Config::default()
        };
        adjust(&mut config);
        config
    }

    fn error(adjust: impl FnOnce(&mut Config)) -> String {
        match Settings::from_config(&config(adjust)) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn half_configured_issuers_are_refused_at_start() {
        assert!(Settings::from_config(&Config::default()).unwrap().is_none());
        let settings = Settings::from_config(&config(|_| {})).unwrap().unwrap();
        assert_eq!(settings.roles.claim, "groups");
        assert_eq!(settings.roles.map, [("admins".to_string(), Role::Admin)]);
        assert!(error(|c| c.oidc_audience = None).contains("oidc_audience"));
        assert!(error(|c| c.oidc_role_map.clear()).contains("empty"));
        let bad_role = error(|c| {
            c.oidc_role_map.insert("x".into(), "root".into());
        });
        assert!(bad_role.contains("`root`"), "{bad_role}");
        assert!(error(|c| c.oidc_issuer = Some("vouch".into())).contains("http(s)"));
        let plain = error(|c| {
            c.mode = Mode::Production;
            c.oidc_issuer = Some("http://id.example".into());
        });
        assert!(plain.contains("https only"), "{plain}");
    }
}
