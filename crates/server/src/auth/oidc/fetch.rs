//! Fetching the issuer's keys: its discovery document (`{issuer}/.well-known/openid-configuration`,
//! which must name the same issuer), then the `jwks_uri` it gives. Every request has a timeout
//! and a size cap, so a slow or hostile issuer costs a bounded wait, never a hang.

use super::jwk::{self, Jwk};
use serde_json::Value;
use std::time::Duration;

/// Discovery documents and key sets are a few KiB; this is generous.
const MAX_DOCUMENT_BYTES: usize = 512 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: {source}")]
    Http { url: String, source: reqwest::Error },
    #[error("{url}: larger than {max} bytes", max = MAX_DOCUMENT_BYTES)]
    TooLarge { url: String },
    #[error("{url}: not JSON: {source}")]
    Json {
        url: String,
        source: serde_json::Error,
    },
    #[error("the discovery document {0}")]
    Discovery(String),
    #[error("{0} holds no usable signing key (RS256, ES256 or EdDSA)")]
    NoKeys(String),
}

pub struct Fetcher {
    client: reqwest::Client,
    issuer: String,
}

impl Fetcher {
    pub fn new(issuer: &str, timeout: Duration) -> Result<Fetcher, reqwest::Error> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::limited(3))
            .user_agent(concat!("vouch-server/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Fetcher {
            client,
            issuer: issuer.to_string(),
        })
    }

    pub async fn keys(&self) -> Result<Vec<Jwk>, FetchError> {
        let url = format!(
            "{}/.well-known/openid-configuration",
            self.issuer.trim_end_matches('/')
        );
        let discovery = self.get_json(&url).await?;
        if discovery.get("issuer").and_then(Value::as_str) != Some(self.issuer.as_str()) {
            return Err(FetchError::Discovery(format!(
                "{url} names another issuer than `{}`",
                self.issuer
            )));
        }
        let jwks_uri = discovery
            .get("jwks_uri")
            .and_then(Value::as_str)
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            .ok_or_else(|| FetchError::Discovery(format!("{url} has no http(s) `jwks_uri`")))?;
        let keys = jwk::parse_set(&self.get_json(jwks_uri).await?);
        if keys.is_empty() {
            return Err(FetchError::NoKeys(jwks_uri.to_string()));
        }
        Ok(keys)
    }

    async fn get_json(&self, url: &str) -> Result<Value, FetchError> {
        let http = |source| FetchError::Http {
            url: url.to_string(),
            source,
        };
        let mut response = self
            .client
            .get(url)
            .header("accept", "application/json")
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(http)?;
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(http)? {
            if body.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                return Err(FetchError::TooLarge {
                    url: url.to_string(),
                });
            }
            body.extend_from_slice(&chunk);
        }
        serde_json::from_slice(&body).map_err(|source| FetchError::Json {
            url: url.to_string(),
            source,
        })
    }
}
