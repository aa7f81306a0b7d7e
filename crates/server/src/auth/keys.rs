//! API key secrets: `vk_` + 32 random bytes in hex; the database keeps only their SHA-256.

use sha2::{Digest, Sha256};

pub const PREFIX: &str = "vk_";
const SECRET_BYTES: usize = 32;
/// Characters of the key kept in clear to recognise it in lists (`vk_` + 8 hex digits).
const DISPLAY_LEN: usize = PREFIX.len() + 8;

#[derive(Debug, thiserror::Error)]
#[error("the operating system's random number generator failed: {0}")]
pub struct RandomError(String);

/// A fresh key, in clear: give it to the user once, store [`hash`] of it.
pub fn generate() -> Result<String, RandomError> {
    Ok(format!("{PREFIX}{}", hex(&random::<SECRET_BYTES>()?)))
}

/// `N` bytes from the operating system's random number generator.
pub fn random<const N: usize>() -> Result<[u8; N], RandomError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| RandomError(e.to_string()))?;
    Ok(bytes)
}

/// True for `vk_` followed by exactly 64 lowercase hex digits.
pub fn is_well_formed(key: &str) -> bool {
    key.strip_prefix(PREFIX).is_some_and(|rest| {
        rest.len() == SECRET_BYTES * 2
            && rest
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

pub fn hash(key: &str) -> String {
    hex(&Sha256::digest(key.as_bytes()))
}

pub fn display_prefix(key: &str) -> &str {
    &key[..DISPLAY_LEN.min(key.len())]
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_are_well_formed_and_distinct() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert!(is_well_formed(&a), "{a}");
        assert_ne!(a, b);
        assert_eq!(a.len(), 3 + 64);
        assert_eq!(display_prefix(&a).len(), 11);
    }

    #[test]
    fn malformed_keys_are_recognised() {
        assert!(!is_well_formed("vk_short"));
        assert!(!is_well_formed(&format!("xx_{}", "a".repeat(64))));
        assert!(!is_well_formed(&format!("vk_{}", "G".repeat(64))));
    }

    #[test]
    fn hash_is_sha256_hex() {
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
