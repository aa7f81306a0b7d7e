//! Ed25519 key files. The private key is the 32-byte seed from the operating system's random
//! generator, written once with mode 0600; the public key is its verifying key. Both are one
//! line of text with a tag, so a key is never mistaken for the other kind.

use super::{SignoffError, hex};
use ed25519_dalek::{SigningKey, VerifyingKey};
use std::io::Write;
use std::path::{Path, PathBuf};

const PRIVATE_TAG: &str = "vouch-ed25519-private:";
const PUBLIC_TAG: &str = "vouch-ed25519-public:";
pub const PRIVATE_FILE: &str = "vouch-signoff.key";
pub const PUBLIC_FILE: &str = "vouch-signoff.pub";

/// Writes a new key pair into `dir`; refuses to replace existing key files.
/// Returns (private key path, public key path, public key hex).
pub fn generate_key_pair(dir: &Path) -> Result<(PathBuf, PathBuf, String), SignoffError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| SignoffError::Random(e.to_string()))?;
    let key = SigningKey::from_bytes(&seed);
    let public = hex::encode(key.verifying_key().as_bytes());

    std::fs::create_dir_all(dir).map_err(|e| SignoffError::io(dir, e))?;
    let private_path = dir.join(PRIVATE_FILE);
    let public_path = dir.join(PUBLIC_FILE);
    for path in [&private_path, &public_path] {
        if path.exists() {
            return Err(SignoffError::io(
                path,
                "already exists; not replacing a key (move it away first)",
            ));
        }
    }
    write_new(
        &private_path,
        &format!("{PRIVATE_TAG}{}\n", hex::encode(&seed)),
        0o600,
    )?;
    write_new(&public_path, &format!("{PUBLIC_TAG}{public}\n"), 0o644)?;
    Ok((private_path, public_path, public))
}

pub fn read_signing_key(path: &Path) -> Result<SigningKey, SignoffError> {
    let text = std::fs::read_to_string(path).map_err(|e| SignoffError::io(path, e))?;
    let bad = |message: &str| SignoffError::BadKey {
        path: path.display().to_string(),
        message: message.to_string(),
    };
    let body = text.trim();
    if body.starts_with(PUBLIC_TAG) {
        return Err(bad(
            "this is a public key; sign with the private key (vouch-signoff.key)",
        ));
    }
    let seed = body
        .strip_prefix(PRIVATE_TAG)
        .and_then(hex::decode::<32>)
        .ok_or_else(|| bad("not a vouch private key (made by `vouch keygen`)"))?;
    Ok(SigningKey::from_bytes(&seed))
}

pub fn parse_public_key(text: &str) -> Option<VerifyingKey> {
    let text = text.trim();
    let raw = text.strip_prefix(PUBLIC_TAG).unwrap_or(text);
    VerifyingKey::from_bytes(&hex::decode::<32>(raw)?).ok()
}

fn write_new(path: &Path, text: &str, mode: u32) -> Result<(), SignoffError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(|e| SignoffError::io(path, e))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| SignoffError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_key_reads_back_and_matches_its_public_key() {
        let dir = tempfile::tempdir().unwrap();
        let (private, public, hex_key) = generate_key_pair(dir.path()).unwrap();
        let key = read_signing_key(&private).unwrap();
        let public_text = std::fs::read_to_string(&public).unwrap();
        assert_eq!(parse_public_key(&public_text), Some(key.verifying_key()));
        assert_eq!(parse_public_key(&hex_key), Some(key.verifying_key()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&private).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn two_key_pairs_differ_and_existing_keys_are_never_replaced() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let (_, _, ka) = generate_key_pair(a.path()).unwrap();
        let (_, _, kb) = generate_key_pair(b.path()).unwrap();
        assert_ne!(ka, kb);
        let before = std::fs::read(a.path().join(PRIVATE_FILE)).unwrap();
        let err = generate_key_pair(a.path()).unwrap_err().to_string();
        assert!(err.contains("already exists"), "{err}");
        assert_eq!(std::fs::read(a.path().join(PRIVATE_FILE)).unwrap(), before);
    }

    #[test]
    fn wrong_files_are_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let (_, public, _) = generate_key_pair(dir.path()).unwrap();
        let err = read_signing_key(&public).unwrap_err().to_string();
        assert!(err.contains("this is a public key"), "{err}");
        let junk = dir.path().join("junk");
        std::fs::write(&junk, "hello").unwrap();
        let err = read_signing_key(&junk).unwrap_err().to_string();
        assert!(err.contains("not a vouch private key"), "{err}");
    }
}
