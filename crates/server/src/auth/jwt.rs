//! Access tokens: compact JWS (RFC 7515) signed with Ed25519 (`alg: EdDSA`, RFC 8037), the
//! `kid` naming the key. Verification accepts nothing else: no `none`, no other algorithm, no
//! unknown key, no critical extensions, and checks `iss`, `aud` and `exp` (with a small leeway
//! for clock skew between replicas).

use super::signing::SigningKeys;
use base64ct::{Base64UrlUnpadded, Encoding};
use ed25519_dalek::{Signature, Signer, SigningKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Clock skew tolerated on `exp` and `iat`, in seconds.
pub const LEEWAY_SECS: i64 = 30;
/// Longer tokens are refused before any decoding (bounds the work a request can cause).
const MAX_TOKEN_BYTES: usize = 8 * 1024;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: String,
    /// The user's role when the token was issued (the server uses the current one).
    pub role: String,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: Audience,
    /// A random token id.
    pub jti: String,
}

/// `aud` is one string or a list (RFC 7519 §4.1.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    pub fn contains(&self, audience: &str) -> bool {
        match self {
            Audience::One(a) => a == audience,
            Audience::Many(list) => list.iter().any(|a| a == audience),
        }
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    #[error("the access token is malformed")]
    Malformed,
    #[error("the access token's algorithm `{0}` is not accepted (only EdDSA)")]
    Algorithm(String),
    #[error("the access token was signed by an unknown key")]
    UnknownKey,
    #[error("the access token's signature is not valid")]
    Signature,
    #[error("the access token has expired")]
    Expired,
    #[error("the access token is not valid yet")]
    NotYetValid,
    #[error("the access token was issued for another issuer or audience")]
    WrongIssuerOrAudience,
}

/// What a token must say to be accepted.
pub struct Expected<'a> {
    pub issuer: &'a str,
    pub audience: &'a str,
    /// Unix seconds.
    pub now: i64,
}

/// Signs `claims` with the current key.
pub fn encode(keys: &SigningKeys, claims: &Claims) -> String {
    sign_with(keys.current(), keys.current_kid(), claims)
}

/// Signs any claims with any key under any `kid` (tests forge tokens with it).
pub fn sign_with(key: &SigningKey, kid: &str, claims: &impl Serialize) -> String {
    let header = serde_json::json!({"alg": "EdDSA", "typ": "JWT", "kid": kid});
    let signing_input = format!("{}.{}", part(&header), part(claims));
    let signature = key.sign(signing_input.as_bytes());
    format!(
        "{signing_input}.{}",
        Base64UrlUnpadded::encode_string(&signature.to_bytes())
    )
}

fn part(value: &impl Serialize) -> String {
    Base64UrlUnpadded::encode_string(&serde_json::to_vec(value).unwrap_or_default())
}

/// The three parts of a compact JWS (header, payload, signature), None when the token has
/// another shape or is too long to be worth decoding.
pub fn split(token: &str) -> Option<(&str, &str, &str)> {
    if token.len() > MAX_TOKEN_BYTES {
        return None;
    }
    let mut parts = token.split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(header), Some(payload), Some(signature), None) => Some((header, payload, signature)),
        _ => None,
    }
}

