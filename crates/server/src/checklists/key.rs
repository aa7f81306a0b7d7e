//! The server's sign-off key (Ed25519), which signs the sign-offs dashboard users make, and the
//! signer keys uploads are restricted to. Like the token signing key: from a file only;
//! development mode generates one at start (its sign-offs still verify later, the public key
//! is in each entry), production mode refuses to start without one or with a published key.

use crate::auth::keys;
use crate::auth::signing::{is_known_default, parse_signing_key};
use crate::config::{Config, Mode};
use ed25519_dalek::{SigningKey, VerifyingKey};
use vouch_checklist::signoff::keys::parse_public_key;

#[derive(Debug, thiserror::Error)]
pub enum SignoffKeyError {
    #[error(
        "no sign-off key: production mode needs signoff_key_file or VOUCH_SIGNOFF_KEY_FILE (an \
         Ed25519 PKCS#8 PEM key, e.g. `openssl genpkey -algorithm ed25519`)"
    )]
    Missing,
    #[error("the sign-off key is a well-known example key; production mode needs its own")]
    KnownDefault,
    #[error("cannot read the sign-off key file {path}: {message}")]
    Read { path: String, message: String },
    #[error("invalid sign-off key: {0}")]
    Invalid(String),
    #[error("invalid trusted sign-off key `{0}`: expected 64 hex digits of an Ed25519 public key")]
    Trusted(String),
    #[error(transparent)]
    Random(#[from] keys::RandomError),
}

pub struct SignoffKeys {
    /// Signs server-made sign-offs.
    pub signing: SigningKey,
    /// When not empty, uploaded sign-offs must be signed by one of these.
    pub trusted: Vec<VerifyingKey>,
}

impl SignoffKeys {
    pub fn from_config(config: &Config) -> Result<SignoffKeys, SignoffKeyError> {
        let signing = match &config.signoff_key_file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| SignoffKeyError::Read {
                    path: path.display().to_string(),
                    message: e.to_string(),
                })?;
                parse_signing_key(&text).map_err(SignoffKeyError::Invalid)?
            }
            None if config.mode == Mode::Production => return Err(SignoffKeyError::Missing),
            None => {
                tracing::warn!(
                    "no sign-off key configured: server sign-offs are signed with a key \
                     generated now (set VOUCH_SIGNOFF_KEY_FILE)"
                );
                SigningKey::from_bytes(&keys::random::<32>()?)
            }
        };
        if is_known_default(&signing) && config.mode == Mode::Production {
            return Err(SignoffKeyError::KnownDefault);
        }
        let trusted = config
            .signoff_trusted_keys
            .iter()
            .map(|k| parse_public_key(k).ok_or_else(|| SignoffKeyError::Trusted(k.clone())))
            .collect::<Result<_, _>>()?;
        Ok(SignoffKeys { signing, trusted })
    }

    /// Whether a signer's key (hex) may sign uploads: any key when no list is configured.
    pub fn trusts(&self, public_key: &str) -> bool {
        self.trusted.is_empty()
            || parse_public_key(public_key).is_some_and(|key| self.trusted.contains(&key))
    }

    /// The server's own verifying key, hex.
    pub fn public_hex(&self) -> String {
        keys::hex(self.signing.verifying_key().as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pem_of(key: &SigningKey) -> String {
        use ed25519_dalek::pkcs8::EncodePrivateKey;
        use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
        key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string()
    }

    #[test]
    fn production_needs_a_key_file_and_development_generates_one() {
        let mut config = Config {
            mode: Mode::Production,
            ..Config::default()
        };
        assert!(matches!(
            SignoffKeys::from_config(&config),
            Err(SignoffKeyError::Missing)
        ));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("signoff.pem");
        std::fs::write(
            &path,
            pem_of(&SigningKey::from_bytes(&keys::random::<32>().unwrap())),
        )
        .unwrap();
        config.signoff_key_file = Some(path.clone());
        let keys = SignoffKeys::from_config(&config).unwrap();
        assert!(keys.trusts(&keys.public_hex()), "no list: any key");

        std::fs::write(&path, pem_of(&SigningKey::from_bytes(&[7u8; 32]))).unwrap();
        assert!(matches!(
            SignoffKeys::from_config(&config),
            Err(SignoffKeyError::KnownDefault)
        ));

        let dev = SignoffKeys::from_config(&Config::default()).unwrap();
        assert_ne!(dev.public_hex(), keys.public_hex());
    }

    #[test]
    fn trusted_keys_restrict_uploads_and_bad_entries_refuse_to_start() {
        let a = SigningKey::from_bytes(&keys::random::<32>().unwrap());
        let b = SigningKey::from_bytes(&keys::random::<32>().unwrap());
        let config = Config {
            signoff_trusted_keys: vec![keys::hex(a.verifying_key().as_bytes())],
            ..Config::default()
        };
        let loaded = SignoffKeys::from_config(&config).unwrap();
        assert!(loaded.trusts(&keys::hex(a.verifying_key().as_bytes())));
        assert!(!loaded.trusts(&keys::hex(b.verifying_key().as_bytes())));
        assert!(!loaded.trusts("zz"));
        let config = Config {
            signoff_trusted_keys: vec!["not-a-key".into()],
            ..Config::default()
        };
        assert!(matches!(
            SignoffKeys::from_config(&config),
            Err(SignoffKeyError::Trusted(_))
        ));
    }
}
