//! Checking an uploaded `vouch.signoffs/v1` document before anything is stored: every entry's
//! Ed25519 signature must verify over its payload, and, when the server lists trusted signer
//! keys, be made by one of them. One bad entry refuses the whole upload (422), naming each
//! failing entry and why.

use super::key::SignoffKeys;
use crate::http::problem::{FieldError, Problem};
use vouch_checklist::signoff::{SIGNOFFS_SCHEMA, SignoffFile};

pub fn check(file: &SignoffFile, keys: &SignoffKeys) -> Result<(), Problem> {
    let mut errors = Vec::new();
    if file.schema != SIGNOFFS_SCHEMA {
        errors.push(FieldError::new(
            "schema",
            format!("must be `{SIGNOFFS_SCHEMA}`"),
        ));
    }
    if file.signoffs.is_empty() {
        errors.push(FieldError::new("signoffs", "at least one entry"));
    }
    for (i, entry) in file.signoffs.iter().enumerate() {
        if let Err(reason) = entry.verify_signature() {
            errors.push(FieldError::new(format!("signoffs[{i}]"), reason));
        } else if !keys.trusts(&entry.public_key) {
            errors.push(FieldError::new(
                format!("signoffs[{i}].public_key"),
                "not a trusted signer key of this server",
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Problem::validation(errors))
    }
}
