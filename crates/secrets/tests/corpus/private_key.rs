//! Private key positives: generated PEM-shaped blocks (random base64, not keys).

use super::{Gen, Positive, snip};

fn block(
    g: &mut Gen,
    label: &str,
    start: &str,
    total: usize,
    width: usize,
    headers: &str,
) -> String {
    format!(
        "-----BEGIN {label}-----\n{headers}{}\n-----END {label}-----",
        g.pem_body(start, total, width, "\n")
    )
}

pub fn positives(g: &mut Gen) -> Vec<Positive> {
    let mut out = Vec::new();
    let rsa = block(g, "RSA PRIVATE KEY", "MIIEowIBAAKCAQEA", 280, 64, "");
    out.push(snip(
        "SECRET-RSA-PRIVATE-KEY",
        rsa.clone(),
        format!("{rsa}\n"),
    ));
    let dek = format!(
        "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,{}\n\n",
        g.hex(32).to_uppercase()
    );
    let rsa_enc = block(g, "RSA PRIVATE KEY", "", 260, 64, &dek);
    out.push(snip(
        "SECRET-RSA-PRIVATE-KEY",
        rsa_enc.clone(),
        format!("{rsa_enc}\n"),
    ));
    let ec = block(g, "EC PRIVATE KEY", "MHcCAQEEI", 160, 64, "");
    out.push(snip(
        "SECRET-EC-PRIVATE-KEY",
        ec.clone(),
        format!("# staging signer\n{ec}\n"),
    ));
    let dsa = block(g, "DSA PRIVATE KEY", "MIIBuwIBAAKBgQ", 300, 64, "");
    out.push(snip(
        "SECRET-DSA-PRIVATE-KEY",
        dsa.clone(),
        format!("{dsa}\n"),
    ));
    let ssh = block(
        g,
        "OPENSSH PRIVATE KEY",
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
        340,
        70,
        "",
    );
    out.push(snip(
        "SECRET-OPENSSH-PRIVATE-KEY",
        ssh.clone(),
        format!("{ssh}\n"),
    ));
    let pk8 = block(
        g,
        "PRIVATE KEY",
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
        300,
        64,
        "",
    );
    out.push(snip(
        "SECRET-PKCS8-PRIVATE-KEY",
        pk8.clone(),
        format!("{pk8}\n"),
    ));
    // Indented in a YAML block scalar (a Kubernetes Secret's stringData).
    let body = g.pem_body("MIGHAgEAMBMGByqGSM49AgEGCCqGSM48", 184, 64, "\n    ");
    let yaml_key =
        format!("-----BEGIN PRIVATE KEY-----\n    {body}\n    -----END PRIVATE KEY-----");
    out.push(snip(
        "SECRET-PKCS8-PRIVATE-KEY",
        yaml_key.clone(),
        format!("apiVersion: v1\nkind: Secret\nstringData:\n  tls.key: |\n    {yaml_key}\n"),
    ));
    let enc = block(
        g,
        "ENCRYPTED PRIVATE KEY",
        "MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkq",
        320,
        64,
        "",
    );
    out.push(snip(
        "SECRET-PKCS8-ENCRYPTED-PRIVATE-KEY",
        enc.clone(),
        format!("{enc}\n"),
    ));
    let pgp = format!(
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\n{}\n={}\n-----END PGP PRIVATE KEY BLOCK-----",
        g.pem_body("lQOYBF", 300, 64, "\n"),
        g.b64(4)
    );
    out.push(snip(
        "SECRET-PGP-PRIVATE-KEY",
        pgp.clone(),
        format!("{pgp}\n"),
    ));
    let ssh2 = format!(
        "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: \"rsa-key-20240101\"\n{}\n---- END SSH2 ENCRYPTED PRIVATE KEY ----",
        g.pem_body("P2/56wAAA", 280, 70, "\n")
    );
    out.push(snip(
        "SECRET-SSH2-PRIVATE-KEY",
        ssh2.clone(),
        format!("{ssh2}\n"),
    ));
    let private_lines = g.pem_body("AAAAI", 108, 64, "\n");
    let putty = format!(
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: eddsa-key-20240101\nPublic-Lines: 2\n{}\nPrivate-Lines: 2\n{private_lines}\nPrivate-MAC: {}\n",
        g.pem_body("AAAAC3NzaC1lZDI1NTE5AAAAI", 68, 64, "\n"),
        g.hex(64)
    );
    out.push(snip("SECRET-PUTTY-PRIVATE-KEY", private_lines, putty));
    let age = format!(
        "AGE-SECRET-KEY-1{}",
        g.chars("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)
    );
    out.push(snip(
        "SECRET-AGE-SECRET-KEY",
        age.clone(),
        format!(
            "# created: 2024-05-01T10:00:00Z\n# public key: age1{}\n{age}\n",
            g.chars("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58)
        ),
    ));
    out
}
