//! An issuer's token: the header must name an accepted algorithm and a key, the claims the
//! configured issuer and audience, and the token must be within its validity (`exp` required;
//! `nbf` and `iat` checked when present, with the leeway local tokens get).

use super::jwk::Alg;
use crate::auth::jwt::{self, Audience, LEEWAY_SECS};
use base64ct::{Base64UrlUnpadded, Encoding};
use serde_json::{Map, Value};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token is malformed")]
    Malformed,
    #[error("the token's algorithm `{0}` is not accepted (only RS256, ES256 and EdDSA)")]
    Algorithm(String),
    #[error("the token names no signing key (`kid`)")]
    NoKeyId,
    #[error("the token was signed by a key its issuer does not publish")]
    UnknownKey,
    #[error("the token's signature is not valid")]
    Signature,
    #[error("the token has no expiry (`exp`)")]
    NoExpiry,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the token was issued by another issuer")]
    WrongIssuer,
    #[error("the token was issued for another audience")]
    WrongAudience,
}

/// A token split into what the signature check needs; nothing in it is trusted yet.
pub struct Parsed<'a> {
    pub alg: Alg,
    pub kid: String,
    pub signing_input: &'a str,
    pub signature: Vec<u8>,
    pub claims: Map<String, Value>,
}

/// The `iss` claim before any check: decides which verifier a bearer token goes to.
pub fn unverified_issuer(token: &str) -> Option<String> {
    let (_, payload, _) = jwt::split(token)?;
    let claims: Value = jwt::decode_json(payload).ok()?;
    claims.get("iss")?.as_str().map(String::from)
}

pub fn parse(token: &str) -> Result<Parsed<'_>, TokenError> {
    let (header, payload, signature) = jwt::split(token).ok_or(TokenError::Malformed)?;
    let header: Value = jwt::decode_json(header).map_err(|_| TokenError::Malformed)?;
    let alg = match header.get("alg").and_then(Value::as_str) {
        Some(name) => Alg::parse(name)
            .ok_or_else(|| TokenError::Algorithm(name.chars().take(20).collect()))?,
        None => return Err(TokenError::Malformed),
    };
    if header.get("crit").is_some() {
        return Err(TokenError::Malformed);
    }
    let kid = header
        .get("kid")
        .and_then(Value::as_str)
        .ok_or(TokenError::NoKeyId)?
        .to_string();
    let claims: Map<String, Value> =
        jwt::decode_json(payload).map_err(|_| TokenError::Malformed)?;
    let signature = Base64UrlUnpadded::decode_vec(signature).map_err(|_| TokenError::Signature)?;
    Ok(Parsed {
        alg,
        kid,
        signing_input: &token[..jwt::header_and_payload_len(token)],
        signature,
        claims,
    })
}

/// Issuer, audience and validity period of verified claims; `now` in Unix seconds.
pub fn check_claims(
    claims: &Map<String, Value>,
    issuer: &str,
    audience: &str,
    now: i64,
) -> Result<(), TokenError> {
    if claims.get("iss").and_then(Value::as_str) != Some(issuer) {
        return Err(TokenError::WrongIssuer);
    }
    let aud = claims
        .get("aud")
        .and_then(|a| serde_json::from_value::<Audience>(a.clone()).ok());
    if !aud.is_some_and(|a| a.contains(audience)) {
        return Err(TokenError::WrongAudience);
    }
    // NumericDate may have a fraction (RFC 7519 §2).
    let time = |name: &str| claims.get(name).and_then(Value::as_f64).map(|t| t as i64);
    let exp = time("exp").ok_or(TokenError::NoExpiry)?;
    if now > exp + LEEWAY_SECS {
        return Err(TokenError::Expired);
    }
    let future = |t: Option<i64>| t.is_some_and(|t| t > now + LEEWAY_SECS);
    if future(time("nbf")) || future(time("iat")) {
        return Err(TokenError::NotYetValid);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_800_000_000;

    fn claims(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    fn check(value: Value) -> Result<(), TokenError> {
        check_claims(&claims(value), "https://id.example", "vouch", NOW)
    }

    #[test]
    fn claims_must_name_issuer_audience_and_be_current() {
        let iss = "https://id.example";
        assert_eq!(
            check(json!({"iss": iss, "aud": "vouch", "exp": NOW + 60})),
            Ok(())
        );
        assert_eq!(
            check(json!({"iss": iss, "aud": ["x", "vouch"], "exp": NOW as f64 + 0.5, "nbf": NOW})),
            Ok(())
        );
        let cases = [
            (
                json!({"iss": "https://evil", "aud": "vouch", "exp": NOW + 60}),
                TokenError::WrongIssuer,
            ),
            (
                json!({"aud": "vouch", "exp": NOW + 60}),
                TokenError::WrongIssuer,
            ),
            (
                json!({"iss": iss, "aud": "other", "exp": NOW + 60}),
                TokenError::WrongAudience,
            ),
            (
                json!({"iss": iss, "exp": NOW + 60}),
                TokenError::WrongAudience,
            ),
            (json!({"iss": iss, "aud": "vouch"}), TokenError::NoExpiry),
            (
                json!({"iss": iss, "aud": "vouch", "exp": NOW - 31}),
                TokenError::Expired,
            ),
            (
                json!({"iss": iss, "aud": "vouch", "exp": NOW + 600, "nbf": NOW + 60}),
                TokenError::NotYetValid,
            ),
            (
                json!({"iss": iss, "aud": "vouch", "exp": NOW + 600, "iat": NOW + 60}),
                TokenError::NotYetValid,
            ),
        ];
        for (value, want) in cases {
            assert_eq!(check(value.clone()), Err(want), "{value}");
        }
        // Within the leeway.
        assert_eq!(
            check(json!({"iss": iss, "aud": "vouch", "exp": NOW - 29, "iat": NOW + 29})),
            Ok(())
        );
    }

    #[test]
    fn headers_name_an_accepted_algorithm_and_a_key() {
        let part = |v: Value| Base64UrlUnpadded::encode_string(v.to_string().as_bytes());
        let payload = part(json!({"iss": "https://id.example"}));
        let token = |header: Value| format!("{}.{payload}.c2ln", part(header));
        assert!(parse(&token(json!({"alg": "RS256", "kid": "k"}))).is_ok());
        for alg in ["none", "HS256", "RS512", "PS256"] {
            let text = token(json!({"alg": alg, "kid": "k"}));
            assert_eq!(parse(&text).err(), Some(TokenError::Algorithm(alg.into())));
        }
        let no_kid = token(json!({"alg": "ES256"}));
        assert_eq!(parse(&no_kid).err(), Some(TokenError::NoKeyId));
        let crit = token(json!({"alg": "ES256", "kid": "k", "crit": ["b64"]}));
        assert_eq!(parse(&crit).err(), Some(TokenError::Malformed));
        assert_eq!(parse("a.b").err(), Some(TokenError::Malformed));
        assert_eq!(
            unverified_issuer(&token(json!({}))).as_deref(),
            Some("https://id.example")
        );
        assert_eq!(unverified_issuer("garbage"), None);
    }
}
