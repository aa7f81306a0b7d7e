//! What a sign-off covers and how it is signed. The signature is over the JSON bytes of the
//! payload (fields in declaration order, no floats), so re-serialising a stored payload gives
//! back exactly the signed bytes.

use super::hex;
use super::keys::parse_public_key;
use crate::verify::ItemReport;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const PAYLOAD_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignoffPayload {
    pub version: u32,
    /// The checklist, relative to the repository root, `/`-separated.
    pub checklist: String,
    /// Heading path of the signed section, outermost first.
    pub section: Vec<String>,
    pub name: String,
    /// RFC 3339, UTC.
    pub signed_at: String,
    #[serde(default)]
    pub commit: Option<String>,
    pub items: Vec<SignedItem>,
}

/// One covered item: what it said, its verdict, and a digest of its controls and evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedItem {
    pub id: String,
    pub text: String,
    pub verdict: String,
    pub evidence: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignoffEntry {
    pub payload: SignoffPayload,
    /// Hex Ed25519 verifying key of the signer.
    pub public_key: String,
    /// Hex Ed25519 signature over the payload's JSON bytes.
    pub signature: String,
}

pub fn sign(payload: SignoffPayload, key: &SigningKey) -> SignoffEntry {
    let signature = key.sign(&payload_bytes(&payload));
    SignoffEntry {
        public_key: hex::encode(key.verifying_key().as_bytes()),
        signature: hex::encode(&signature.to_bytes()),
        payload,
    }
}

impl SignoffEntry {
    /// Ok when the signature verifies with the entry's own key; the reason otherwise.
    pub fn verify_signature(&self) -> Result<(), String> {
        let key = parse_public_key(&self.public_key).ok_or("the public key is malformed")?;
        let bytes = hex::decode::<64>(&self.signature).ok_or("the signature is malformed")?;
        key.verify(
            &payload_bytes(&self.payload),
            &Signature::from_bytes(&bytes),
        )
        .map_err(|_| "the signature does not match the signed content".to_string())
    }

    /// Short form of the signer's key, for display.
    pub fn key_fingerprint(&self) -> String {
        self.public_key.chars().take(16).collect()
    }
}

fn payload_bytes(payload: &SignoffPayload) -> Vec<u8> {
    // Serialising a struct of strings, integers and vectors cannot fail.
    serde_json::to_vec(payload).unwrap_or_default()
}

/// The signed view of items: id, text, verdict, and a digest of controls and evidence that
/// ignores line moves (findings are identified by their stable fingerprints).
pub fn signed_items(items: &[&ItemReport]) -> Vec<SignedItem> {
    items
        .iter()
        .map(|item| SignedItem {
            id: item.id.clone(),
            text: item.text.clone(),
            verdict: item.verdict.as_str().to_string(),
            evidence: evidence_digest(item),
        })
        .collect()
}

fn evidence_digest(item: &ItemReport) -> String {
    let mut lines: Vec<String> = item
        .controls
        .iter()
        .map(|c| format!("control {} {}", c.id, c.outcome.as_str()))
        .collect();
    lines.extend(item.evidence.iter().map(|e| {
        if e.fingerprint.is_empty() {
            format!("evidence {} {} {}", e.control, e.path, e.message)
        } else {
            format!("evidence {} {}", e.control, e.fingerprint)
        }
    }));
    lines.sort();
    let mut hasher = Sha256::new();
    for line in lines {
        hasher.update(line.as_bytes());
        hasher.update([b'\n']);
    }
    hex::encode(&hasher.finalize()[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload() -> SignoffPayload {
        SignoffPayload {
            version: PAYLOAD_VERSION,
            checklist: "docs/prr.md".into(),
            section: vec!["Stage 3".into()],
            name: "Ada".into(),
            signed_at: "2025-01-01T00:00:00Z".into(),
            commit: Some("abc".into()),
            items: vec![SignedItem {
                id: "S3-1".into(),
                text: "Runbook reviewed".into(),
                verdict: "manual".into(),
                evidence: "00".into(),
            }],
        }
    }

    #[test]
    fn signature_survives_a_json_round_trip_and_catches_tampering() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let entry = sign(payload(), &key);
        let stored = serde_json::to_string_pretty(&entry).unwrap();
        let back: SignoffEntry = serde_json::from_str(&stored).unwrap();
        assert_eq!(back.verify_signature(), Ok(()));

        let mut forged = back.clone();
        forged.payload.items[0].verdict = "done".into();
        assert!(
            forged
                .verify_signature()
                .unwrap_err()
                .contains("does not match")
        );

        let mut other_key = back.clone();
        other_key.public_key = hex::encode(
            SigningKey::from_bytes(&[8u8; 32])
                .verifying_key()
                .as_bytes(),
        );
        assert!(other_key.verify_signature().is_err());

        let mut garbage = back;
        garbage.signature = "zz".into();
        assert_eq!(
            garbage.verify_signature(),
            Err("the signature is malformed".to_string())
        );
    }
}
