//! OIDC: bearer tokens from a configured external issuer (Keycloak, Okta, Entra ID, Dex...),
//! verified with the keys its discovery document points at, mapped to a vouch role through
//! one claim. Such a caller is a [`Principal`] like a local user and goes through the same
//! scope check. See docs/server.md, "OIDC".

pub mod fetch;
pub mod jwk;
pub mod key_cache;
pub mod roles;
pub mod settings;
pub mod token;

use crate::app::AppState;
use crate::auth::events::{EventKind, security_event};
use crate::auth::{Principal, Role};
use crate::http::problem::Problem;
use key_cache::KeyCache;
pub use settings::OidcConfigError;
use settings::Settings;
use token::TokenError;

pub struct Oidc {
    settings: Settings,
    keys: KeyCache,
}

/// A token that verified: who it is and the role its claims map to (None: no mapped value).
#[derive(Debug, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    pub role: Option<Role>,
}

/// Why a token was refused; `subject` is set when its signature verified (the issuer really
/// issued it), so the refusal is worth an audit-log entry.
#[derive(Debug)]
pub struct Refusal {
    pub error: TokenError,
    pub subject: Option<String>,
}

impl Oidc {
    /// None when no issuer is configured.
    pub fn from_config(config: &crate::Config) -> Result<Option<Oidc>, OidcConfigError> {
        let Some(settings) = Settings::from_config(config)? else {
            return Ok(None);
        };
        let fetcher = fetch::Fetcher::new(&settings.issuer, settings.timeout)
            .map_err(|e| OidcConfigError(format!("HTTP client: {e}")))?;
        let keys = KeyCache::new(fetcher, settings.cache_ttl, settings.min_refetch);
        Ok(Some(Oidc { settings, keys }))
    }

    /// True when the token says it comes from the configured issuer (not yet verified).
    pub fn is_for(&self, token: &str) -> bool {
        token::unverified_issuer(token).as_deref() == Some(self.settings.issuer.as_str())
    }

    /// Verifies signature and claims; `now` in Unix seconds.
    pub async fn verify(&self, token: &str, now: i64) -> Result<Identity, Refusal> {
        let refuse = |error| Refusal {
            error,
            subject: None,
        };
        let parsed = token::parse(token).map_err(refuse)?;
        let key = self
            .keys
            .find(&parsed.kid)
            .await
            .ok_or(refuse(TokenError::UnknownKey))?;
        if !key.key.verify(
            parsed.alg,
            parsed.signing_input.as_bytes(),
            &parsed.signature,
        ) {
            return Err(refuse(TokenError::Signature));
        }
        let subject = parsed
            .claims
            .get("sub")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_string();
        token::check_claims(
            &parsed.claims,
            &self.settings.issuer,
            &self.settings.audience,
            now,
        )
        .map_err(|error| Refusal {
            error,
            subject: Some(subject.clone()),
        })?;
        if subject.is_empty() {
            return Err(refuse(TokenError::Malformed));
        }
        Ok(Identity {
            role: self.settings.roles.role(&parsed.claims),
            subject,
        })
    }
}

/// The principal of an issuer's token, or the problem to answer: 401 for a token that does
/// not verify, 403 for a valid one whose claim maps to no role. Refusals of tokens the issuer
/// really signed go to the audit log like local login failures; forged ones only to the log,
/// so a flood of junk tokens cannot flood the audit log.
pub async fn principal(state: &AppState, oidc: &Oidc, token: &str) -> Result<Principal, Problem> {
    let now = crate::clock::now_ms() / 1000;
    match oidc.verify(token, now).await {
        Ok(Identity {
            subject,
            role: Some(role),
        }) => Ok(Principal::external(subject, role)),
        Ok(Identity {
            subject,
            role: None,
        }) => {
            let detail = format!(
                "no value of the `{}` claim maps to a vouch role",
                oidc.settings.roles.claim
            );
            let actor = format!("oidc:{subject}");
            security_event(state, EventKind::LoginFailed, &actor, &actor, &detail).await;
            Err(Problem::forbidden(format!(
                "the token is valid, but {detail}; ask an admin to map one (oidc_role_map)"
            )))
        }
        Err(refusal) => {
            let reason = refusal.error.to_string();
            match refusal.subject {
                Some(subject) => {
                    let actor = format!("oidc:{subject}");
                    security_event(state, EventKind::LoginFailed, &actor, &actor, &reason).await;
                }
                None => {
                    tracing::info!(target: "vouch::security", reason, "OIDC token refused");
                }
            }
            Err(Problem::unauthorized(reason))
        }
    }
}
