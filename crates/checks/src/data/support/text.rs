//! Line-level text helpers: comments, aspirational wording, bounded reads.

use std::io::Read;
use vouch_workspace::Workspace;

/// Comment leaders of a file, by extension or name.
pub fn comment_leaders(rel: &str) -> &'static [&'static str] {
    // Asked for every line of some files: no allocation for a lower-case name.
    let name = super::paths::lowercase(super::paths::file_name(rel));
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "js" | "mjs" | "cjs" | "jsx" | "ts" | "tsx" | "go" | "rs" | "java" | "kt" | "kts"
        | "scala" | "cs" | "groovy" | "swift" | "c" | "cc" | "cpp" | "h" => &["//", "/*", "*"],
        "php" => &["//", "#", "/*", "*"],
        "sql" => &["--", "/*"],
        "hcl" | "tf" => &["#", "//", "/*"],
        "md" | "markdown" | "html" | "xml" => &["<!--"],
        "ini" | "cfg" => &["#", ";"],
        _ => &["#"],
    }
}

/// Whether `line` (of the file at `rel`) is a comment, so it carries no configuration.
pub fn is_comment(rel: &str, line: &str) -> bool {
    let t = line.trim_start();
    comment_leaders(rel).iter().any(|l| t.starts_with(l))
}

/// Wording that promises or asks for something rather than describing it ("TODO: add
/// backups", "we should test restores", "not yet"). Such lines are never evidence.
pub fn is_aspirational(line: &str) -> bool {
    // One case-insensitive automaton; offsets match those of the lowercased line.
    let bytes = line.as_bytes();
    ASPIRATIONAL.find_overlapping_iter(line).any(|hit| {
        let i = hit.start();
        hit.pattern().as_usize() >= ASPIRATIONAL_WORDS.len()
            || i == 0
            || !bytes[i - 1].is_ascii_alphanumeric()
    }) || {
        let t = line.trim_start();
        t.starts_with("- [ ]") || t.starts_with("* [ ]")
    }
}

/// Aspirational words, matched at the start of a word.
const ASPIRATIONAL_WORDS: [&str; 20] = [
    "todo",
    "fixme",
    "tbd",
    "xxx:",
    "we should",
    "should add",
    "should be added",
    "should have",
    "should set up",
    "should write",
    "should document",
    "we need to",
    "need to add",
    "not yet",
    "plan to",
    "planned for",
    "will add",
    "coming soon",
    "to be written",
    "to be defined",
];

/// [`ASPIRATIONAL_WORDS`] followed by phrases matched anywhere.
static ASPIRATIONAL: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(
                ASPIRATIONAL_WORDS
                    .iter()
                    .chain(&["no backups", "not implemented"]),
            )
            .expect("static needles")
    });

/// The first `max` bytes of a file (imports sit at the top), decoded lossily.
pub fn read_head(ws: &Workspace, rel: &str, max: u64) -> Option<String> {
    if let Some(entry) = ws.file(rel) {
        if entry.binary {
            return None;
        }
        if let Some(text) = &entry.text {
            let end = floor_char_boundary(&text.text, max as usize);
            return Some(text.text[..end].to_string());
        }
    }
    let file = std::fs::File::open(ws.root.join(rel)).ok()?;
    let mut bytes = Vec::new();
    file.take(max).read_to_end(&mut bytes).ok()?;
    // Valid UTF-8 (the usual case) is taken as is: no second pass, no copy.
    Some(
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

fn floor_char_boundary(s: &str, at: usize) -> usize {
    if at >= s.len() {
        return s.len();
    }
    (0..=at).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0)
}

/// 1-based character column of byte offset `at` in `line`.
pub fn column_of(line: &str, at: usize) -> u32 {
    line.get(..at).map_or(1, |s| s.chars().count() as u32 + 1)
}

/// Whether `word` occurs in `haystack` delimited by non-identifier characters.
pub fn contains_word(haystack: &str, word: &str) -> bool {
    haystack.match_indices(word).any(|(i, _)| {
        let before = haystack[..i].chars().next_back();
        let after = haystack[i + word.len()..].chars().next();
        let ident = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        !ident(before) && !ident(after)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_by_file_type() {
        assert!(is_comment("k8s/cron.yaml", "  # schedule: daily"));
        assert!(is_comment("db/V1__init.sql", "-- comment"));
        assert!(is_comment(
            "load/script.js",
            "// import http from 'k6/http'"
        ));
        assert!(!is_comment("backup.sh", "pg_dump \"$DATABASE_URL\""));
    }

    #[test]
    fn aspirational_wording() {
        assert!(is_aspirational("TODO: we should add backups"));
        assert!(is_aspirational("- [ ] Restore drill (planned for Q3)"));
        assert!(is_aspirational("We need to document how to restore."));
        assert!(!is_aspirational("Restore the latest dump with pg_restore:"));
        assert!(!is_aspirational("Nightly backups are kept for 14 days."));
        assert!(!is_aspirational("The method shouldn't matter"));
    }

    #[test]
    fn words() {
        assert!(contains_word("run pg_dump now", "pg_dump"));
        assert!(!contains_word("run pg_dumpall now", "pg_dump"));
        assert!(contains_word("\"pg\": \"^8\"", "pg"));
    }
}
