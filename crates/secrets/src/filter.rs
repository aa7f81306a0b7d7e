//! What makes a match not a secret: fill-ins, documentation examples, template references,
//! repeated or sequential characters. Shared by every rule after its own validation.

/// Documentation examples published by providers (AWS docs' key pair, ...).
pub const DOC_EXAMPLES: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    // Stripe's API reference test keys: published, shared by every reader of the docs.
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    // The Telegram Bot API documentation's sample token.
    "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
    // The jwt.io debugger's sample token.
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
];

const FILL_IN_WORDS: &[&str] = &[
    "example",
    "changeme",
    "change_me",
    "change-me",
    "replace",
    "placeholder",
    "your_",
    "your-",
    "yourkey",
    "xxxx",
    "****",
    "dummy",
    "redacted",
    "sample",
    "fake",
    "notreal",
    "not_real",
    "not-a-real",
    "insert",
    "todo",
    "fixme",
    "<",
    ">",
    "${",
    "{{",
    "%(",
    "...",
    "\u{2026}",
    "process.env",
    "os.environ",
];

/// True when `secret` is a fill-in, an example or a reference to a value, not a value.
pub fn is_not_a_secret(secret: &str) -> bool {
    if let Some(body) = pem_body(secret) {
        // A key body is long random base64: fill-in words occur in it by chance; only a
        // body that is one repeated character (`AAAA…`) is a fill-in.
        return is_repetitive(&body);
    }
    let lower = secret.to_ascii_lowercase();
    DOC_EXAMPLES.contains(&secret)
        || FILL_IN_WORDS.iter().any(|w| lower.contains(w))
        || is_repetitive(secret)
}

/// The base64 body of a `-----BEGIN …` block (header lines and the END line left out).
fn pem_body(secret: &str) -> Option<String> {
    if !secret.starts_with("-----BEGIN ") && !secret.starts_with("---- BEGIN ") {
        return None;
    }
    Some(
        secret
            .split(['\n', '\r'])
            .flat_map(|l| l.split("\\n"))
            .map(str::trim)
            .filter(|l| !l.starts_with("--") && !l.contains(": "))
            .collect(),
    )
}

/// `aaaaaaaa…`, `12345678…`, `abcdefgh…`: typed by a human to fill a slot.
fn is_repetitive(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 {
        return false;
    }
    let distinct = {
        let mut seen = [false; 256];
        b.iter()
            .filter(|&&c| !std::mem::replace(&mut seen[c as usize], true))
            .count()
    };
    if distinct <= 3 {
        return true;
    }
    let ascending = b
        .windows(2)
        .filter(|w| w[1] == w[0].wrapping_add(1))
        .count();
    ascending * 10 >= (b.len() - 1) * 8
}

/// Shannon entropy in bits per character.
pub fn entropy(s: &str) -> f32 {
    let b = s.as_bytes();
    if b.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &c in b {
        counts[c as usize] += 1;
    }
    let n = b.len() as f32;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f32 / n;
            -p * p.log2()
        })
        .sum()
}

/// GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` + 36 base62) end with a base62
/// CRC32 of the 30 random characters before it (6 characters, zero-padded).
pub fn github_checksum_ok(token: &str) -> bool {
    let Some((_, body)) = token.split_once('_') else {
        return false;
    };
    if body.len() != 36 || !body.bytes().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let (random, check) = body.split_at(30);
    base62(crc32(random.as_bytes()), 6) == check
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc ^= byte as u32;
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

fn base62(mut n: u32, width: usize) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8(out).expect("ascii digits")
}

/// Builds a checksum-valid GitHub token from 30 random characters (for tests and the corpus).
pub fn github_token(prefix: &str, random30: &str) -> String {
    assert_eq!(
        random30.len(),
        30,
        "GitHub tokens carry 30 random characters"
    );
    format!(
        "{prefix}_{random30}{}",
        base62(crc32(random30.as_bytes()), 6)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn github_checksum_round_trips_and_rejects_edits() {
        let token = github_token("ghp", "R4nd0mCharsR4nd0mCharsR4nd0mC1");
        assert!(github_checksum_ok(&token));
        let mut edited = token.clone().into_bytes();
        edited[10] = if edited[10] == b'a' { b'b' } else { b'a' };
        assert!(!github_checksum_ok(
            &String::from_utf8(edited).expect("ascii")
        ));
    }

    #[test]
    fn placeholders_are_not_secrets() {
        for s in [
            "changeme",
            "your-api-key-here",
            "${API_KEY}",
            "{{ .Values.token }}",
            "xxxxxxxxxxxx",
            "AKIAIOSFODNN7EXAMPLE",
            "12345678901234",
            "aaaaaaaaaaaaaaaa",
        ] {
            assert!(is_not_a_secret(s), "{s}");
        }
        assert!(!is_not_a_secret("q8Zr2LmX0pWv7TnB4kYc"));
    }

    #[test]
    fn entropy_separates_random_from_words() {
        assert!(entropy("q8Zr2LmX0pWv7TnB4kYcHs3D") > 4.0);
        assert!(entropy("passwordpassword") < 3.0);
    }
}
