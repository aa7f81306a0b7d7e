//! Words the documentation controls look for, noted per document during the walk's single
//! read: a control that needs one of them re-reads only the documents that hold it (most
//! documents of a monorepo are about something else).

use std::sync::LazyLock;
use vouch_keywords::Keywords;

/// The words every restore command the data controls recognise contains (case-insensitively):
/// the single-word tools, the first word of each tool pair, `psql` and `mysql`. The restore
/// controls search documents with this same list.
pub const RESTORE_TOOLS: [&str; 15] = [
    "pg_restore",
    "mongorestore",
    "backup-fetch",
    "restore-db-",
    "neo4j-admin",
    "velero",
    "restic",
    "pgbackrest",
    "barman",
    "borg",
    "etcdctl",
    "litestream",
    "gcloud",
    "psql",
    "mysql",
];

/// Words about restores and drills; with [`RESTORE_TOOLS`] they make [`DOC_WORDS`].
const TOPIC_WORDS: [&str; 8] = [
    "restor",
    "recover",
    "point-in-time",
    "drill",
    "game day",
    "gameday",
    "failover",
    "dr",
];

/// ASCII case-insensitive; `dr` counts only as a whole word (`DR drill`, not `address`).
/// Bit i of a mask is word i of this list.
pub static DOC_WORDS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| TOPIC_WORDS.iter().chain(&RESTORE_TOOLS).copied().collect());

const WHOLE_WORD: &str = "dr";

static SEARCH: LazyLock<Keywords> = LazyLock::new(|| Keywords::new(&DOC_WORDS));

/// Whether a path has a documentation extension (`.md`, `.markdown`, `.rst`, `.adoc`, or
/// `.txt` under a `doc`/`docs` folder).
pub fn is_doc_extension(rel: &str) -> bool {
    // Asked of every text file: a copy only for a path with upper-case letters.
    let lower = super::paths::lowercase(rel);
    [".md", ".markdown", ".rst", ".adoc"]
        .iter()
        .any(|e| lower.ends_with(e))
        || (lower.ends_with(".txt") && lower.split('/').any(|p| p == "docs" || p == "doc"))
}

/// Bit i is set when `text` holds `DOC_WORDS[i]`. A superset: a control's own search decides.
pub fn mask(text: &[u8]) -> u32 {
    let mut found = 0u32;
    SEARCH.for_each(text, |m| {
        let word = DOC_WORDS[m.pattern];
        if word != WHOLE_WORD || is_whole_word(text, m.start, m.end) {
            found |= 1 << m.pattern;
        }
        std::ops::ControlFlow::Continue(())
    });
    found
}

/// The mask of a set of words, or None when one of them is not noted (then every document
/// has to be read).
pub fn mask_of<'a>(words: impl IntoIterator<Item = &'a str>) -> Option<u32> {
    words.into_iter().try_fold(0u32, |mask, word| {
        let lower = word.to_ascii_lowercase();
        DOC_WORDS
            .iter()
            .position(|w| *w == lower)
            .map(|i| mask | 1 << i)
    })
}

/// ASCII word boundaries on both sides; a non-ASCII neighbour may be a letter, so it counts as
/// a boundary (the mask may say yes too often, never too rarely).
fn is_whole_word(text: &[u8], start: usize, end: usize) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let before = start.checked_sub(1).map(|i| text[i]);
    let after = text.get(end).copied();
    !before.is_some_and(word) && !after.is_some_and(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_in_any_case_and_dr_only_as_a_word() {
        let bit = |w: &str| mask_of([w]).unwrap();
        let m = mask(b"# Restore\nRun PG_RESTORE after the DR drill.\n");
        assert_ne!(m & bit("restor"), 0);
        assert_ne!(m & bit("pg_restore"), 0);
        assert_ne!(m & bit("dr"), 0);
        assert_ne!(m & bit("drill"), 0);
        let m = mask(b"Send the address; drop the table.\n");
        assert_eq!(m & bit("dr"), 0);
        assert_eq!(mask(b"nothing relevant here"), 0);
        assert_eq!(mask_of(["restor", "not-a-noted-word"]), None);
        assert!(is_doc_extension("docs/ops/notes.txt"));
        assert!(is_doc_extension("README.MD"));
        assert!(!is_doc_extension("src/notes.txt"));
    }
}
