//! The chain's hash: SHA-256 over a canonical, unambiguous encoding of an entry's fields.
//! Each field is written as its length (8 bytes, big-endian) followed by its UTF-8 bytes, in
//! a fixed order after a version tag, so no two different entries encode the same way.

use crate::auth::keys::hex;
use crate::repo::audit_log::AuditEntry;
use sha2::{Digest, Sha256};

/// `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const TAG: &[u8] = b"vouch.audit-log.v1";

/// Hex SHA-256 of (seq, at, kind, actor, subject, detail, prev_hash); `entry.hash` is ignored.
pub fn hash(entry: &AuditEntry) -> String {
    let mut hasher = Sha256::new();
    hasher.update(TAG);
    let seq = entry.seq.to_string();
    let at = entry.at.to_string();
    for field in [
        seq.as_str(),
        at.as_str(),
        &entry.kind,
        &entry.actor,
        &entry.subject,
        &entry.detail,
        &entry.prev_hash,
    ] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hex(&hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> AuditEntry {
        AuditEntry {
            seq: 1,
            at: 1_700_000_000_000,
            kind: "api_key.created".into(),
            actor: "api-key:1".into(),
            subject: "api-key:2".into(),
            detail: r#"{"name":"ci"}"#.into(),
            prev_hash: GENESIS.into(),
            hash: String::new(),
        }
    }

    #[test]
    fn every_field_changes_the_hash() {
        let base = hash(&entry());
        assert_eq!(base.len(), 64);
        let changed: [fn(&mut AuditEntry); 7] = [
            |e| e.seq = 2,
            |e| e.at += 1,
            |e| e.kind.push('x'),
            |e| e.actor.push('x'),
            |e| e.subject.push('x'),
            |e| e.detail = r#"{"name":"cd"}"#.into(),
            |e| e.prev_hash = "1".repeat(64),
        ];
        for change in changed {
            let mut e = entry();
            change(&mut e);
            assert_ne!(hash(&e), base);
        }
    }

    #[test]
    fn field_boundaries_are_unambiguous() {
        let mut a = entry();
        a.actor = "ab".into();
        a.subject = "c".into();
        let mut b = entry();
        b.actor = "a".into();
        b.subject = "bc".into();
        assert_ne!(hash(&a), hash(&b));
    }

    #[test]
    fn the_stored_hash_is_not_an_input() {
        let mut e = entry();
        let first = hash(&e);
        e.hash = first.clone();
        assert_eq!(hash(&e), first);
    }
}
