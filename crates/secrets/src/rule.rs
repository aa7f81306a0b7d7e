//! What a rule is: data, not code. Every rule has an ID, a title, a severity, the keywords that
//! must appear near a match (lower-case; matched case-insensitively), the regex, which capture
//! group holds the secret, and how a candidate is validated.

use vouch_core::Severity;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    Cloud,
    SourceHosting,
    CiRegistry,
    ChatMail,
    Payments,
    Ai,
    Identity,
    Observability,
    Database,
    PrivateKey,
    Token,
    Generic,
}

/// Extra evidence a candidate must carry before it is reported.
#[derive(Clone, Copy, Debug)]
pub enum Validation {
    /// The regex is specific enough (a fixed prefix and length).
    None,
    /// Shannon entropy (bits per character) of the secret at least this.
    Entropy(f32),
    /// GitHub token checksum: the last 6 characters are the base62 CRC32 of the rest.
    GithubCrc32,
    /// A rule-specific test of the secret text.
    Custom(fn(&str) -> bool),
}

/// Where around a keyword hit a rule's regex can match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Anywhere within a few hundred bytes of the keyword (a provider name near its token).
    Nearby,
    /// The match holds the keyword in its name and ends on the keyword's line or the next
    /// (`name = value`, or `- name: X` then `value: …`): only those two lines are searched.
    /// The generic rules' keywords (`token`, `secret`) are everywhere in source code, so a
    /// wide window around each would have their regexes read half of every file.
    KeywordLineAndNext,
}

#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// `SECRET-<PROVIDER>-<KIND>`, stable, never reused.
    pub id: &'static str,
    pub title: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// Lower-case words of which one must occur in the window the regex runs on.
    pub keywords: &'static [&'static str],
    /// `regex` crate syntax over bytes.
    pub pattern: &'static str,
    /// Capture group holding the secret (0: the whole match).
    pub group: usize,
    pub validation: Validation,
    pub reach: Reach,
}
