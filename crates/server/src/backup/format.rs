//! The archive format (version 1). Line 1 is the [`Header`]; every following line is one row,
//! `{"t": table, "r": [values in column order]}`. Values: JSON null, booleans, integers,
//! floats, strings for text, and `{"base64": "..."}` for binary columns (BLOB / bytea).
//!
//! A table's checksum is the SHA-256 of its rows' SHA-256s sorted, each row hashed as its
//! canonical JSON array: independent of row order, so two databases with the same rows agree
//! whatever order they return them in.

use crate::auth::keys::hex;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub const FORMAT: &str = "vouch-backup";
pub const VERSION: u32 = 1;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Header {
    /// Always `vouch-backup`.
    pub format: String,
    /// Format version (this is 1).
    pub version: u32,
    /// `sqlite` or `postgres`: where the rows came from (restore into the same kind).
    pub backend: String,
    /// The highest migration applied in the source database.
    pub schema_version: i64,
    /// RFC 3339 time the snapshot was taken.
    pub created_at: String,
    /// Tables in foreign-key order (parents before children).
    pub tables: Vec<TableHeader>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TableHeader {
    pub name: String,
    pub columns: Vec<Column>,
    pub rows: u64,
    pub sha256: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// How values travel: `int`, `float`, `bool`, `text` or `blob`.
    #[serde(rename = "type")]
    pub kind: ColumnKind,
    /// PostgreSQL type a text value is cast back to (types the driver cannot read directly,
    /// such as `jsonb` or `timestamptz`, travel as text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cast: Option<String>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    Int,
    Float,
    Bool,
    Text,
    Blob,
}

/// A row line of the archive.
#[derive(Serialize, Deserialize)]
pub struct RowLine {
    pub t: String,
    pub r: Vec<Value>,
}

/// A table's row count and checksum, from an archive header or a live database.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TableDigest {
    pub name: String,
    pub rows: u64,
    pub sha256: String,
}

impl From<&TableHeader> for TableDigest {
    fn from(t: &TableHeader) -> Self {
        TableDigest {
            name: t.name.clone(),
            rows: t.rows,
            sha256: t.sha256.clone(),
        }
    }
}

pub fn blob(bytes: &[u8]) -> Value {
    json!({ "base64": STANDARD.encode(bytes) })
}

/// The bytes of a `{"base64": ...}` value.
pub fn unblob(value: &Value) -> Option<Vec<u8>> {
    STANDARD.decode(value.get("base64")?.as_str()?).ok()
}

/// Accumulates a table's checksum.
#[derive(Default)]
pub struct Checksum {
    rows: Vec<[u8; 32]>,
}

impl Checksum {
    /// `canonical` is the row's JSON array as written to the archive.
    pub fn add(&mut self, canonical: &str) {
        self.rows.push(Sha256::digest(canonical.as_bytes()).into());
    }

    pub fn finish(mut self, name: &str) -> TableDigest {
        self.rows.sort_unstable();
        let mut hasher = Sha256::new();
        for row in &self.rows {
            hasher.update(row);
        }
        TableDigest {
            name: name.to_string(),
            rows: self.rows.len() as u64,
            sha256: hex(&hasher.finalize()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_ignore_row_order_but_not_content() {
        let digest = |rows: &[&str]| {
            let mut c = Checksum::default();
            rows.iter().for_each(|r| c.add(r));
            c.finish("t")
        };
        let a = digest(&["[1,\"a\"]", "[2,\"b\"]"]);
        assert_eq!(a, digest(&["[2,\"b\"]", "[1,\"a\"]"]));
        assert_ne!(a.sha256, digest(&["[1,\"a\"]", "[2,\"c\"]"]).sha256);
        assert_eq!(a.rows, 2);
    }

    #[test]
    fn blobs_round_trip_through_base64() {
        let bytes = [0u8, 1, 2, 255, 31, 139];
        assert_eq!(unblob(&blob(&bytes)).unwrap(), bytes);
        assert_eq!(unblob(&json!("text")), None);
    }
}
