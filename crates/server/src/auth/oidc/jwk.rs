//! The issuer's public keys (RFC 7517 JWKs) and the signatures accepted from it: RS256 (RSA
//! PKCS#1 v1.5, SHA-256), ES256 (ECDSA P-256, SHA-256) and EdDSA (Ed25519). A key verifies
//! only its own algorithm, so no token can make the server use a public key as an HMAC secret.

use base64ct::{Base64UrlUnpadded, Encoding};
use rsa::signature::Verifier;
use serde_json::Value;
use sha2::Sha256;

/// RSA keys below this size are not trusted (NIST SP 800-131A).
const MIN_RSA_BITS: usize = 2048;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alg {
    Rs256,
    Es256,
    EdDsa,
}

impl Alg {
    pub fn parse(name: &str) -> Option<Alg> {
        match name {
            "RS256" => Some(Alg::Rs256),
            "ES256" => Some(Alg::Es256),
            "EdDSA" => Some(Alg::EdDsa),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub enum PublicKey {
    Rsa(rsa::pkcs1v15::VerifyingKey<Sha256>),
    P256(p256::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

#[derive(Clone, Debug)]
pub struct Jwk {
    pub kid: Option<String>,
    pub key: PublicKey,
}

impl PublicKey {
    /// True when `signature` over `message` is valid for this key under `alg`.
    pub fn verify(&self, alg: Alg, message: &[u8], signature: &[u8]) -> bool {
        match (self, alg) {
            (PublicKey::Rsa(key), Alg::Rs256) => rsa::pkcs1v15::Signature::try_from(signature)
                .is_ok_and(|s| key.verify(message, &s).is_ok()),
            (PublicKey::P256(key), Alg::Es256) => p256::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|s| key.verify(message, &s).is_ok()),
            (PublicKey::Ed25519(key), Alg::EdDsa) => {
                <[u8; 64]>::try_from(signature).is_ok_and(|bytes| {
                    key.verify_strict(message, &ed25519_dalek::Signature::from_bytes(&bytes))
                        .is_ok()
                })
            }
            _ => false,
        }
    }
}

/// The signing keys of a JWK set. Keys for encryption, of other types or curves, too weak or
/// malformed are skipped: issuers publish more than signing keys.
pub fn parse_set(set: &Value) -> Vec<Jwk> {
    set.get("keys")
        .and_then(Value::as_array)
        .map(|keys| keys.iter().filter_map(parse_key).collect())
        .unwrap_or_default()
}

fn parse_key(jwk: &Value) -> Option<Jwk> {
    let text = |name: &str| jwk.get(name).and_then(Value::as_str);
    if text("use").is_some_and(|u| u != "sig") {
        return None;
    }
    if text("alg").is_some_and(|a| Alg::parse(a).is_none()) {
        return None;
    }
    let bytes = |name: &str| text(name).and_then(|v| Base64UrlUnpadded::decode_vec(v).ok());
    let key = match (text("kty")?, text("crv")) {
        ("RSA", _) => {
            let n = rsa::BigUint::from_bytes_be(&bytes("n")?);
            let e = rsa::BigUint::from_bytes_be(&bytes("e")?);
            if n.bits() < MIN_RSA_BITS {
                return None;
            }
            let public = rsa::RsaPublicKey::new(n, e).ok()?;
            PublicKey::Rsa(rsa::pkcs1v15::VerifyingKey::new(public))
        }
        ("EC", Some("P-256")) => {
            let (x, y) = (bytes("x")?, bytes("y")?);
            if x.len() != 32 || y.len() != 32 {
                return None;
            }
            let point = p256::EncodedPoint::from_affine_coordinates(
                x.as_slice().into(),
                y.as_slice().into(),
                false,
            );
            PublicKey::P256(p256::ecdsa::VerifyingKey::from_encoded_point(&point).ok()?)
        }
        ("OKP", Some("Ed25519")) => {
            let x: [u8; 32] = bytes("x")?.try_into().ok()?;
            PublicKey::Ed25519(ed25519_dalek::VerifyingKey::from_bytes(&x).ok()?)
        }
        _ => return None,
    };
    Some(Jwk {
        kid: text("kid").map(String::from),
        key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::Signer;
    use serde_json::json;

    fn b64(bytes: &[u8]) -> String {
        Base64UrlUnpadded::encode_string(bytes)
    }

    #[test]
    fn each_key_type_verifies_its_own_algorithm_only() {
        let ed = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        let ec = p256::ecdsa::SigningKey::from_slice(&[9; 32]).unwrap();
        let point = ec.verifying_key().to_encoded_point(false);
        let set = json!({"keys": [
            {"kty": "OKP", "crv": "Ed25519", "kid": "ed", "x": b64(ed.verifying_key().as_bytes())},
            {"kty": "EC", "crv": "P-256", "kid": "ec", "use": "sig",
             "x": b64(point.x().unwrap()), "y": b64(point.y().unwrap())},
            {"kty": "EC", "crv": "P-256", "kid": "enc", "use": "enc",
             "x": b64(point.x().unwrap()), "y": b64(point.y().unwrap())},
            {"kty": "RSA", "kid": "small", "n": b64(&[0xc5; 128]), "e": "AQAB"},
            {"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
            {"kty": "EC", "crv": "P-384", "kid": "p384", "x": "AA", "y": "AA"},
        ]});
        let keys = parse_set(&set);
        let kids: Vec<_> = keys.iter().map(|k| k.kid.as_deref().unwrap()).collect();
        assert_eq!(kids, ["ed", "ec"]);

        let message = b"header.payload";
        let ed_sig = ed.sign(message).to_bytes();
        let ec_sig: p256::ecdsa::Signature = ec.sign(message);
        let ec_sig = ec_sig.to_bytes();
        assert!(keys[0].key.verify(Alg::EdDsa, message, &ed_sig));
        assert!(!keys[0].key.verify(Alg::EdDsa, b"header.other", &ed_sig));
        assert!(!keys[0].key.verify(Alg::Es256, message, &ed_sig));
        assert!(keys[1].key.verify(Alg::Es256, message, &ec_sig));
        assert!(!keys[1].key.verify(Alg::Rs256, message, &ec_sig));
        assert!(!keys[1].key.verify(Alg::Es256, message, &ec_sig[..63]));
        assert_eq!(Alg::parse("HS256"), None);
        assert_eq!(Alg::parse("none"), None);
        assert!(parse_set(&json!({"keys": "no"})).is_empty());
    }
}
