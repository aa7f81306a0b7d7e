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
            r"(-----BEGIN ",
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
        r#"(---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\r?\n(?:[A-Za-z][A-Za-z0-9\-]*: [^\r\n]*\r?\n)*(?:[A-Za-z0-9+/=]{40,}\r?\n)+(?:[A-Za-z0-9+/=]{1,39}\r?\n)?(?:---- END SSH2 ENCRYPTED PRIVATE KEY ----)?)"#,
        FIXED,
    ),
    rule(
        "SECRET-PUTTY-PRIVATE-KEY",
        "PuTTY private key file",
        C,
        Critical,
        &["putty-user-key-file-"],
        r"PuTTY-User-Key-File-[23]: [A-Za-z0-9\-]+\r?\n(?:[A-Za-z\-]+: [^\r\n]*\r?\n(?:[A-Za-z0-9+/=]+\r?\n)*){1,8}?Private-Lines: [0-9]+\r?\n((?:[A-Za-z0-9+/=]{16,}\r?\n)*[A-Za-z0-9+/=]{16,})",
        FIXED,
    ),
    rule(
        "SECRET-AGE-SECRET-KEY",
        "age encryption secret key",
        C,
        Critical,
        &["age-secret-key-1"],
        r"\b(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b",
        FIXED,
    ),
];
