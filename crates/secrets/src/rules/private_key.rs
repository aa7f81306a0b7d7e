//! Private keys: PEM blocks (RSA, EC, DSA, OpenSSH, PKCS#8 plain and encrypted, PGP), SSH2 and
//! PuTTY key files, age identities. A block is reported only with a body of base64 lines
//! (`-----BEGIN RSA PRIVATE KEY-----\n...\n-----END…` from docs is not a key). Newlines may be
//! real or escaped (`\n` inside a JSON string); lines may be indented (YAML block scalars). The
//! secret runs from the BEGIN line through the END line when the END line is within the rule's
//! window, else through the last whole body line the window holds.

use super::{FIXED, rule};
use crate::rule::{Category::PrivateKey as C, Rule};
use vouch_core::Severity::Critical;

/// A PEM block labelled `$label` with optional `Name: value` headers and a base64 body of at
/// least one 40-character line.
macro_rules! pem {
    ($label:literal) => {
        concat!(
            r"(?-u)(-----BEGIN ",
            $label,
            r"-----(?:\r?\n|\\n)(?:[ \t]*[A-Za-z][A-Za-z0-9\-]*: [^\r\n\\]*(?:\r?\n|\\n))*(?:[ \t]*(?:\r?\n|\\n))?(?:[ \t]*[A-Za-z0-9+/=]{40,}(?:\r?\n|\\n))+(?:[ \t]*[A-Za-z0-9+/=]{1,39}(?:\r?\n|\\n))?(?:[ \t]*-----END ",
            $label,
            r"-----)?)"
        )
    };
}

pub const RULES: &[Rule] = &[
    rule(
        "SECRET-RSA-PRIVATE-KEY",
        "RSA private key (PKCS#1 PEM)",
        C,
        Critical,
        &["begin rsa private key"],
        pem!("RSA PRIVATE KEY"),
        FIXED,
    ),
    rule(
        "SECRET-EC-PRIVATE-KEY",
        "EC private key (SEC1 PEM)",
        C,
        Critical,
        &["begin ec private key"],
        pem!("EC PRIVATE KEY"),
        FIXED,
    ),
    rule(
        "SECRET-DSA-PRIVATE-KEY",
        "DSA private key (PEM)",
        C,
        Critical,
        &["begin dsa private key"],
        pem!("DSA PRIVATE KEY"),
        FIXED,
    ),
    rule(
        "SECRET-OPENSSH-PRIVATE-KEY",
        "OpenSSH private key",
        C,
        Critical,
        &["begin openssh private key"],
        pem!("OPENSSH PRIVATE KEY"),
        FIXED,
    ),
    rule(
        "SECRET-PKCS8-PRIVATE-KEY",
        "PKCS#8 private key (unencrypted PEM)",
        C,
        Critical,
        &["begin private key"],
        pem!("PRIVATE KEY"),
        FIXED,
    ),
    rule(
        "SECRET-PKCS8-ENCRYPTED-PRIVATE-KEY",
        "PKCS#8 encrypted private key (PEM)",
        C,
        Critical,
        &["begin encrypted private key"],
        pem!("ENCRYPTED PRIVATE KEY"),
        FIXED,
    ),
    rule(
        "SECRET-PGP-PRIVATE-KEY",
        "PGP private key block",
        C,
        Critical,
        &["begin pgp private key block"],
        pem!("PGP PRIVATE KEY BLOCK"),
        FIXED,
    ),
    rule(
        "SECRET-SSH2-PRIVATE-KEY",
        "SSH2 (SSH.com) encrypted private key",
        C,
        Critical,
        &["begin ssh2 encrypted private key"],
        r#"(?-u)(---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\r?\n(?:[A-Za-z][A-Za-z0-9\-]*: [^\r\n]*\r?\n)*(?:[A-Za-z0-9+/=]{40,}\r?\n)+(?:[A-Za-z0-9+/=]{1,39}\r?\n)?(?:---- END SSH2 ENCRYPTED PRIVATE KEY ----)?)"#,
        FIXED,
    ),
    rule(
        "SECRET-PUTTY-PRIVATE-KEY",
        "PuTTY private key file",
        C,
        Critical,
        &["putty-user-key-file-"],
        r"(?-u)PuTTY-User-Key-File-[23]: [A-Za-z0-9\-]+\r?\n(?:[A-Za-z\-]+: [^\r\n]*\r?\n(?:[A-Za-z0-9+/=]+\r?\n)*){1,8}?Private-Lines: [0-9]+\r?\n((?:[A-Za-z0-9+/=]{16,}\r?\n)*[A-Za-z0-9+/=]{16,})",
        FIXED,
    ),
    rule(
        "SECRET-AGE-SECRET-KEY",
        "age encryption secret key",
        C,
        Critical,
        &["age-secret-key-1"],
        r"(?-u)\b(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b",
        FIXED,
    ),
];

#[cfg(test)]
mod tests {
    use crate::{ruleset, scan};

    fn body(lines: usize) -> String {
        // Deterministic base64-looking lines (not a key).
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        (0..lines)
            .map(|_| {
                (0..64)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        alphabet[(x % 64) as usize] as char
                    })
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_key_longer_than_the_window_is_still_reported_from_its_begin_line() {
        let text = format!(
            "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
            body(50)
        );
        let hits = scan(ruleset(), text.as_bytes());
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].rule, "SECRET-RSA-PRIVATE-KEY");
        assert_eq!(hits[0].span.start, 0);
    }

    #[test]
    fn blocks_without_a_body_and_public_keys_are_silent() {
        for text in [
            "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n".to_string(),
            "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n".to_string(),
            format!(
                "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
                body(4)
            ),
            "if pem.startswith('-----BEGIN OPENSSH PRIVATE KEY-----'):\n".to_string(),
        ] {
            let hits = scan(ruleset(), text.as_bytes());
            assert!(hits.is_empty(), "{text}: {hits:?}");
        }
    }

    #[test]
    fn escaped_newlines_in_json_are_followed() {
        let text = format!(
            "{{\"key\": \"-----BEGIN EC PRIVATE KEY-----\\n{}\\n-----END EC PRIVATE KEY-----\\n\"}}",
            body(3).replace('\n', "\\n")
        );
        let hits = scan(ruleset(), text.as_bytes());
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert!(text[hits[0].span.clone()].ends_with("-----END EC PRIVATE KEY-----"));
    }
}
