//! Tokens with a structure of their own: JSON Web Tokens with a real payload and signature.

use super::rule;
use crate::rule::{Category::Token as C, Rule, Validation};
use vouch_core::Severity::High;

pub const RULES: &[Rule] = &[rule(
    "SECRET-JWT",
    "JSON Web Token with a signed payload",
    C,
    High,
    &["eyj"],
    r"(?-u)(?:^|[^A-Za-z0-9_\-.])(eyJ[A-Za-z0-9_\-]{10,}={0,2}\.ey[A-Za-z0-9_\-]{10,}={0,2}\.[A-Za-z0-9_\-]{16,}={0,2})(?:[^A-Za-z0-9_\-.=]|$)",
    Validation::Custom(signed_jwt),
)];

/// Header decodes to a JSON object with an `alg` other than `none`; payload decodes to a JSON
/// object. (`alg: none` tokens from docs carry no signature and prove nothing.)
fn signed_jwt(token: &str) -> bool {
    let mut parts = token.split('.');
    let (Some(h), Some(p)) = (parts.next(), parts.next()) else {
        return false;
    };
    let (Some(header), Some(payload)) =
        (super::checks::b64_decode(h), super::checks::b64_decode(p))
    else {
        return false;
    };
    let header = String::from_utf8_lossy(&header);
    let payload = String::from_utf8_lossy(&payload);
    is_object(&header)
        && is_object(&payload)
        && header.contains("\"alg\"")
        && !header
            .to_ascii_lowercase()
            .replace([' ', '\t', '\n', '\r'], "")
            .contains("\"alg\":\"none\"")
}

fn is_object(s: &str) -> bool {
    let t = s.trim();
    t.starts_with('{') && t.ends_with('}') && t.contains(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(s: &str) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let b = s.as_bytes();
        let mut out = String::new();
        for chunk in b.chunks(3) {
            let n = chunk.iter().fold(0u32, |a, &c| (a << 8) | c as u32) << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }

    #[test]
    fn decodes_base64url() {
        assert_eq!(
            super::super::checks::b64_decode(&enc("{\"alg\":\"HS256\"}")).unwrap(),
            b"{\"alg\":\"HS256\"}"
        );
    }

    #[test]
    fn signed_tokens_pass_and_alg_none_fails() {
        let payload = enc("{\"sub\":\"svc-billing\",\"iat\":1700000000}");
        let signed = format!(
            "{}.{payload}.c2lnbmF0dXJlLWJ5dGVzLWhlcmU",
            enc("{\"alg\":\"RS256\",\"typ\":\"JWT\"}")
        );
        assert!(signed_jwt(&signed));
        let none = format!(
            "{}.{payload}.c2lnbmF0dXJlLWJ5dGVzLWhlcmU",
            enc("{\"alg\": \"none\"}")
        );
        assert!(!signed_jwt(&none));
        let not_json = format!("{}.{payload}.c2lnbmF0dXJl", enc("hello world, not json"));
        assert!(!signed_jwt(&not_json));
    }
}
