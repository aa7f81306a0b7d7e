//! The Ed25519 keys behind access tokens: one current key signs, earlier keys still verify
//! until the tokens they signed expire (rotation without logging anybody out). Keys come only
//! from the environment or from files; each has a `kid`, its RFC 7638 JWK thumbprint, and all
//! are published at `/.well-known/jwks.json`.

use super::keys::{self, hex};
use crate::config::{Config, Mode};
use base64ct::{Base64, Base64Unpadded, Base64Url, Base64UrlUnpadded, Encoding};
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey};
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "no token signing key: production mode needs VOUCH_SIGNING_KEY or \
         VOUCH_SIGNING_KEY_FILE (an Ed25519 key, e.g. `openssl genpkey -algorithm ed25519`)"
    )]
    Missing,
    #[error(
        "the token signing key is a well-known example or default key; production mode \
         needs a key of its own"
    )]
    KnownDefault,
    #[error("cannot read the key file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid {what}: {message}")]
    Invalid { what: String, message: String },
    #[error(transparent)]
    Random(#[from] keys::RandomError),
}

/// Seeds published in RFC 8032's test vectors and documentation: anyone can sign with them.
const KNOWN_SEEDS: [&str; 3] = [
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
];

pub struct SigningKeys {
    current: SigningKey,
    current_kid: String,
    /// Every key that verifies, the current one first.
    verifying: Vec<(String, VerifyingKey)>,
}

impl SigningKeys {
    pub fn new(current: SigningKey, previous: Vec<VerifyingKey>) -> SigningKeys {
        let current_kid = kid_of(&current.verifying_key());
        let mut verifying = vec![(current_kid.clone(), current.verifying_key())];
        for key in previous {
            let kid = kid_of(&key);
            if !verifying.iter().any(|(k, _)| *k == kid) {
                verifying.push((kid, key));
            }
        }
        SigningKeys {
            current,
            current_kid,
            verifying,
        }
    }

    /// The configured keys. Without a key, development mode generates one (tokens then die
    /// with the process) and production mode refuses, as it refuses a published key.
    pub fn from_config(config: &Config) -> Result<SigningKeys, KeyError> {
        let text = match (&config.signing_key, &config.signing_key_file) {
            (Some(text), _) => Some(text.clone()),
            (None, Some(path)) => Some(read(path)?),
            (None, None) => None,
        };
        let current = match text {
            Some(text) => parse_signing_key(&text).map_err(|message| KeyError::Invalid {
                what: "token signing key".into(),
                message,
            })?,
            None if config.mode == Mode::Production => return Err(KeyError::Missing),
            None => {
                tracing::warn!(
                    "no token signing key configured: signing with a key generated now; \
                     access tokens stop working when the server restarts (set \
                     VOUCH_SIGNING_KEY_FILE)"
                );
                SigningKey::from_bytes(&keys::random::<32>()?)
            }
        };
        if is_known_default(&current) {
            if config.mode == Mode::Production {
                return Err(KeyError::KnownDefault);
            }
            tracing::warn!("the token signing key is a published example key: development only");
        }
        let previous = config
            .previous_public_keys
            .iter()
            .map(String::as_str)
            .map(parse_previous)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SigningKeys::new(current, previous))
    }

    pub fn current(&self) -> &SigningKey {
        &self.current
    }

    pub fn current_kid(&self) -> &str {
        &self.current_kid
    }

    pub fn find(&self, kid: &str) -> Option<&VerifyingKey> {
        self.verifying
            .iter()
            .find(|(k, _)| k == kid)
            .map(|(_, key)| key)
    }

    /// The JWK Set (RFC 7517, OKP keys of RFC 8037): current key first.
    pub fn jwks(&self) -> Value {
        let keys: Vec<Value> = self
            .verifying
            .iter()
            .map(|(kid, key)| {
                json!({
                    "kty": "OKP",
                    "crv": "Ed25519",
                    "x": Base64UrlUnpadded::encode_string(key.as_bytes()),
                    "kid": kid,
                    "alg": "EdDSA",
                    "use": "sig",
                })
            })
            .collect();
        json!({ "keys": keys })
    }
}

/// RFC 7638 thumbprint: base64url(SHA-256 of the canonical JWK), stable for a public key.
pub fn kid_of(key: &VerifyingKey) -> String {
    let canonical = format!(
        r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#,
        Base64UrlUnpadded::encode_string(key.as_bytes())
    );
    Base64UrlUnpadded::encode_string(&Sha256::digest(canonical.as_bytes()))
}

pub(crate) fn is_known_default(key: &SigningKey) -> bool {
    let seed = key.to_bytes();
    let seed_hex = hex(&seed);
    seed.iter().all(|b| *b == seed[0])
        || seed.iter().enumerate().all(|(i, b)| usize::from(*b) == i)
        || KNOWN_SEEDS.contains(&seed_hex.as_str())
}

