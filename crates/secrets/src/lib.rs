//! The secret scanner: at least 150 provider-specific rules plus generic high-entropy
//! assignments. One Aho-Corasick automaton over every rule's keywords finds candidate places in
//! a single pass; a rule's regex runs only on windows around its keywords' hits; checksums,
//! entropy and placeholder filters keep documentation examples and fill-ins quiet.

pub mod filter;
pub mod history;
pub mod rule;
pub mod rules;
mod ruleset;
mod scan;
pub mod tree;

pub use rule::{Category, Reach, Rule, Validation};
pub use ruleset::{Ruleset, ruleset};
pub use scan::{KeywordHits, SecretHit, redact, scan, scan_reader};
pub use vouch_keywords::Match;