pub fn verify(keys: &SigningKeys, token: &str, expected: &Expected) -> Result<Claims, JwtError> {
    let (header, payload, signature) = split(token).ok_or(JwtError::Malformed)?;
    let header: Value = decode_json(header)?;
    match header.get("alg").and_then(Value::as_str) {
        Some("EdDSA") => {}
        Some(other) => return Err(JwtError::Algorithm(other.chars().take(20).collect())),
        None => return Err(JwtError::Malformed),
    }
    if header.get("crit").is_some() {
        return Err(JwtError::Malformed);
    }
    let kid = header
        .get("kid")
        .and_then(Value::as_str)
        .ok_or(JwtError::UnknownKey)?;
    let key = keys.find(kid).ok_or(JwtError::UnknownKey)?;
    let signature: [u8; 64] = Base64UrlUnpadded::decode_vec(signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(JwtError::Signature)?;
    let signing_input = &token[..header_and_payload_len(token)];
    key.verify_strict(signing_input.as_bytes(), &Signature::from_bytes(&signature))
        .map_err(|_| JwtError::Signature)?;
    let claims: Claims = decode_json(payload)?;
    if claims.iss != expected.issuer || !claims.aud.contains(expected.audience) {
        return Err(JwtError::WrongIssuerOrAudience);
    }
    if expected.now > claims.exp + LEEWAY_SECS {
        return Err(JwtError::Expired);
    }
    if claims.iat > expected.now + LEEWAY_SECS {
        return Err(JwtError::NotYetValid);
    }
    Ok(claims)
}

pub fn header_and_payload_len(token: &str) -> usize {
    token.rfind('.').unwrap_or(token.len())
}

pub fn decode_json<T: serde::de::DeserializeOwned>(part: &str) -> Result<T, JwtError> {
    let bytes = Base64UrlUnpadded::decode_vec(part).map_err(|_| JwtError::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| JwtError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_800_000_000;

    fn keys(seed: u8) -> SigningKeys {
        SigningKeys::new(SigningKey::from_bytes(&[seed; 32]), Vec::new())
    }

    fn claims(exp: i64) -> Claims {
        Claims {
            sub: "1".into(),
            role: "admin".into(),
            iat: NOW - 10,
            exp,
            iss: "vouch".into(),
            aud: Audience::One("vouch-api".into()),
            jti: "j".into(),
        }
    }

    fn check(keys: &SigningKeys, token: &str) -> Result<Claims, JwtError> {
        let expected = Expected {
            issuer: "vouch",
            audience: "vouch-api",
            now: NOW,
        };
        verify(keys, token, &expected)
    }

    #[test]
    fn a_signed_token_round_trips() {
        let k = keys(1);
        let token = encode(&k, &claims(NOW + 900));
        assert_eq!(check(&k, &token), Ok(claims(NOW + 900)));
        assert_eq!(check(&k, &encode(&k, &claims(NOW - 5))).map(|_| ()), Ok(()));
    }

    #[test]
    fn everything_else_is_refused() {
        let k = keys(1);
        let other = keys(2);
        assert_eq!(
            check(&k, &encode(&k, &claims(NOW - 60))),
            Err(JwtError::Expired)
        );
        let forged = sign_with(other.current(), k.current_kid(), &claims(NOW + 900));
        assert_eq!(check(&k, &forged), Err(JwtError::Signature));
        assert_eq!(
            check(&k, &encode(&other, &claims(NOW + 900))),
            Err(JwtError::UnknownKey)
        );
        let good = encode(&k, &claims(NOW + 900));
        let (_, rest) = good.split_once('.').unwrap();
        for alg in ["none", "HS256", "RS256", "ES256"] {
            let header = part(&json!({"alg": alg, "kid": k.current_kid()}));
            let token = format!("{header}.{rest}");
            assert_eq!(
                check(&k, &token),
                Err(JwtError::Algorithm(alg.into())),
                "{alg}"
            );
        }
        let unsigned = format!(
            "{}.{}.",
            part(&json!({"alg": "none"})),
            part(&claims(NOW + 900))
        );
        assert_eq!(
            check(&k, &unsigned),
            Err(JwtError::Algorithm("none".into()))
        );
        let mut wrong_aud = claims(NOW + 900);
        wrong_aud.aud = Audience::Many(vec!["else".into()]);
        assert_eq!(
            check(&k, &encode(&k, &wrong_aud)),
            Err(JwtError::WrongIssuerOrAudience)
        );
        let mut wrong_iss = claims(NOW + 900);
        wrong_iss.iss = "evil".into();
        assert_eq!(
            check(&k, &encode(&k, &wrong_iss)),
            Err(JwtError::WrongIssuerOrAudience)
        );
        let mut future = claims(NOW + 900);
        future.iat = NOW + 600;
        assert_eq!(check(&k, &encode(&k, &future)), Err(JwtError::NotYetValid));
        let long = "a".repeat(9000);
        for garbage in ["", "a.b", "a.b.c.d", "!!.!!.!!", long.as_str()] {
            assert_eq!(check(&k, garbage), Err(JwtError::Malformed), "{garbage}");
        }
        let crit = format!(
            "{}.{rest}",
            part(&json!({"alg": "EdDSA", "kid": k.current_kid(), "crit": ["x"]}))
        );
        assert_eq!(check(&k, &crit), Err(JwtError::Malformed));
    }

    #[test]
    fn a_previous_key_still_verifies() {
        let old = keys(1);
        let token = encode(&old, &claims(NOW + 900));
        let rotated = SigningKeys::new(
            SigningKey::from_bytes(&[2; 32]),
            vec![old.current().verifying_key()],
        );
        assert_eq!(check(&rotated, &token).map(|c| c.sub), Ok("1".into()));
    }
}