fn read(path: &Path) -> Result<String, KeyError> {
    std::fs::read_to_string(path).map_err(|source| KeyError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// A PKCS#8 PEM private key, or the 32-byte seed in hex or base64 (either alphabet).
pub fn parse_signing_key(text: &str) -> Result<SigningKey, String> {
    let text = text.trim();
    if text.starts_with("-----BEGIN") {
        return SigningKey::from_pkcs8_pem(text)
            .map_err(|e| format!("not an Ed25519 PKCS#8 private key: {e}"));
    }
    raw_32(text)
        .map(|seed| SigningKey::from_bytes(&seed))
        .ok_or_else(|| "expected a PEM private key or a 32-byte seed in hex or base64".into())
}

/// An entry of `previous_public_keys`: a PEM file (public or private key), or the public key
/// itself in hex or base64url (the JWK `x`).
fn parse_previous(entry: &str) -> Result<VerifyingKey, KeyError> {
    let invalid = |message: String| KeyError::Invalid {
        what: format!("previous public key `{entry}`"),
        message,
    };
    let entry = entry.trim();
    if let Some(bytes) = raw_32(entry) {
        return VerifyingKey::from_bytes(&bytes).map_err(|e| invalid(e.to_string()));
    }
    let text = read(Path::new(entry))?;
    let text = text.trim();
    if text.starts_with("-----BEGIN PUBLIC KEY") {
        return VerifyingKey::from_public_key_pem(text).map_err(|e| invalid(e.to_string()));
    }
    if text.starts_with("-----BEGIN") {
        return parse_signing_key(text)
            .map(|k| k.verifying_key())
            .map_err(invalid);
    }
    raw_32(text)
        .and_then(|bytes| VerifyingKey::from_bytes(&bytes).ok())
        .ok_or_else(|| invalid("expected a PEM key or a 32-byte key in hex or base64url".into()))
}

/// 32 bytes written as 64 hex digits or in base64 (standard or URL alphabet, padded or not).
fn raw_32(text: &str) -> Option<[u8; 32]> {
    let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        (0..32)
            .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok())
            .collect::<Option<Vec<u8>>>()?
    } else {
        Base64UrlUnpadded::decode_vec(text)
            .or_else(|_| Base64Url::decode_vec(text))
            .or_else(|_| Base64Unpadded::decode_vec(text))
            .or_else(|_| Base64::decode_vec(text))
            .ok()?
    };
    bytes.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PKCS#8 PEM private key as `openssl genpkey -algorithm ed25519` writes it, made here
    /// so that no private key sits in the source.
    fn pem() -> String {
        use ed25519_dalek::pkcs8::EncodePrivateKey;
        use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
        let key = SigningKey::from_bytes(&keys::random::<32>().unwrap());
        key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string()
    }

    fn config(mode: Mode, key: Option<&str>) -> Config {
        Config {
            mode,
            signing_key: key.map(String::from),
            ..Config::default()
        }
    }

    #[test]
    fn keys_load_from_pem_hex_and_base64_with_one_stable_kid() {
        let pem = pem();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"), "{pem}");
        let from_pem = parse_signing_key(&pem).unwrap();
        let seed = from_pem.to_bytes();
        let from_hex = parse_signing_key(&hex(&seed)).unwrap();
        let from_b64 = parse_signing_key(&Base64::encode_string(&seed)).unwrap();
        assert_eq!(from_hex.to_bytes(), seed);
        assert_eq!(from_b64.to_bytes(), seed);
        let kid = kid_of(&from_pem.verifying_key());
        assert_eq!(kid.len(), 43);
        assert_eq!(kid, kid_of(&from_hex.verifying_key()));
        assert!(parse_signing_key("not a key").is_err());
    }

    #[test]
    fn rfc_8037_thumbprint() {
        // RFC 8037 appendix A.3: the thumbprint of the example public key.
        let x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
        let key = VerifyingKey::from_bytes(&raw_32(x).unwrap()).unwrap();
        assert_eq!(kid_of(&key), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    }

    #[test]
    fn production_refuses_a_missing_or_published_key() {
        let missing = SigningKeys::from_config(&config(Mode::Production, None));
        assert!(matches!(missing, Err(KeyError::Missing)));
        for known in [KNOWN_SEEDS[0].to_string(), "00".repeat(32)] {
            let refused = SigningKeys::from_config(&config(Mode::Production, Some(&known)));
            assert!(matches!(refused, Err(KeyError::KnownDefault)), "{known}");
            assert!(SigningKeys::from_config(&config(Mode::Development, Some(&known))).is_ok());
        }
        let pem = pem();
        let own = SigningKeys::from_config(&config(Mode::Production, Some(&pem))).unwrap();
        assert_eq!(
            own.current().to_bytes(),
            parse_signing_key(&pem).unwrap().to_bytes()
        );
        let ephemeral = SigningKeys::from_config(&config(Mode::Development, None)).unwrap();
        assert_ne!(ephemeral.current_kid(), own.current_kid());
    }

    #[test]
    fn previous_keys_verify_and_are_published() {
        let previous = SigningKey::from_bytes(&[7; 32]).verifying_key();
        let x = Base64UrlUnpadded::encode_string(previous.as_bytes());
        let mut cfg = config(Mode::Development, Some(&pem()));
        cfg.previous_public_keys = vec![x.clone()];
        let keys = SigningKeys::from_config(&cfg).unwrap();
        assert!(keys.find(&kid_of(&previous)).is_some());
        let jwks = keys.jwks();
        assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
        assert_eq!(jwks["keys"][0]["kid"], keys.current_kid());
        assert_eq!(jwks["keys"][1]["x"], x);
        assert_eq!(jwks["keys"][1]["kty"], "OKP");
        cfg.previous_public_keys = vec!["/nonexistent/key.pem".into()];
        assert!(matches!(
            SigningKeys::from_config(&cfg),
            Err(KeyError::Read { .. })
        ));
    }
}
